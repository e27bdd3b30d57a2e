"""Table rows → task records, shared by every table-shaped source (tab-separated text, CSV, Word, Excel, PDF).

Columns are found by what their header says (columns.map_header), wherever the header row is and however often
it repeats; a table without a header of its own continues the columns of the one before (a table split over
pages). A row without a number continues the row above (a wrapped or vertically merged cell); a row that holds
only a heading (一、… across the table) sets the section of the rows below it."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .assignments import cell_roles
from .columns import header_meaning, map_header
from .deadlines import parse_deadline
from .errors import LoadError
from .records import PlanRecord, TaskRecord
from .unit_names import person_name, split_person_names
from .units import clean_cell, split_units

_NUMBER = re.compile(r"^[（(]?\s*(\d{1,4})(?:\.0)?\s*[）)]?\s*[.、．]?$")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[）)])\s*\S")
_NUMERAL_ONLY = re.compile(r"^([一二三四五六七八九十]{1,3})[、.．]?$")
_NOTE = re.compile(r"^(?:备注|注)\s*[：:]")
_ANNEX = re.compile(r"^附\s*件\s*\d*[：:]?$")
_SCHEDULE = re.compile(r"日程|阶段性|时间安排|进度安排")


@dataclass(frozen=True)
class TableRow:
    """One row as its source gives it. `merged_up` holds the columns whose cell is the lower part of a cell
    merged from above; `spanning` marks a row that is one cell across the whole table (a heading or a note)."""

    cells: list[str]
    line: int
    merged_up: frozenset[int] = frozenset()
    spanning: bool = False


@dataclass
class Table:
    """The rows of one table, where it sits (`place`: "table 2", "sheet 任务", "page 3") and the text just
    before it (a title, 附件 N) that tells a task table from a schedule."""

    rows: list[TableRow]
    place: str = ""
    context: list[str] = field(default_factory=list)


@dataclass
class _Pending:
    number: int
    first: int
    last: int
    cells: list[str]
    section: str | None
    place: str
    kind: str
    header: dict[str, int]          # the columns in force when the row began
    header_cells: list[str]
    continued_in: str = ""          # the next table (page) its lower part came from, when it crossed a break


@dataclass
class _State:
    file: str
    plan: PlanRecord
    header: dict[str, int] | None = None
    header_cells: list[str] = field(default_factory=list)
    header_fresh: bool = False
    kind: str = "task"
    section: str | None = None
    pending: _Pending | None = None
    above: dict[int, str] = field(default_factory=dict)     # latest real cell text per column (for merges)
    numbers: dict[str, dict[int, str]] = field(default_factory=dict)   # kind -> number -> where it was


def tables_to_plan(tables: Iterable[Table], file: str, plan_id: str, layout: str) -> PlanRecord:
    """Read every table in document order into one PlanRecord; raises LoadError naming the row it cannot read."""
    state = _State(file=file, plan=PlanRecord(plan_id=plan_id, title="", file=file, layout=layout))
    for table in tables:
        _read_table(state, table)
    _flush(state)
    if state.header is None:
        raise LoadError(file, "no table header (序号 … 责任部门 …) found: this is not a duty table")
    if not state.plan.tasks:
        raise LoadError(file, "the table has a header but no numbered rows")
    return state.plan


def _where(table: Table, row: TableRow) -> str:
    return f"{table.place}, row {row.line}: " if table.place else ""


def _read_table(state: _State, table: Table) -> None:
    """Rows above the table's first header are its title (also when an earlier table set the columns)."""
    before: list[str] = list(table.context)
    rows = [[c.strip() for c in row.cells] for row in table.rows]
    first_header = next((i for i, cells in enumerate(rows) if len(cells) > 1 and map_header(cells)), None)
    for index, (row, cells) in enumerate(zip(table.rows, rows)):
        if not any(cells):
            continue
        mapped = map_header(cells) if len(cells) > 1 else None
        if mapped:
            _set_header(state, mapped, cells, before)
            continue
        if state.header is None or first_header is not None and index < first_header:
            before.extend(c for c in dict.fromkeys(cells) if c)
            continue
        if state.header_fresh and _extend_header(state, cells):
            continue
        state.header_fresh = False
        _read_row(state, table, row, cells)


