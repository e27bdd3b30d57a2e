"""Rendering a list of JSON objects as json, csv or a rich table — the same objects the API returns."""
from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable


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


def to_csv(items: list[dict[str, Any]], delimiter: str = ",") -> str:
    """Nested values flatten to text (lists joined with 、) so the sheet opens cleanly in Excel."""
    buffer = io.StringIO()
    columns = _columns(items)
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(columns)
    for item in items:
        writer.writerow([_flat(item.get(c)) for c in columns])
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
    """An Excel workbook (one sheet, header row, nested values flattened like csv) — what office staff open."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    columns = _columns(items)
    ws.append(columns)
    for item in items:
        ws.append([_flat(item.get(c)) for c in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
