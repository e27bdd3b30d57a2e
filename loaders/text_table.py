"""Layout `text-table`: a duty table that reached us as plain text without tabs — columns separated by spaces
(a State Council table), headers spaced out (`工 作 任 务`), or one cell per line (a table copied from a web page
or exported from Word), with or without 序号.

The header tells which columns there are and in what order; the cells of a row are then recognised by their
content, because spaces and line breaks cannot say where a cell ends: a bare number is the 序号, a list of
government bodies a unit cell (the first unit column is 牵头 when the header has one), people's names the
responsible persons, a date the deadline, and the first long text the task."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .assignments import Roles, read_keyed
from .columns import HEADER_MEANINGS, header_meaning
from .deadlines import is_deadline_text, parse_deadline
from .errors import LoadError
from .metadata import title_from_text
from .records import PlanRecord, TaskRecord
from .statement_deadline import statement_deadline
from .unit_names import is_person_list, is_person_name, is_unit_list, person_name, split_person_names
from .units import clean_cell, split_units

_OTHER_WORDS = ("备注", "完成情况", "进展情况", "名称", "项目", "类别", "工作目标", "目标", "指标", "考核指标", "序", "考核项目", "一级指标",
                "二级指标", "年度目标", "计量单位", "单位", "完成状况", "考评标准", "建设内容", "建设指标", "工作考核", "工作指标")
_WORDS = sorted({w for _, words in HEADER_MEANINGS for w in words} | set(_OTHER_WORDS), key=len, reverse=True)
_NUMBER = re.compile(r"^[（(]?(\d{1,4})[）)]?[.、．]?$")
_SECTION = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[）)])")
_UNIT_MEANINGS = ("lead", "support", "units")
_MILESTONE = re.compile(r"^(?:\d{4}年)?\d{1,2}月(?:底|中旬|上旬|下旬|末)?(?:前|以前)?[\u4e00-\u9fff]{2,6}$")
MAX_HEADER_LINE = 3000


@dataclass
class _Row:
    first: int
    last: int
    cells: list[str] = field(default_factory=list)
    number: int | None = None
    sub_row: bool = False       # a second task line under merged 序号 and unit cells that are not repeated


def _segment(compact: str) -> list[str] | None:
    """`序号工作任务牵头负责部门` → [序号, 工作任务, 牵头负责部门]: a line made only of header words."""
    words: list[str] = []
    position = 0
    while position < len(compact):
        word = next((w for w in _WORDS if compact.startswith(w, position)), None)
        if word is None:
            return None
        words.append(word)
        position += len(word)
    return words


def _meanings(words: list[str], numbered_only: bool = False) -> list[str] | None:
    """Column meanings when the header has a task and a unit column. In a one-cell-per-line header that starts with
    序号, a label we do not know right after it (民生实事, 项目) is the task column when no header word says so."""
    meanings = [header_meaning(w) or "other" for w in words]
    has_units = any(m in _UNIT_MEANINGS for m in meanings)
    if numbered_only and "text" not in meanings and meanings[:2] == ["number", "other"]:
        meanings[1] = "text"
    return meanings if len(words) >= 2 and "text" in meanings and has_units else None


def find_header(lines: list[str]) -> tuple[int, list[str], bool] | None:
    """(index of the first line after the header, column meanings, one cell per line?) or None."""
    found = header_span(lines)
    return found[1:] if found else None


def header_span(lines: list[str]) -> tuple[int, int, list[str], bool] | None:
    """(index of the header's first line, of the first line after it, column meanings, one cell per line?).
    The header may follow a long narrative (a 实施方案 with its task table attached), so the search goes deep."""
    for index, line in enumerate(lines[:MAX_HEADER_LINE]):
        compact = re.sub(r"[\s|]+", "", line)
        if not compact or len(compact) > 40:
            continue
        words = _segment(compact)
        meanings = _meanings(words) if words else None
        if meanings and words and len(words) >= 2:
            return index, index + 1, meanings, False
        if words and len(words) == 1 or not words and len(compact) <= 6 and header_meaning(compact):   # 任务项
            found = _header_run(lines, index, compact)
            if found:
                return index, *found
    return None


def _header_run(lines: list[str], index: int, first: str) -> tuple[int, list[str], bool] | None:
    """A header copied one cell per line: header words, labels we do not know (民生实事, 是否达序) and words broken
    over two lines (责任 / 领导); it ends at the first cell that holds data (a 序号, a sentence, a unit)."""
    run, end = [first], index + 1
    for offset, following in enumerate(lines[index + 1: index + 30], start=index + 1):
        cell = re.sub(r"[\s|]+", "", following)
        if not cell:
            continue          # a web page puts a blank line between cells
        broken = len(cell) <= 4 and header_meaning(run[-1] + cell)       # 责任 / 科室
        if _NUMBER.match(cell) or not (len(_segment(cell) or []) == 1 or header_meaning(cell) or _is_label(cell) or broken):
            break           # 牵头责任单位 is one cell, though made of two header words
        run.append(cell)
        end = offset + 1
    meanings = _meanings(_rejoin(run), numbered_only=True)
    return (end, meanings, True) if meanings else None


def _is_label(cell: str) -> bool:
    """A short header label we do not know: no sentence punctuation, not a number, unit list or person's name."""
    return (len(cell) <= 10 and not re.search(r"[，,。；;：:、]", cell) and not _NUMBER.match(cell)
            and not _SECTION.match(cell) and not is_unit_list(cell) and not is_person_name(cell))


def _rejoin(run: list[str]) -> list[str]:
    """责任 / 领导 → 责任领导: a cell that means nothing alone and, with the next one, makes a header word (the next
    one not a header word of its own: 民生实事 / 责任单位 are two columns, 攻坚目标 / 任务 one)."""
    out: list[str] = []
    for cell in run:
        alone = header_meaning(cell) is not None and len(cell) > 2
        if out and not alone and not header_meaning(out[-1]) and not _segment(out[-1]) and header_meaning(out[-1] + cell):
            out[-1] += cell
        else:
            out.append(cell)
    return out


def looks_like(text: str) -> bool:
    lines = text.split("\n")
    found = find_header(lines)
    if found is None:
        return False
    start, _, spaced = found
    return any(_is_units(cell) for line in lines[start: start + 60] for cell in _cells(line, spaced))


def _cells(line: str, one_per_line: bool) -> list[str]:
    stripped = line.strip().strip("|").strip()
    if not stripped:
        return []
    if one_per_line:
        return [stripped]
    return [c.strip() for c in re.split(r"\s*\|\s*|\t|\s+", stripped) if c.strip()]


def _is_units(cell: str) -> bool:
    return is_unit_list(cell) and not _NUMBER.match(cell)


def _is_persons(cell: str) -> bool:
    return is_person_list(cell)


def _rows(lines: list[str], start: int, one_per_line: bool) -> tuple[list[_Row], list[tuple[int, str]]]:
    """Rows start at a bare 序号 (or, in a table without one, at text after a unit cell); section lines apart."""
    rows: list[_Row] = []
    sections: list[tuple[int, str]] = []
    numbered = any(_NUMBER.match(c) for line in lines[start:start + 200] for c in _cells(line, one_per_line)[:1])
    for lineno, line in enumerate(lines[start:], start=start + 1):
        cells = _cells(line, one_per_line)
        if not cells:
            continue
        number = _NUMBER.match(cells[0])
        if len(cells) == 1 and _SECTION.match(cells[0]) and not _is_units(cells[0]):
            sections.append((lineno, cells[0]))
            continue
        starts = _starts_numbered(rows, number) if numbered else (not rows or _starts_unnumbered(rows[-1], cells))
        if starts:
            rows.append(_Row(lineno, lineno, cells[1:] if number else cells, int(number.group(1)) if number else None))
        elif rows and (one_per_line or not _complete(rows[-1]) or any(_is_units(c) for c in cells)):
            rows[-1].cells.extend(cells)
            rows[-1].last = lineno
    return rows, sections


_PLACE_WORD = r"(?:省|市|区|县|州|盟|旗|镇|乡|街道)"      # what a local body's name starts with
_PLACE_START = re.compile(r"^" + _PLACE_WORD)
_PLAIN = re.compile(r"^[\u4e00-\u9fff（）()]+$")


def wrapped_names(cells: list[str]) -> list[str]:
    """A unit name wrapped over two cell lines of a narrow column, `市生态` / `环境局`, is one name: the first part
    starts with a place word and is no unit alone, the second is a unit without a place word of its own, and
    together they are a unit (`建设` / `市发改委` stays two: the second has its own place word)."""
    out: list[str] = []
    for cell in cells:
        head = out[-1] if out else ""
        if (head and len(head) <= 8 and _PLACE_START.match(head) and _PLAIN.match(head) and _PLAIN.match(cell)
                and len(cell) <= 12 and not _PLACE_START.match(cell) and not _is_units(head) and _is_units(cell)
                and _is_units(head + cell)):
            out[-1] = head + cell
        else:
            out.append(cell)
    return out


def _starts_numbered(rows: list[_Row], number: re.Match[str] | None) -> bool:
    """A bare number starts a row when it counts on from the last row's 序号, or jumps forward after a finished
    row (a page that kept only some rows: 3, 68, 69); a figure inside a row (年度目标 0, 42) does neither."""
    if number is None:
        return False
    last = rows[-1] if rows else None
    if last is None or last.number is None:
        return True
    value = int(number.group(1))
    return value == last.number + 1 or value > last.number and _complete(last)


def _complete(row: _Row) -> bool:
    """A one-line row that has its units is finished: a sentence below it is the notice's prose, not the cell's."""
    return any(_is_units(c) for c in row.cells)


def _starts_unnumbered(row: _Row, cells: list[str]) -> bool:
    seen_units = any(_is_units(c) or _is_persons(c) for c in row.cells)
    return seen_units and not (_is_units(cells[0]) or _is_persons(cells[0]) or is_deadline_text(cells[0]))


def parse(text: str, file: str, plan_id: str) -> PlanRecord:
    lines = text.split("\n")
    found = find_header(lines)
    if found is None:
        raise LoadError(file, "no table header (序号 … 任务 … 牵头/责任单位) found")
    start, meanings, one_per_line = found
    plan = PlanRecord(plan_id=plan_id, title=title_from_text(lines[: start]), file=file, layout="text-table")
    rows, sections = _rows(lines, start, one_per_line)
    if one_per_line:
        rows = [replace(row, cells=wrapped_names(row.cells)) for row in rows]
    columns = _Columns.of(meanings)
    used: set[int] = set()
    for row in (part for whole in rows for part in _sub_rows(whole, columns)):
        section = next((s for at, s in reversed(sections) if at < row.first), None)
        task = _to_task(row, columns, section, file, used)
        if task is not None:
            if section and ("task", section) not in plan.sections:
                plan.sections.append(("task", section))
            plan.tasks.append(task)
    if not plan.tasks:
        raise LoadError(file, "the table has a header but no row with a task and its units", start)
    return plan


@dataclass
class _Columns:
    """What the header says about a row's cells: the unit columns in order, how many text-like columns stand
    before the task, and whether a scoring column (评分部门) or a deadline column follows the unit columns."""

    unit_roles: list[str]
    text_at: int
    scorer_last: bool
    deadline_after_units: bool
    has_persons: bool = True
    has_deadline: bool = True
    text_first: bool = False
    unit_blocks: int = 1
    deadline_last: bool = False

    @classmethod
    def of(cls, meanings: list[str]) -> _Columns:
        numbered_at = meanings.index("number") if "number" in meanings else -1
        before_text = meanings[numbered_at + 1: meanings.index("text")]
        units_at = [i for i, m in enumerate(meanings) if m in _UNIT_MEANINGS]
        last_unit = max(units_at, default=len(meanings))
        return cls([m for m in meanings if m in _UNIT_MEANINGS],
                   sum(1 for m in before_text if m in ("other", "requirements")),
                   "scorer" in meanings[last_unit:], "deadline" in meanings[last_unit:],
                   "persons" in meanings, "deadline" in meanings, meanings.index("text") < last_unit,
                   _runs(meanings, _UNIT_MEANINGS), meanings[-1] == "deadline")


def _runs(meanings: list[str], kinds: tuple[str, ...]) -> int:
    """How many separate runs of adjacent columns of these kinds the header has (牵头 | 配合 is one run)."""
    return sum(1 for i, m in enumerate(meanings) if m in kinds and (i == 0 or meanings[i - 1] not in kinds))


_LEVEL_KEY = re.compile(r"^" + _PLACE_WORD + r"(?=(?:牵头|配合|协同|协办|责任)(?:单位|部门)\s*[：:])")


def keyed_cell(cell: str) -> Roles | None:
    """A cell that names its units' role itself, `牵头单位：A` or `省牵头单位:省X厅` (a provincial lead beside the
    city's own units column), as roles; None for any other cell."""
    roles = read_keyed(_LEVEL_KEY.sub("", cell.strip()))
    return roles if roles is not None and (roles.lead or roles.support or roles.units) else None


def _sorted_cells(row: _Row, columns: _Columns) -> tuple[list[str], list[str], list[str], str]:
    """(texts, unit cells, persons, deadline) of a row, by what each cell holds. A scoring body's cell is the last
    unit cell of the row (its column is last); a short text after the units is the deadline column's cell."""
    texts: list[str] = []
    units: list[str] = []
    persons: list[str] = []
    deadline = ""
    after_units: list[str] = []
    blocks, previous_unit = 0, False
    for cell in row.cells:
        if keyed_cell(cell) is not None:
            continue                # read apart (_keyed_roles)
        unit_like = _is_units(cell) and (texts or not (_looks_like_text(cell) or columns.text_first))
        if unit_like and (previous_unit or blocks < columns.unit_blocks):
            units.append(cell)      # before the task a unit-like cell is the task (建设美丽牧场) when units come after
            after_units = []        # a unit cell may span lines (one unit a line); past the unit columns it is text
            blocks, previous_unit = blocks + (not previous_unit), True
            continue
        previous_unit = False
        if unit_like:
            texts.append(cell)      # 成功创建首批浙江省美丽城镇 in a 目标 column after the units
            after_units.append(cell)
        elif is_deadline_text(cell) and not deadline and (columns.has_deadline or re.search(r"年|月|长期", cell)):
            deadline = cell          # before persons: 全年 would pass for a name (全 is a surname)
        elif columns.has_persons and _is_persons(cell):     # 万亩 in a 单位 column is no one's name
            persons += [person_name(n) for n in split_person_names(cell)]
        else:
            texts.append(cell)
            after_units.append(cell)
    if columns.scorer_last and len(units) > 1:
        units.pop()
    if not deadline and columns.deadline_after_units and units and after_units and len(after_units[0]) <= 40:
        deadline = after_units[0]
        texts.remove(deadline)
    return texts, units, persons, deadline


def _sub_rows(row: _Row, columns: _Columns) -> list[_Row]:
    """A row that goes on after its last column (the deadline) holds a second task of the same item whose 序号 and
    unit cells are merged with the first's: 开工建设县老年养护楼。| 县民政局 | 5月底前动工 | 开工建设老年大学。| 12月底前."""
    if not columns.deadline_last:
        return [row]
    for at, cell in enumerate(row.cells[1:-1], start=1):
        following = row.cells[at + 1]
        if _dated(cell) and not _dated(following) and not _is_units(following) and len(following) >= 6 and row.cells[at + 2:]:
            first = _Row(row.first, row.last, row.cells[: at + 1], row.number)
            rest = _sub_rows(_Row(row.first, row.last, row.cells[at + 1:]), columns)
            return [first] + [replace(part, sub_row=True) for part in rest]
    return [row]


def _dated(cell: str) -> bool:
    """A deadline cell, also a milestone (5月底前动工, 9月投入使用): a date and a few words."""
    return is_deadline_text(cell) or bool(_MILESTONE.match(cell))


def _task_text(texts: list[str], at: int) -> str:
    """The task cell: the one at the header's position, unless that is a bare figure or unit of measure (a merged
    cell left out of the row shifts the rest), when the longest text is taken."""
    chosen = texts[min(at, len(texts) - 1)]
    if len(re.findall(r"[\u4e00-\u9fff]", chosen)) < 4:
        chosen = max(texts, key=lambda t: len(re.findall(r"[\u4e00-\u9fff]", t)))
    return chosen


def _to_task(row: _Row, columns: _Columns, section: str | None, file: str, used: set[int]) -> TaskRecord | None:
    texts, units, persons, deadline = _sorted_cells(row, columns)
    if not texts or not units and not row.sub_row and not any(keyed_cell(c) for c in row.cells):
        return None
    number = row.number if row.number is not None and row.number not in used else max(used, default=0) + 1
    used.add(number)
    unit_roles = columns.unit_roles
    roles = {role: cell for role, cell in zip(unit_roles, units)}
    if len(units) > len(unit_roles):
        roles[unit_roles[-1] if unit_roles else "units"] = "、".join(units[len(unit_roles) - 1:] if unit_roles else units)
    if "support" in roles and "units" in roles and "lead" not in roles:
        roles["lead"] = roles.pop("units")     # 主要责任单位 beside 协同配合单位 leads, as its name says
    roles = _keyed_roles(row, roles)
    cell = " ".join(roles.get(r, "") for r in ("lead", "units", "support") if roles.get(r))
    listed = split_units(cell)
    raw = {**roles, "text": "\n".join(texts)}
    if deadline:
        raw["deadline"] = deadline
    written = deadline or statement_deadline(_statement(row, units, texts, columns))
    return TaskRecord(
        kind="task", number=number, text=_task_text(texts, columns.text_at), section=section,
        departments=listed.departments, collective_units=listed.collective_units, open_ended=listed.open_ended,
        units_raw=clean_cell(cell), persons=list(dict.fromkeys(persons + listed.persons)),
        deadline=parse_deadline(written) if written else None, file=file, lines=(row.first, row.last), raw=raw,
    )


def _keyed_roles(row: _Row, roles: dict[str, str]) -> dict[str, str]:
    """A cell naming a lead (`省牵头单位:省X厅`) makes it the lead and the unit column's units its support; one
    naming support or units adds them."""
    for keyed in filter(None, map(keyed_cell, row.cells)):
        column = "、".join(roles.pop(r) for r in ("lead", "units", "support") if roles.get(r))
        if keyed.lead:
            roles = {"lead": keyed.lead, "support": "、".join(x for x in (column, keyed.support, keyed.units) if x)}
        else:
            roles = {"lead": column, "support": "、".join(x for x in (keyed.support, keyed.units) if x)} if column \
                else {"units": "、".join(x for x in (keyed.support, keyed.units) if x)}
        roles = {k: v for k, v in roles.items() if v}
    return roles


def _statement(row: _Row, units: list[str], texts: list[str], columns: _Columns) -> str:
    """The row's statement: its text cells before the units when the task comes first (a spaced cell may split
    the task and its 细化措施 over several pieces); cells after the units (完成情况, 备注) are no part of it."""
    if not columns.text_first:
        return ""
    first_unit = next((i for i, c in enumerate(row.cells) if c in units), len(row.cells))
    return "\n".join(c for c in row.cells[:first_unit] if c in texts)


def _looks_like_text(cell: str) -> bool:
    return len(cell) > 30
