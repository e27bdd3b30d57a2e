"""Layout `pdf-text`: a plan whose text was extracted from a PDF (the Lintong 实施方案).

The narrative's numbered measures (1﹒… under （一）… headings, in the top-level section about 任务 or 措施)
become records of kind `measure`; each annexed table (附件 N with a 序号 … header) gives records of kind
`task`, or `schedule` for a 日程/阶段性 table. PDF extraction wraps every cell over several lines and
interleaves the columns, so each line of a row is classified on its own: a deadline (dates, 长期 …), a
unit-cell line (narrow, no full stop), or task text (wide, or the short last line of a sentence).
Page headers and page numbers are dropped wherever they fall, also in the middle of a row."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .columns import map_header
from .deadlines import is_deadline_text, parse_deadline, split_trailing_deadline
from .errors import LoadError
from .records import PlanRecord, TaskRecord
from .units import split_units

_ANNEX = re.compile(r"^\s*附\s*件\s*(\d+)\s*$")
_PAGE_NUMBER = re.compile(r"^\s*[-—–－]\s*\d{1,4}\s*[-—–－]\s*$|^\s*第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?\s*$")
_TOP_HEADING = re.compile(r"^\s*([一二三四五六七八九十]{1,3})、\s*(\S.{0,40}?)\s*$")
_SUB_HEADING = re.compile(r"^\s*[（(]([一二三四五六七八九十]{1,3})[）)]\s*(\S.{0,40}?)\s*$")
_MEASURE = re.compile(r"^\s*(\d{1,2})\s*[﹒.．、]\s*(\S.*?)\s*$")
_ROW_START = re.compile(r"^\s*(\d{1,3})(?:\s+(\S.*?))?\s*$")
_UNIT_SUFFIX = re.compile(
    r"(局|委|办|队|会|室|部|院|所|中心|政府|小组|单位|部门|街办|管委会|处|站|公司|集团|场|厅|团|联|馆)）?$"
)
WIDE_LINE = 40   # display columns; a unit-cell line of these tables is never this wide


def looks_like(text: str) -> bool:
    head = text[:200_000]
    has_table = any(_is_header(line) for line in head.splitlines())
    return has_table or len(_MEASURE.findall(head)) >= 3 and "﹒" in head


def _is_header(line: str) -> bool:
    return "\t" not in line and "序号" in line and map_header(line.split()) is not None


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@dataclass
class _Row:
    number: int
    first_line: int
    section: str | None
    lines: list[tuple[int, str, bool]] = field(default_factory=list)   # (lineno, text, is the number line)


def _plan_title(lines: list[str]) -> str:
    joined = "".join(line.strip() for line in lines[:80])
    match = re.search(r"印发《(.+?)》", joined)
    if match:
        return match.group(1)
    for line in lines:
        if line.strip() and not _ANNEX.match(line):
            return line.strip()
    return ""


def parse(text: str, file: str, plan_id: str) -> PlanRecord:
    lines = text.split("\n")
    plan = PlanRecord(plan_id=plan_id, title=_plan_title(lines), file=file, layout="pdf-text")
    regions = _regions(lines)
    table_count = 0
    for start, end in regions:
        header_at = next((i for i in range(start, end) if _is_header(lines[i])), None)
        if header_at is None:
            _parse_measures(lines, start, end, file, plan)
            continue
        if header_at > start:
            _parse_measures(lines, start, header_at, file, plan)
        table_count += 1
        _parse_table(lines, header_at, end, file, plan)
    if not plan.tasks:
        raise LoadError(file, "no numbered measures or task table found: this is not a duty-allocation plan")
    return plan


def _regions(lines: list[str]) -> list[tuple[int, int]]:
    """Split the document at 附件 N markers; each region holds narrative and/or one table."""
    marks = [i for i, line in enumerate(lines) if _ANNEX.match(line)]
    bounds = [0] + marks + [len(lines)]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def _parse_measures(lines: list[str], start: int, end: int, file: str, plan: PlanRecord) -> None:
    """Numbered measures inside the top-level section(s) about 任务/措施 (not 基本原则 and the like)."""
    in_scope = False
    any_scoped = any(
        (m := _TOP_HEADING.match(lines[i])) and re.search(r"任务|措施", m.group(2)) for i in range(start, end)
    )
    section: str | None = None
    current: _Row | None = None
    expected = 1
    rows: list[_Row] = []
    for i in range(start, end):
        line = lines[i]
        if not line.strip() or _PAGE_NUMBER.match(line):
            continue
        top = _TOP_HEADING.match(line)
        if top:
            in_scope = not any_scoped or bool(re.search(r"任务|措施", top.group(2)))
            current = None
            continue
        if not in_scope:
            continue
        sub = _SUB_HEADING.match(line)
        if sub:
            section = line.strip()
            plan.sections.append(("measure", section)) if ("measure", section) not in plan.sections else None
            current = None
            continue
        measure = _MEASURE.match(line)
        if measure and int(measure.group(1)) == expected:
            current = _Row(expected, i + 1, section)
            current.lines.append((i + 1, measure.group(2), True))
            rows.append(current)
            expected += 1
            continue
        if current is not None:
            current.lines.append((i + 1, line.strip(), False))
    for row in rows:
        text = "".join(t.strip() for _, t, _ in row.lines)
        plan.tasks.append(
            TaskRecord(
                kind="measure", number=row.number, text=text, section=row.section, file=file,
                lines=(row.first_line, row.lines[-1][0]), raw={"text": "\n".join(t for _, t, _ in row.lines)},
            )
        )


def _table_kind(lines: list[str], header_at: int) -> str:
    context = "".join(lines[max(0, header_at - 4): header_at + 1])
    return "schedule" if re.search(r"日程|阶段性|进度安排|时间安排", context) else "task"


def _parse_table(lines: list[str], header_at: int, end: int, file: str, plan: PlanRecord) -> None:
    kind = _table_kind(lines, header_at)
    section: str | None = None
    rows: list[_Row] = []
    expected = 1
    for i in range(header_at + 1, end):
        line = lines[i]
        stripped = line.strip()
        if not stripped or _PAGE_NUMBER.match(line) or _is_header(line):
            continue
        if stripped.startswith("备注") or stripped.startswith("注："):
            break
        top = _TOP_HEADING.match(line)
        if top and display_width(stripped) < WIDE_LINE:
            section = stripped
            plan.sections.append((kind, section))
            continue
        start = _ROW_START.match(line)
        if start and int(start.group(1)) == expected:
            row = _Row(expected, i + 1, section)
            if start.group(2):
                row.lines.append((i + 1, start.group(2), True))
            rows.append(row)
            expected += 1
            continue
        if not rows:
            raise LoadError(file, "text between the table header and its first numbered row", i + 1)
        rows[-1].lines.append((i + 1, line.rstrip(), False))
    if not rows:
        raise LoadError(file, "the table has a header but no numbered rows", header_at + 1)
    for row in rows:
        plan.tasks.append(_row_to_task(row, kind, file, _unit_role(lines[header_at])))


def _unit_role(header: str) -> str:
    """A table whose only unit column is a 牵头 column (牵头责任单位) makes every unit of a row a lead."""
    mapping = map_header(header.split()) or {}
    return "lead" if "lead" in mapping and not {"support", "units"} & set(mapping) else "units"


def _looks_like_units(text: str) -> bool:
    units = split_units(text)
    names = units.departments + units.collective_units
    return bool(names) and all(_UNIT_SUFFIX.search(n) or n in units.collective_units for n in names)


def _split_number_line(text: str) -> tuple[str, str]:
    """The number's own line may hold text, then units: '市财政保障…投入。 区财政局'."""
    head, _, tail = text.rpartition(" ")
    head = head.rstrip()
    if head and tail and _looks_like_units(tail) and (head[-1] in "。；》）”" or display_width(head) >= 20):
        return head, tail
    return text, ""


