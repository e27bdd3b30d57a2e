"""Pick the parser for a document (or obey --format) and hand back one PlanRecord.

Text files (.txt, .csv, .tsv) go to the text layouts. Word, Excel and PDF files are read as tables when one of
their tables has a duty-table header, or columns recognisable by their content (column_content.py); otherwise
their text goes to the text layouts (a prose plan in Word, a PDF whose table has no ruling lines). A Word
document's prose before its table keeps its written-out assignments as measures (combined.py)."""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from . import box_table, combined, csv_reader, docx_reader, duty_text, pdf_reader, pdf_text, prose_plan, run_on_table, text_table, word_table, xlsx_reader
from .column_content import infer_headers
from .errors import LoadError
from .metadata import place_of, read_metadata
from .nothing_found import nothing_found_message
from .plan_meta import finalise
from .records import PlanRecord
from .statement_deadline import add_statement_deadlines
from .table_rows import Table, has_header, tables_to_plan
from .text_io import read_text

Parser = Callable[[str, str, str], PlanRecord]
# Text layouts, tried in this order. prose-plan comes before pdf-text, whose own test (three 1﹒ measures) is
# weaker; it needs three numbered items ending with their units in brackets, which the Lintong plan has not.
# text-table (space-separated or one-cell-per-line tables) and duty-text (an assignment anywhere in the prose,
# even a single one) come last: they read what the stricter layouts refuse.
# box-table (a table drawn with ┌─┬ │ ├─┼) is told by its rule lines, which no other layout has; run-on-table
# (a table extracted with no separators) by 序号 and its header words directly followed by row 1's 序号.
# A table found in a text keeps the written-out assignments of the prose before it too (combined.py).
TEXT_TABLES = ("word-table", "csv-table", "box-table", "run-on-table", "text-table")
LAYOUTS: dict[str, tuple[Callable[[str], bool], Parser]] = {
    "word-table": (word_table.looks_like, word_table.parse),
    "csv-table": (csv_reader.looks_like, csv_reader.parse),
    "box-table": (box_table.looks_like, box_table.parse),
    "prose-plan": (prose_plan.looks_like, prose_plan.parse),
    "pdf-text": (pdf_text.looks_like, pdf_text.parse),
    "run-on-table": (run_on_table.looks_like, run_on_table.parse),
    "text-table": (text_table.looks_like, text_table.parse),
    "duty-text": (duty_text.looks_like, duty_text.parse),
}
# Documents that are not text: a table reader by suffix, and the layout name its tables get.
TableReader = Callable[[Path], tuple[list[Table], str]]
TABLE_READERS: dict[str, tuple[str, TableReader]] = {
    ".docx": ("docx-table", docx_reader.read_tables),
    ".xlsx": ("xlsx-table", xlsx_reader.read_tables),
    ".pdf": ("pdf-table", pdf_reader.read_tables),
}
SUPPORTED_SUFFIXES = (".txt", ".tsv", ".csv", ".docx", ".xlsx", ".pdf")


def plan_id_for(path: Path) -> str:
    """The plan's id is the file's stem (made IRI-safe by the graph layer): stable across runs and machines,
    and loading the same file name again replaces that plan."""
    return re.sub(r"\s+", "_", path.stem.strip()) or "plan"


def detect_layout(text: str, file: str) -> str:
    for name, (looks_like, _) in LAYOUTS.items():
        if looks_like(text):
            return name
    raise LoadError(file, nothing_found_message(text))


def _first_reading(text: str, file: str, plan_id: str) -> tuple[str, PlanRecord]:
    """The first layout that fits, unless its reading names no unit in any duty and a later fitting layout
    does (a space-separated table that looks like PDF text too): a reading without units reads nothing.
    Layouts are tested lazily, as before: a later one is tried only when the first reading found no unit."""
    fitting = (name for name, (looks_like, _) in LAYOUTS.items() if looks_like(text))
    chosen = next(fitting, None)
    if chosen is None:
        raise LoadError(file, nothing_found_message(text))
    first = LAYOUTS[chosen][1](text, file, plan_id)
    if any(t.departments or t.collective_units for t in first.tasks):
        return chosen, first
    for name in fitting:
        try:
            plan = LAYOUTS[name][1](text, file, plan_id)
        except LoadError:
            continue
        if any(t.departments or t.collective_units for t in plan.tasks):
            return name, plan
    return chosen, first


def parse_text(text: str, file: str, plan_id: str, layout: str | None = None) -> PlanRecord:
    if layout is not None and layout not in LAYOUTS:
        raise LoadError(file, f"unknown format {layout!r}; known: {', '.join(LAYOUTS)}")
    if layout is None:
        chosen, plan = _first_reading(text, file, plan_id)
    else:
        chosen, plan = layout, LAYOUTS[layout][1](text, file, plan_id)
    if layout is None and chosen in TEXT_TABLES:
        plan = combined.with_prose(plan, text)
    return _finish(plan, text)


def read_document(path: str | Path, layout: str | None = None, plan_id: str | None = None) -> PlanRecord:
    """Read one document into a PlanRecord; raises LoadError naming the file (and line) on bad input."""
    path = Path(path)
    plan_id = plan_id or plan_id_for(path)
    suffix = path.suffix.lower()
    if suffix not in TABLE_READERS:
        text = read_text(path)
        if layout is None and suffix in (".csv", ".tsv"):
            layout = "csv-table"
        return parse_text(text, path.name, plan_id, layout)
    table_layout, reader = TABLE_READERS[suffix]
    if layout not in (None, table_layout) and layout not in LAYOUTS:
        raise LoadError(path.name, f"unknown format {layout!r}; known: {', '.join([table_layout, *LAYOUTS])}")
    if not path.is_file():
        raise LoadError(path.name, "cannot read the file: no such file")
    if path.stat().st_size == 0:
        raise LoadError(path.name, "the file is empty")
    tables, text = reader(path)
    if layout in (None, table_layout) and not has_header(tables):
        tables = infer_headers(tables) or tables
    if layout == table_layout or layout is None and has_header(tables):
        plan = tables_to_plan(tables, path.name, plan_id, table_layout)
        if layout is None and suffix == ".docx":        # a PDF's page text holds its tables too: left alone
            plan = combined.with_measures(plan, combined.prose_measures(combined.office_prose(text), path.name, plan_id))
        return _finish(plan, text)
    if not text.strip():
        raise LoadError(path.name, "the document has no text (a scanned PDF needs OCR first)")
    return parse_text(text, path.name, plan_id, layout)


def _finish(plan: PlanRecord, text: str) -> PlanRecord:
    """Document metadata (title, issuer, number, date), then the plan-level facts read off the records."""
    meta = read_metadata(text)
    plan.title = plan.title or meta.title
    plan.issuer, plan.issuer_level = plan.issuer or meta.issuer, plan.issuer_level or meta.issuer_level
    plan.doc_number, plan.date = plan.doc_number or meta.doc_number, plan.date or meta.date
    if not place_of(plan.title):
        plan.jurisdiction = plan.jurisdiction or place_of(plan.issuer)
    add_statement_deadlines(plan.tasks)
    finalise(plan, text)
    plan.text = plan.text or text
    plan.level = plan.level or plan.issuer_level
    return plan
