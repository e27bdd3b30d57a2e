"""Word documents (.docx): the tables, read cell by cell with merges intact; a document with no duty table is
read as its text (paragraphs, and table rows as tab-separated lines) by the text layouts instead.

Word stores a vertically merged cell once, in its top row (the rows below say `vMerge continue`), and a
horizontally merged one once with a `gridSpan`; both are kept as such here so that a task number merged over
two rows joins them, and a deadline merged over several tasks applies to each."""
from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.document import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tc
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from .errors import LoadError
from .package_guard import check_package
from .table_rows import Table, TableRow

MAX_COLUMNS = 64  # Word allows 63


def _open(path: Path) -> Document:
    check_package(path, "Word .docx")
    try:
        return docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError):
        reason = "not a zip package: damaged, or not a .docx"
    except KeyError:
        reason = "a zip file, but not an Office document"
    except ValueError as exc:
        reason = "an Office file, but not a Word document" if "not a Word file" in str(exc) else str(exc)
    except Exception as exc:  # lxml and python-docx raise many kinds on a damaged package
        reason = f"{type(exc).__name__}: {exc}"
    raise LoadError(path.name, f"not a readable Word .docx file ({reason})")


def read_tables(path: Path) -> tuple[list[Table], str]:
    """The document's tables in order (each with the paragraphs just before it), and its whole text."""
    document = _open(path)
    tables: list[Table] = []
    context: list[str] = []
    lines: list[str] = []
    row_counter = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text.strip()
            lines.append(block.text)
            if text:
                context.append(text)
            continue
        rows = _rows(block, row_counter)
        row_counter += len(rows)
        tables.append(Table(rows=rows, place=f"table {len(tables) + 1}", context=context[-4:]))
        context = []
        lines.extend("\t".join(c.replace("\n", " ") for c in row.cells) for row in rows)
    return tables, "\n".join(lines)


def _rows(table: DocxTable, first_line: int) -> list[TableRow]:
    rows: list[TableRow] = []
    width = len(table._tbl.tblGrid.gridCol_lst) or 1
    for index, tr in enumerate(table._tbl.tr_lst, start=1):
        cells: list[str] = [""] * min(tr.grid_before, MAX_COLUMNS)
        merged_up: set[int] = set()
        spanning = False
        for tc in tr.tc_lst:
            span = max(1, min(tc.grid_span, MAX_COLUMNS))  # a damaged gridSpan of 99999 would make rows huge
            if tc.vMerge == "continue":
                merged_up.update(range(len(cells), len(cells) + span))
                cells.extend([""] * span)
                continue
            text = "\n".join(p.text for p in _paragraphs(tc))
            spanning = spanning or span >= width > 1
            cells.append(text)
            cells.extend([""] * (span - 1))
        rows.append(TableRow(cells=cells, line=first_line + index, merged_up=frozenset(merged_up), spanning=spanning))
    return rows


def _paragraphs(tc: CT_Tc) -> list[Paragraph]:
    return [Paragraph(p, None) for p in tc.iter(qn("w:p"))]  # type: ignore[arg-type]  # text only: no story part needed