def _row_to_task(row: _Row, kind: str, file: str, unit_role: str = "units") -> TaskRecord:
    text_parts: list[str] = []
    unit_parts: list[str] = []
    deadline_parts: list[str] = []
    for _, line, is_number_line in row.lines:
        content, deadline = split_trailing_deadline(line.strip())
        if deadline:
            deadline_parts.append(deadline)
        content = content.strip()
        if not content:
            continue
        if is_number_line:
            text, units = _split_number_line(content)
            text_parts.append(text)
            if units:
                unit_parts.append(units)
        elif is_deadline_text(content):
            deadline_parts.append(content)
        elif display_width(content) >= WIDE_LINE or "。" in content:
            text_parts.append(content)
        elif deadline and not unit_parts and _looks_like_units(content):
            unit_parts.append(content)
        elif text_parts or unit_parts:
            unit_parts.append(content)
        else:
            text_parts.append(content)
    units_raw = "".join(unit_parts)
    unit_list = split_units(units_raw)
    deadline_raw = "".join(deadline_parts)
    return TaskRecord(
        kind=kind,
        number=row.number,
        text="".join(text_parts),
        section=row.section if kind == "task" else None,
        departments=unit_list.departments,
        collective_units=unit_list.collective_units,
        open_ended=unit_list.open_ended,
        units_raw=units_raw,
        deadline=parse_deadline(deadline_raw) if deadline_raw else None,
        file=file,
        lines=(row.first_line, row.lines[-1][0] if row.lines else row.first_line),
        raw={
            "text": "\n".join(t for t in text_parts),
            unit_role: "\n".join(unit_parts),
            "deadline": "\n".join(deadline_parts),
        },
    )
