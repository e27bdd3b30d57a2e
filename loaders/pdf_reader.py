"""PDF files: the ruled tables pdfplumber finds, page by page (a table split over pages continues under the
header of the page before, whether or not the header is repeated), and the page text for the text layouts
when there is no duty table.

pdfplumber gives a merged cell's text in its first row and column and None for the grid positions it covers;
the cell's box tells which of those lie below it (merged-up) and which beside it. A cell's text comes back
wrapped into lines: lines are re-joined without a space, as Chinese is written, except between two Latin
words and between two unit names (…局 / 市…)."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pdfplumber
from pdfplumber.page import Page
from pdfplumber.table import Table as PlumberTable

from .errors import LoadError
from .table_rows import Table, TableRow

_UNIT_END = re.compile(r"(局|委|办|队|会|室|部|院|所|中心|政府|小组|单位|部门|分局|支队|大队|公司|集团)[）)]?$")
_UNIT_START = re.compile(r"^(市|区|县|镇|乡|各|街道)")
_TEXT_SETTINGS = {"x_tolerance": 1.5, "keep_blank_chars": False}
# A duty-allocation PDF has tens of pages; a crafted one can have thousands of tiny pages that each take time.
MAX_PAGES = 500
MAX_SECONDS = 120.0


class _TooLong(Exception):
    """Raised inside the reading loop so the outer handler does not mistake a limit for a damaged file."""


def read_tables(path: Path) -> tuple[list[Table], str]:
    """The tables on every page in order, and the text of the whole document (pages joined by newlines)."""
    tables: list[Table] = []
    texts: list[str] = []
    started = time.monotonic()
    try:
        with pdfplumber.open(path) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise _TooLong(f"the PDF has {len(pdf.pages)} pages, more than the limit of {MAX_PAGES} pages")
            for page_number, page in enumerate(pdf.pages, start=1):
                if time.monotonic() - started > MAX_SECONDS:
                    raise _TooLong(f"reading the PDF took more than the limit of {MAX_SECONDS:g} s (stopped at page {page_number})")
                found = page.find_tables()
                top = 0.0
                for index, table in enumerate(found, start=1):
                    place = f"page {page_number}" + (f", table {index}" if len(found) > 1 else "")
                    tables.append(Table(rows=_rows(table), place=place, context=_text_above(page, top, table.bbox[1])))
                    top = table.bbox[3]
                texts.append(page.extract_text(**_TEXT_SETTINGS) or "")
    except _TooLong as exc:
        raise LoadError(path.name, str(exc)) from None
    except Exception as exc:  # pdfminer raises PDFSyntaxError, PSEOF, PDFPasswordIncorrect … on bad files
        raise LoadError(path.name, f"not a readable PDF file ({_reason(exc)})") from None
    return tables, "\n".join(texts)


def _reason(exc: BaseException) -> str:
    """pdfplumber wraps pdfminer's exception in its own; say what the inner one means."""
    while exc.args and isinstance(exc.args[0], BaseException):
        exc = exc.args[0]
    if re.search(r"password|encrypt", f"{type(exc).__name__} {exc}", re.IGNORECASE):
        return "it is encrypted: save an unprotected copy"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _text_above(page: Page, top: float, bottom: float) -> list[str]:
    """The lines between the previous table (or the page top) and this one: a title, 附件 N."""
    if bottom - top < 2:
        return []
    text = page.within_bbox((0, top, page.width, bottom)).extract_text(**_TEXT_SETTINGS) or ""
    return [line.strip() for line in text.split("\n") if line.strip()][-4:]


def _rows(table: PlumberTable) -> list[TableRow]:
    grid = table.extract()
    boxes = [row.cells for row in table.rows]
    left_edges = _column_left_edges(boxes)
    rows: list[TableRow] = []
    for number, (values, cells) in enumerate(zip(grid, boxes), start=1):
        merged_up: set[int] = set()
        for col, box in enumerate(cells):
            if box is None and not _covered_from_left(cells, col, left_edges):
                merged_up.add(col)
        real = [box for box in cells if box is not None]
        spanning = len(cells) > 1 and len(real) == 1 and not merged_up
        texts = [unwrap(value) if value else "" for value in values]
        rows.append(TableRow(cells=texts, line=number, merged_up=frozenset(merged_up), spanning=spanning))
    return rows


def _column_left_edges(boxes: list[list[tuple[float, float, float, float] | None]]) -> list[float]:
    width = max((len(r) for r in boxes), default=0)
    edges = []
    for col in range(width):
        xs = [box[0] for r in boxes if col < len(r) and (box := r[col]) is not None]
        edges.append(min(xs) if xs else float("inf"))
    return edges


def _covered_from_left(cells: list[tuple[float, float, float, float] | None], col: int, left_edges: list[float]) -> bool:
    return any(box is not None and box[2] > left_edges[col] + 1 for box in cells[:col])


def unwrap(text: str) -> str:
    """Re-join a cell's wrapped lines (see the module docstring)."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not lines:
        return ""
    out = lines[0]
    for line in lines[1:]:
        latin = out[-1].isascii() and out[-1].isalnum() and line[0].isascii() and line[0].isalpha()
        units = bool(_UNIT_END.search(out) and _UNIT_START.match(line))
        out += (" " if latin or units else "") + line
    return out
