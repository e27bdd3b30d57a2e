"""Rendering a list of JSON objects as json, csv, xlsx or a rich table — the same objects the API returns.

Every spreadsheet cell goes through `sheet_cells`: duty texts come from uploaded documents, and a text such as
`=HYPERLINK("http://…/?d="&B3,"…")` must reach Excel as text, never as a live formula (OWASP "CSV injection").
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")   # what Excel and LibreOffice may read as the start of a formula
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters an .xlsx cannot hold


def _flat(value: Any) -> str:
    """Lists of names join with 、; lists of pairs (co-responsible departments) put one 「A — B」 per line,
    never A、B、A、C, where nobody can tell where a pair ends."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, (list, tuple)) for v in value):
            return "\n".join(" — ".join(_flat(x) for x in v) for v in value)
        return "、".join(_flat(v) for v in value)
    if isinstance(value, dict):
        if "raw" in value:
            return str(value["raw"])
        if "title" in value and "id" in value:
            return str(value["id"])
        if "file" in value and "lines" in value:
            return f"{value['file']}:{value['lines'][0]}-{value['lines'][1]}"
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def to_json(items: Any) -> str:
    return json.dumps(items, ensure_ascii=False, indent=2)


def formula_like(text: str) -> bool:
    """Whether a spreadsheet program could take this text for a formula (or DDE call)."""
    return text.startswith(FORMULA_START)


def sheet_cells(values: Iterable[Any]) -> list[int | float | str]:
    """A row's cells: numbers stay numbers; anything else is flattened to text (lists joined with 、)."""
    return [v if isinstance(v, (int, float)) and not isinstance(v, bool) else _flat(v) for v in values]


def to_csv(items: list[dict[str, Any]], delimiter: str = ",", columns: list[str] | None = None,
           headers: list[str] | None = None) -> str:
    """Text cells are quoted, and those that look like a formula get a leading ' (OWASP): Excel shows them as
    typed; numbers are left bare so they stay numbers. `columns` picks and orders keys, `headers` names them
    (the pages' downloads: Chinese headers over the keys)."""
    columns = columns or _columns(items)
    return csv_header(headers or columns, delimiter) + "".join(csv_lines(items, columns, delimiter))


def csv_header(names: list[str], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC).writerow(sheet_cells(names))
    return buffer.getvalue()


def csv_lines(items: Iterable[dict[str, Any]], columns: list[str], delimiter: str = ",") -> list[str]:
    """Each item as its CSV line (newline included), cells as to_csv writes them: the pages keep a table's
    lines, so a download of any filter and sort of 57,274 rows is a join, not a rewrite."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    lines = []
    for item in items:
        writer.writerow(["'" + c if isinstance(c, str) and formula_like(c) else c
                         for c in sheet_cells(item.get(c) for c in columns)])
        lines.append(buffer.getvalue())
        buffer.seek(0)
        buffer.truncate(0)
    return lines


def _columns(items: Iterable[dict[str, Any]]) -> list[str]:
    columns: dict[str, None] = {}
    for item in items:
        for key in item:
            columns.setdefault(key, None)
    return list(columns)


def print_table(items: list[dict[str, Any]], title: str | None = None, columns: list[str] | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    cols = columns or _columns(items)
    for c in cols:
        table.add_column(c, overflow="fold", max_width=60)
    for item in items:
        table.add_row(*[_flat(item.get(c)) for c in cols])
    Console().print(table)


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a header row and rows of values (flattened and escaped by `sheet_cells`)."""

    name: str
    headers: list[str]
    rows: list[list[Any]]


def to_xlsx(items: list[dict[str, Any]], sheet: str = "report", columns: list[str] | None = None,
            headers: list[str] | None = None) -> bytes:
    """An Excel workbook of one sheet (nested values flattened like csv) — what office staff open."""
    columns = columns or _columns(items)
    return workbook([Sheet(sheet, headers or columns, [[item.get(c) for c in columns] for item in items])])


WIDTH_SAMPLE = 500      # rows read to size a column
MAX_WIDTH = 60          # characters; longer cells wrap


def _width(text: str) -> int:
    """Display width in Excel's character units: a Chinese character is two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def workbook(sheets: list[Sheet]) -> bytes:
    """The workbook a 安委办 can work in: columns sized to their contents, the header row frozen and bold,
    an autofilter over the table, long text wrapped. Every text cell is typed as a string, so none is ever a
    formula; control characters that the file format cannot hold become U+FFFD."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    wrap, bold = Alignment(wrap_text=True, vertical="top"), Font(bold=True)
    for sheet in sheets:
        title = _sheet_title(sheet.name, used)
        ws = book.create_sheet(title)
        widths = [_width(str(h)) for h in sheet.headers]
        for row, values in enumerate([sheet.headers, *sheet.rows], start=1):
            for column, value in enumerate(sheet_cells(values), start=1):
                cell = ws.cell(row=row, column=column)
                if isinstance(value, str):      # set as text: openpyxl would take a leading = for a formula
                    cell.value, cell.data_type = _XML_ILLEGAL.sub("\ufffd", value), "s"
                    if row <= WIDTH_SAMPLE:
                        longest = max((_width(line) for line in value.split("\n")), default=0)
                        widths[column - 1] = max(widths[column - 1], longest)
                    if len(value) > MAX_WIDTH // 2 or "\n" in value:
                        cell.alignment = wrap
                else:
                    cell.value = value
                    widths[column - 1] = max(widths[column - 1], len(str(value)))
                if row == 1:
                    cell.font = bold
        for column, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(column)].width = min(MAX_WIDTH, max(6, width + 2))
        ws.freeze_panes = "A2"
        if sheet.headers:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.headers))}{len(sheet.rows) + 1}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(name: str, used: set[str]) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique in the book."""
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "sheet"
    title, n = base, 1
    while title in used:
        n += 1
        title = f"{base[:28]}~{n}"
    used.add(title)
    return title
