"""Excel workbooks (.xlsx): every sheet that holds a duty table, in sheet order, with merged cells intact.

The header need not be on row 1 (a merged title row usually comes first). openpyxl keeps a merged range's
value in its top-left cell only; the cells below it are marked merged-up (a deadline merged over several
tasks applies to each), a range across the whole table is a heading row. Dates typed into the deadline
column come back as datetimes and are written the way the sheet shows them (2020年6月 or 2020年6月30日)."""
from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from .errors import LoadError
from .package_guard import check_package
from .table_rows import Table, TableRow

MAX_CELLS = 2_000_000


def read_tables(path: Path) -> tuple[list[Table], str]:
    """One Table per non-empty sheet, and the workbook's text (rows as tab-separated lines)."""
    book = _open(path)
    tables: list[Table] = []
    lines: list[str] = []
    for sheet in book.worksheets:
        rows = _rows(sheet, path.name)
        if any(any(r.cells) for r in rows):
            tables.append(Table(rows=rows, place=f"sheet {sheet.title}", context=[]))
            lines.extend("\t".join(c.replace("\n", " ") for c in r.cells) for r in rows)
    if not tables:
        raise LoadError(path.name, "the workbook is empty: no sheet has any cells")
    return tables, "\n".join(lines)


def _open(path: Path) -> Workbook:
    check_package(path, "Excel .xlsx")
    try:
        return openpyxl.load_workbook(path, data_only=True)
    except zipfile.BadZipFile:
        reason = "not a zip package: damaged, or not a .xlsx"
    except KeyError:
        reason = "a zip file, but not an Office document"
    except Exception as exc:  # openpyxl raises InvalidFileException, lxml errors … on damaged books
        reason = f"{type(exc).__name__}: {exc}"
    raise LoadError(path.name, f"not a readable Excel .xlsx file ({reason})")


def _used_range(sheet: Worksheet, file: str) -> tuple[int, int, int, int] | None:
    """(first row, last row, first column, last column) of the cells that hold a value. A sheet's own
    dimensions also count formatted empty cells, and one stray cell at XFD1048576 would make them 17 billion."""
    filled = [key for key, cell in sheet._cells.items() if cell.value is not None and str(cell.value).strip()]
    if not filled:
        return None
    rows, cols = [r for r, _ in filled], [c for _, c in filled]
    first_row, last_row, first_col, last_col = min(rows), max(rows), min(cols), max(cols)
    if (last_row - first_row + 1) * (last_col - first_col + 1) > MAX_CELLS:
        raise LoadError(file, f"sheet {sheet.title}: the cells in use span {first_row}…{last_row} rows and "
                              f"{first_col}…{last_col} columns, more than a duty table ({MAX_CELLS} cells)")
    return first_row, last_row, first_col, last_col


def _rows(sheet: Worksheet, file: str) -> list[TableRow]:
    used = _used_range(sheet, file)
    if used is None:
        return []
    first_row, last_row, first_col, last_col = used
    width = last_col - first_col + 1
    merged_up: dict[int, set[int]] = {}
    spanning: set[int] = set()
    for rng in sheet.merged_cells.ranges:
        columns = range(max(rng.min_col, first_col) - first_col, min(rng.max_col, last_col) - first_col + 1)
        for row in range(rng.min_row + 1, min(rng.max_row, last_row) + 1):
            merged_up.setdefault(row, set()).update(columns)
        if rng.min_col <= first_col and rng.max_col >= last_col and width > 1:
            spanning.add(rng.min_row)
    rows: list[TableRow] = []
    for number, values in enumerate(sheet.iter_rows(min_row=1, max_row=last_row, min_col=first_col, max_col=last_col),
                                    start=1):
        cells = [_text(cell.value, cell.number_format) for cell in values]
        rows.append(TableRow(cells, number, frozenset(merged_up.get(number, ())), number in spanning))
    return rows


def _text(value: object, number_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        if "d" in number_format.lower():
            return f"{value.year}年{value.month}月{value.day}日"
        return f"{value.year}年{value.month}月"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