def _set_header(state: _State, mapped: dict[str, int], cells: list[str], before: list[str]) -> None:
    """A header row: the first one gives the plan its title; a new one after a title decides the table's kind."""
    if not state.plan.title:
        state.plan.title = next((t for t in reversed(before) if not _ANNEX.match(t)), "")
    text_header = cells[mapped["text"]]
    if before or state.header is None:
        context = "".join(before[-4:]) + text_header
        state.kind = "schedule" if _SCHEDULE.search(context) else "task"
    before.clear()
    state.header = mapped
    state.header_cells = cells
    state.header_fresh = True


def _extend_header(state: _State, cells: list[str]) -> bool:
    """A second header row under a merged 责任单位 cell: 牵头单位 | 配合单位."""
    assert state.header is not None
    if _number(_cell(cells, state.header, "number")) is not None:
        return False
    meanings = {i: header_meaning(c) for i, c in enumerate(cells) if c}
    found = {m: i for i, m in meanings.items() if m}
    if len(found) != len(meanings) or not {"lead", "support"} & set(found):
        return False
    header = {**state.header, **found}
    header_cells = state.header_cells + [""] * (len(cells) - len(state.header_cells))
    for index in found.values():
        header_cells[index] = cells[index]
    if header.get("units") in (header.get("lead"), header.get("support")):
        del header["units"]
    state.header, state.header_cells = header, header_cells
    state.header_fresh = False
    return True


def _read_row(state: _State, table: Table, row: TableRow, cells: list[str]) -> None:
    assert state.header is not None
    distinct = [c for c in dict.fromkeys(cells) if c]
    number_cell = "" if state.header.get("number") in row.merged_up else _cell(cells, state.header, "number")
    heading = _heading(cells, state.header, row, distinct)
    if heading is not None:
        _flush(state)
        if not _NOTE.match(heading):
            state.section = heading
            if (state.kind, heading) not in state.plan.sections:
                state.plan.sections.append((state.kind, heading))
        return
    if len(cells) == 1 and not row.spanning:
        if state.pending is None:
            raise LoadError(state.file, f"{_where(table, row)}text after the table header is not a numbered row", row.line)
        state.pending.cells[-1] = _join(state.pending.cells[-1], cells[0])
        state.pending.last = row.line
        return
    number = _number(number_cell)
    if number is None and number_cell:
        raise LoadError(state.file, f"{_where(table, row)}row number {number_cell!r} is not a number", row.line)
    if number is None:
        _continue(state, table, row, cells)
        return
    _flush(state)
    filled = [state.above.get(i, "") if i in row.merged_up else c for i, c in enumerate(cells)]
    _remember(state, row, cells)
    _claim_number(state, table, row, number)
    state.pending = _Pending(
        number, row.line, row.line, filled, state.section, table.place, state.kind, state.header, state.header_cells
    )


def _heading(cells: list[str], header: dict[str, int], row: TableRow, distinct: list[str]) -> str | None:
    """一、城市安全状况显著改善 across the table, or 一 | 城市安全状况显著改善 in the number and task columns."""
    number_cell = _cell(cells, header, "number")
    alone_in_number_column = len(cells) > 1 and len(distinct) == 1 and number_cell == distinct[0]
    marked = bool(_HEADING.match(number_cell) or _NOTE.match(number_cell))
    if len(distinct) == 1 and row.spanning or alone_in_number_column and marked:
        return distinct[0]
    numeral = _NUMERAL_ONLY.match(number_cell)
    task_text = _cell(cells, header, "text")
    if numeral and task_text and len(distinct) == 2:
        return f"{numeral.group(1)}、{task_text}"
    return None


def _continue(state: _State, table: Table, row: TableRow, cells: list[str]) -> None:
    """A row with no number: the lower part of merged or wrapped cells of the row above."""
    if state.pending is None:
        raise LoadError(state.file, f"{_where(table, row)}text after the table header is not a numbered row", row.line)
    pending = state.pending
    if table.place != pending.place and not pending.continued_in:
        pending.continued_in = table.place
    for index, cell in enumerate(cells):
        if not cell or index in row.merged_up:
            continue
        while len(pending.cells) <= index:
            pending.cells.append("")
        pending.cells[index] = _join(pending.cells[index], cell)
    _remember(state, row, cells)
    pending.last = row.line


