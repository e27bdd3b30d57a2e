"""Rendering a list of JSON objects as json, csv, xlsx or a rich table — the same objects the API returns.

Every spreadsheet cell goes through `sheet_cells`: duty texts come from uploaded documents, and a text such as
`=HYPERLINK("http://…/?d="&B3,"…")` must reach Excel as text, never as a live formula (OWASP "CSV injection").
"""
from __future__ import annotations

import csv
import io
import json
import re
from typing import Any, Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")   # what Excel and LibreOffice may read as the start of a formula
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters an .xlsx cannot hold


def _flat(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
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


def to_csv(items: list[dict[str, Any]], delimiter: str = ",") -> str:
    """Text cells are quoted, and those that look like a formula get a leading ' (OWASP): Excel shows them as
    typed; numbers are left bare so they stay numbers."""
    buffer = io.StringIO()
    columns = _columns(items)
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(columns)
    for item in items:
        writer.writerow(["'" + c if isinstance(c, str) and formula_like(c) else c
                         for c in sheet_cells(item.get(c) for c in columns)])
    return buffer.getvalue()


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


def to_xlsx(items: list[dict[str, Any]], sheet: str = "report") -> bytes:
    """An Excel workbook (one sheet, header row, nested values flattened like csv) — what office staff open.
    Every text cell is typed as a string, so none is ever a formula; control characters that the file format
    cannot hold become U+FFFD."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    columns = _columns(items)
    for row, values in enumerate([columns, *([item.get(c) for c in columns] for item in items)], start=1):
        for column, value in enumerate(sheet_cells(values), start=1):
            cell = ws.cell(row=row, column=column)
            if isinstance(value, str):      # set as text: openpyxl would take a leading = for a formula
                cell.value, cell.data_type = _XML_ILLEGAL.sub("\ufffd", value), "s"
            else:
                cell.value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
