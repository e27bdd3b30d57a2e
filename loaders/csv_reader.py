"""Layout `csv-table`: a duty table saved as CSV or TSV (any of , ; | tab as delimiter, cells quoted with line
breaks inside as Excel writes them). The delimiter is the one under which a row reads as a duty-table header.

A web page's table rendered with `|` leaves out the cells merged from above (rowspan), packing the rest of the
row to the left; such a row is moved right when that puts a unit list under the unit column. A table without a
序号 column numbers its rows itself: each row with a task starts a duty, numbered by its task cell's own `1.`
when it has one."""
from __future__ import annotations

import csv
import io
import re

from .assignments import cell_roles
from .columns import map_header
from .deadlines import is_deadline_text
from .errors import LoadError
from .records import PlanRecord
from .table_rows import Table, TableRow, tables_to_plan
from .unit_names import is_unit_list

DELIMITERS = ("\t", ",", ";", "|")
_SCAN_ROWS = 200


def delimiter_of(text: str) -> str | None:
    """The delimiter under which one of the first rows is a header (序号 … 任务 … 责任单位), else None."""
    for delimiter in DELIMITERS:
        if delimiter not in text[:20_000]:
            continue
        try:
            for index, cells in enumerate(csv.reader(io.StringIO(text[:200_000]), delimiter=delimiter)):
                if index >= _SCAN_ROWS:
                    break
                if len(cells) > 1 and map_header(cells):
                    return delimiter
        except csv.Error:
            continue
    return None


def looks_like(text: str) -> bool:
    return delimiter_of(text) in (",", ";", "|")


def parse(text: str, file: str, plan_id: str) -> PlanRecord:
    delimiter = delimiter_of(text)
    if delimiter is None:
        message = "no table header (序号 … 责任部门 …) found under any delimiter (tab , ; |): this is not a duty table"
        raise LoadError(file, message)
    rows: list[TableRow] = []
    text = _rejoined(text) if delimiter == "|" else text
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            rows.append(TableRow(cells=cells, line=start))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise LoadError(file, f"cannot read the CSV: {exc}", reader.line_num) from None
    return tables_to_plan([Table(_numbered(rows))], file, plan_id, layout="csv-table")


def _rejoined(text: str) -> str:
    """`… | 市国土资源局` / `市农牧林业局 | 2010年9月20日前 |`: in a `|` table whose rows end with a bar, a line without
    the closing bar is a row whose cell was broken over two lines; the two halves are joined with a space (two
    units in one cell), and an empty line keeps the later rows on their own line numbers. Two halves together are
    never wider than the widest row."""
    lines = text.split("\n")
    filled = [line.rstrip() for line in lines if line.strip()]
    if not filled or sum(line.endswith("|") for line in filled) * 2 < len(filled):
        return text
    widest = max(line.count("|") for line in filled)
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index].rstrip()
        following = lines[index + 1].rstrip() if index + 1 < len(lines) else ""
        halves = "|" in line and not line.endswith("|") and following.endswith("|")
        if halves and line.count("|") + following.count("|") <= widest:      # two whole rows would be wider
            out.extend([f"{line} {following.strip()}", ""])
            index += 2
            continue
        out.append(lines[index])
        index += 1
    return "\n".join(out)


_HEADING = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[）)])\s*\S")
_ITEM = re.compile(r"^\s*(\d{1,3})\s*[.、．]\s*(?=\S)")


def _numbered(rows: list[TableRow]) -> list[TableRow]:
    """Rows of a table whose header has no 序号: packed rows moved under their columns, and a number column added."""
    at = next((i for i, row in enumerate(rows) if len(row.cells) > 1 and map_header([c.strip() for c in row.cells])), None)
    if at is None:
        return rows
    header = map_header([c.strip() for c in rows[at].cells]) or {}
    if "number" in header:
        return rows
    unit_at = header.get("units", header.get("lead", 0))
    out = rows[:at] + [TableRow(["序号", *rows[at].cells], rows[at].line)]
    count = 0
    for row in rows[at + 1:]:
        filled = [c.strip() for c in row.cells if c.strip()]
        if len(filled) == 1 and _HEADING.match(filled[0]):
            out.append(TableRow(filled, row.line, spanning=True))     # 一、体系建设 | : a heading across the table
            continue
        cells, merged = _aligned([c.strip() for c in row.cells], unit_at, len(rows[at].cells), header.get("deadline"))
        task = cells[header["text"]] if header["text"] < len(cells) and header["text"] not in merged else ""
        item = _ITEM.match(task)
        number = ""
        if task:
            count = int(item.group(1)) if item and int(item.group(1)) > count else count + 1
            number = str(count)
            cells[header["text"]] = task[item.end():] if item else task
        out.append(TableRow([number, *cells], row.line, frozenset(i + 1 for i in merged) | row.merged_up))
    return out


def _aligned(cells: list[str], unit_at: int, width: int, deadline_at: int | None = None) -> tuple[list[str], frozenset[int]]:
    """The row moved right by its empty trailing cells when that brings a unit list under the unit column (the
    left cells were merged from above); the columns it leaves empty on the left are marked merged. A short row
    ending in a deadline is moved first so that the deadline stands under its column: `有关部门` under the unit
    column is then the support it is, not the leads."""
    filled = len(cells)
    while filled and not cells[filled - 1]:
        filled -= 1
    lead = 1 if cells and not cells[0] else 0       # `| a | b |` splits with an empty cell before the bar
    if deadline_at is not None and lead < filled <= deadline_at and is_deadline_text(cells[filled - 1]):
        moved = cells[:lead] + [""] * (deadline_at + 1 - filled) + cells[lead:filled]
        if unit_at < len(moved) and _units(moved[unit_at]):
            return moved + [""] * max(0, width - len(moved)), frozenset(range(lead, lead + deadline_at + 1 - filled))
    if unit_at < len(cells) and _units(cells[unit_at]):
        return cells, frozenset()
    for shift in range(1, width - filled + 1):
        moved = cells[:lead] + [""] * shift + cells[lead:filled]
        if unit_at < len(moved) and _units(moved[unit_at]):
            moved += [""] * max(0, width - len(moved))
            return moved, frozenset(range(lead, lead + shift))
    return cells, frozenset()


def _units(cell: str) -> bool:
    return is_unit_list(cell) or cell_roles(cell) is not None
