"""Office tables whose header is unknown (内容 | 承担处室 | 备注) or missing: the columns are recognised by what
their cells hold — a column whose cells are lists of government bodies (unit_names.is_unit_list) is a unit column,
the column of longest cells among the rest is the task, mostly numbers the 序号, dates the deadline, people's
names the responsible persons. The table is then given the header it lacks and read like any other."""
from __future__ import annotations

import re
from dataclasses import replace

from .columns import header_meaning
from .deadlines import is_deadline_text
from .table_rows import Table, TableRow
from .unit_names import is_person_list, is_unit_list

MIN_ROWS = 2            # a unit column needs this many unit cells
SHARE = 0.6             # of a column's non-empty cells that must look alike
MIN_TASK_LENGTH = 6     # average characters of a task cell
HEADER_WORDS = {"number": "序号", "text": "工作任务", "units": "责任单位", "lead": "牵头单位", "support": "配合单位",
                "deadline": "完成时限", "persons": "责任人"}
_NUMBER = re.compile(r"^[（(]?\s*\d{1,4}(?:\.0)?\s*[）)]?\s*[.、．]?$")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[）)])")
# a header naming levels of local government (县(市)、区, 市(州), 乡镇(街道)): the column names the local
# government that carries the row's target, so it is the unit column even though 登封市 is no body's name
_AREA_HEADER = re.compile(r"^(?:[省市县区州盟旗乡镇]|街道|[（()）、/])+$")


def infer_headers(tables: list[Table]) -> list[Table] | None:
    """The tables with a header written in where one could be recognised; None when none could."""
    inferred = [_infer(table) for table in tables]
    if not any(inferred):
        return None
    return _number_rows([new or old for new, old in zip(inferred, tables)])


def _share(values: list[str], test) -> float:
    return sum(1 for v in values if test(v)) / len(values) if values else 0.0


def _is_persons(cell: str) -> bool:
    return is_person_list(cell)


def _is_units(cell: str) -> bool:
    return is_unit_list(cell) and not _NUMBER.match(cell)


def _header_row(cells: list[str]) -> bool:
    """A first row of short labels, neither numbers nor dates, is an (unknown) header: a data row has its task.
    (A label may look like a unit: 承担处室.)"""
    filled = [c for c in cells if c]
    return len(filled) >= 2 and all(len(c) <= 10 and not (_NUMBER.match(c) or is_deadline_text(c)) for c in filled)


def _counts(values: list[str]) -> bool:
    """A 序号 column counts on (1, 2, 3 …); numbers that jump (2200, 3600) are quantities."""
    numbers = [int(re.sub(r"\D", "", v) or 0) for v in values]
    steps = [b - a for a, b in zip(numbers, numbers[1:])]
    return not steps or sum(1 for s in steps if s in (0, 1)) / len(steps) >= 0.5


def _is_area_header(cell: str) -> bool:
    compact = re.sub(r"\s+", "", cell)
    return len(re.findall(r"[省市县区州盟旗乡镇]|街道", compact)) >= 2 and bool(_AREA_HEADER.match(compact))


def column_meanings(rows: list[list[str]], header: list[str] | None = None) -> dict[int, str] | None:
    """Meaning by column index, read off the cells of the data rows (and a header of local-government levels);
    None without a unit and a task column."""
    width = max((len(r) for r in rows), default=0)
    columns = {j: [r[j] for r in rows if j < len(r) and r[j]] for j in range(width)}
    meanings: dict[int, str] = {}
    for j, values in columns.items():
        if len(values) < MIN_ROWS:
            continue
        if header and j < len(header) and _is_area_header(header[j]):
            meanings[j] = "units"
        elif _share(values, _NUMBER.match) >= 0.8 and _counts(values):
            meanings[j] = "number"
        elif _share(values, _is_units) >= SHARE:
            meanings[j] = "units"
        elif _share(values, is_deadline_text) >= SHARE:
            meanings[j] = "deadline"
        elif _share(values, _is_persons) >= SHARE:
            meanings[j] = "persons"
    units = [j for j, m in meanings.items() if m == "units"]
    rest = [j for j in columns if j not in meanings and columns[j]]
    if not units or not rest:
        return None
    task = max(rest, key=lambda j: sum(map(len, columns[j])) / len(columns[j]))
    if sum(map(len, columns[task])) / len(columns[task]) < MIN_TASK_LENGTH:
        return None
    meanings[task] = "text"
    if len(units) > 1:           # 牵头 | 配合, as every table with two unit columns orders them
        meanings.update({units[0]: "lead", **{j: "support" for j in units[1:]}})
    if list(meanings.values()).count("number") > 1:
        return None
    return meanings


def _infer(table: Table) -> Table | None:
    rows = [[c.strip() for c in row.cells] for row in table.rows]
    first = next((i for i, cells in enumerate(rows) if any(cells)), None)
    if first is None:
        return None
    has_header = _header_row(rows[first])
    data = rows[first + 1:] if has_header else rows[first:]
    meanings = column_meanings([r for r in data if len({c for c in r if c}) > 1], rows[first] if has_header else None)
    if meanings is None:
        return None
    numbered = "number" in meanings.values()
    shift = 0 if numbered else 1
    width = max(len(r) for r in rows)
    old = rows[first] if has_header else [""] * width
    header = ([] if numbered else [HEADER_WORDS["number"]]) + [
        HEADER_WORDS[meanings[j]] if j in meanings else (old[j] if j < len(old) and not header_meaning(old[j]) else "")
        for j in range(width)
    ]
    task_at = next(j for j, m in meanings.items() if m == "text")
    out = [TableRow(cells=header, line=table.rows[first].line)]
    for row, cells in list(zip(table.rows, rows))[first + (1 if has_header else 0):]:
        out.append(_row(row, cells, task_at, shift))
    context = list(table.context) + ([c for c in old if c] if has_header else [])
    return replace(table, rows=out, context=context)


def _row(row: TableRow, cells: list[str], task_at: int, shift: int) -> TableRow:
    """A data row, given a 序号 when the table has none (a row with a task starts a duty; one without continues
    the row above), and marked as a heading when it holds one phrase only (一、… across the table)."""
    distinct = {c for c in cells if c}
    if len(distinct) == 1 and (_HEADING.match(next(iter(distinct))) or not row.merged_up):
        heading = next(iter(distinct))
        if _HEADING.match(heading) or not _is_units(heading):
            return TableRow(cells=[heading] + [""] * len(cells), line=row.line, spanning=True)
    if not shift:
        return row
    task = cells[task_at] if task_at < len(cells) and task_at not in row.merged_up else ""
    number = "" if not task else "#"
    return TableRow(cells=[number] + list(row.cells), line=row.line,
                    merged_up=frozenset(i + 1 for i in row.merged_up), spanning=row.spanning)


def _number_rows(tables: list[Table]) -> list[Table]:
    """Replace the '#' marks of rows that start a duty by 1, 2, 3 … in document order, across tables."""
    count = 0
    out: list[Table] = []
    for table in tables:
        rows: list[TableRow] = []
        for row in table.rows:
            if row.cells and row.cells[0] == "#":
                count += 1
                row = replace(row, cells=[str(count)] + row.cells[1:])
            rows.append(row)
        out.append(replace(table, rows=rows))
    return out