def _remember(state: _State, row: TableRow, cells: list[str]) -> None:
    for index, cell in enumerate(cells):
        if index not in row.merged_up:
            state.above[index] = cell


def _claim_number(state: _State, table: Table, row: TableRow, number: int) -> None:
    """Task IRIs are minted from kind and number, so a number used twice in one plan is an error, not an overwrite."""
    seen = state.numbers.setdefault(state.kind, {})
    here = f"{table.place}, row {row.line}" if table.place else f"line {row.line}"
    if number in seen:
        message = f"{state.kind} number {number} was already used ({seen[number]})"
        raise LoadError(state.file, _where(table, row) + message, row.line)
    seen[number] = here


def _join(above: str, below: str) -> str:
    return f"{above}\n{below}" if above else below


def _number(text: str) -> int | None:
    match = _NUMBER.match(text)
    return int(match.group(1)) if match else None


def _cell(cells: list[str], header: dict[str, int], meaning: str) -> str:
    index = header.get(meaning)
    return cells[index] if index is not None and index < len(cells) else ""


def display_text(cell: str) -> str:
    """Cell text for display: <p> fragments and line breaks become lines, runs of spaces fold."""
    parts = [" ".join(p.split()) for p in re.split(r"</?p\s*>|\n", cell, flags=re.IGNORECASE)]
    return "\n".join(p for p in parts if p)


def _flush(state: _State) -> None:
    if state.pending is not None:
        state.plan.tasks.append(_to_task(state.file, state.pending))
        if state.pending.continued_in:
            state.plan.warnings.append(f"{state.pending.kind} {state.pending.number}：{state.pending.place} 上的行"
                                       f"在 {state.pending.continued_in} 续写，已合并为一行，请核对")
    state.pending = None


def _to_task(file: str, row: _Pending) -> TaskRecord:
    header, cells = row.header, row.cells
    written = {m: _cell(cells, header, m) for m in ("lead", "support", "units")}
    said = {m: cell_roles(c) for m, c in written.items() if c}
    for meaning, roles in said.items():     # 责任单位 cell `A牵头，B按职责分工负责`: A is lead, B support
        if roles:
            written[meaning] = ""
            for role, names in roles.items():
                role = "support" if role == "units" and meaning != "units" else role
                written[role] = "、".join(x for x in (written.get(role, ""), names) if x)
    units_cell = " ".join(x for x in (written[m] for m in ("lead", "support", "units")) if x)
    units = split_units(units_cell)
    persons = list(dict.fromkeys(person_cell(_cell(cells, header, "persons")) + units.persons))
    raw = {m: cells[i] for m, i in header.items() if i < len(cells)}
    if written["lead"] and "lead" not in header:
        raw["lead"] = written["lead"]
    raw.update({f"header:{m}": row.header_cells[i] for m, i in header.items() if i < len(row.header_cells)})
    if row.place:
        raw["table"] = row.place
    if row.continued_in:
        raw["continued_in"] = row.continued_in
    return TaskRecord(
        kind=row.kind,
        number=row.number,
        text=display_text(_cell(cells, header, "text")),
        requirements=display_text(_cell(cells, header, "requirements")),
        section=row.section,
        departments=units.departments,
        collective_units=units.collective_units,
        open_ended=units.open_ended,
        units_raw=clean_cell(units_cell),
        persons=persons,
        deadline=parse_deadline(clean_cell(_cell(cells, header, "deadline"))),
        file=file,
        lines=(row.first, row.last),
        raw=raw,
    )


def person_cell(cell: str) -> list[str]:
    """A 牵头领导 cell holds people whatever their names look like (a title alone, 副市长, counts too)."""
    return [person_name(p) for p in split_person_names(clean_cell(cell))]


def has_header(tables: Iterable[Table]) -> bool:
    """Whether any table has a duty-table header row (else the document is read as text)."""
    return any(map_header([c.strip() for c in row.cells]) for table in tables for row in table.rows if len(row.cells) > 1)
