"""The 责任清单 as the files a 安委办 sends out: a Word document (one section per department and plan, each
from a new page numbered 1) and an Excel workbook. Word gets the conventions of a government table: A4 landscape, 仿宋 body
and 黑体 headers set for East Asian text (w:eastAsia — without it Word shows Chinese in its Latin font's
fallback), ruled cells, a header row repeated on every page, fixed column widths and page numbers. Every
spreadsheet cell goes through `sheet_cells` (duty texts come from uploaded documents: OWASP formula escaping)."""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from dutygraph.graph.duty_lists import DutyLine, DutyList

from .output import sheet_cells

BODY_FONT = "仿宋"          # 仿宋_GB2312 is missing on many new machines; 仿宋 ships with Windows and WPS
HEADING_FONT = "黑体"
TITLE_FONT = "宋体"
DOCX_COLUMNS = (("序号", 1.3), ("任务内容", 12.8), ("牵头/配合", 3.4), ("完成时限", 2.8), ("设施类型", 4.2))  # cm, 24.5 in all
MAX_NAMES = 6               # co-responsible units named in the role cell before "等 N 个单位"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _clean(text: str) -> str:
    """Control characters neither .docx nor .xlsx can hold (python-docx raises on them) become U+FFFD."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", text or "")


# ------------------------------------------------------------------ Word

def duty_lists_docx(lists: Sequence[DutyList]) -> bytes:
    """One .docx: for each list a title, the department, a count line and the table, each in its own section."""
    document = Document()
    _page_setup(document)
    _base_font(document)
    for number, duty_list in enumerate(lists):
        _section(document, duty_list, new_page=number > 0)
    if not lists:
        _text(document.add_paragraph(), "（无任务）", BODY_FONT, 14)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _page_setup(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2.2)
    section.left_margin = section.right_margin = Cm(2.3)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _text(footer, "— ", BODY_FONT, 12)
    _page_field(footer)
    _text(footer, " —", BODY_FONT, 12)


def _base_font(document) -> None:
    style = document.styles["Normal"]
    style.font.name = BODY_FONT
    style.font.size = Pt(12)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)


def _section(document, duty_list: DutyList, new_page: bool) -> None:
    """A Word section of its own, numbered from page 1: each department's pages are printed and sent apart."""
    section = document.add_section(WD_SECTION.NEW_PAGE) if new_page else document.sections[0]
    numbering = OxmlElement("w:pgNumType")
    numbering.set(qn("w:start"), "1")
    section._sectPr.append(numbering)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(6)
    _text(title, duty_list.title, TITLE_FONT, 18, bold=True)
    unit = document.add_paragraph()
    unit.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _text(unit, f"责任单位：{duty_list.name}", BODY_FONT, 16)
    summary = document.add_paragraph()
    summary.paragraph_format.space_after = Pt(6)
    _text(summary, _summary(duty_list), BODY_FONT, 12)
    _table(document, duty_list.lines)


def _summary(duty_list: DutyList) -> str:
    parts = [f"牵头任务 {duty_list.count('lead')} 项", f"配合任务 {duty_list.count('co-responsible')} 项"]
    if duty_list.count("collective"):
        parts.append(f"作为责任主体之一的任务 {duty_list.count('collective')} 项")
    return f"共 {len(duty_list.lines)} 项任务：" + "，".join(parts) + "。"


def _table(document, lines: Sequence[DutyLine]) -> Table:
    table = document.add_table(rows=1, cols=len(DOCX_COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _fixed_layout(table)
    header = table.rows[0]
    _repeat_header(header._tr)
    for cell, (name, width) in zip(header.cells, DOCX_COLUMNS):
        cell.width = Cm(width)
        _shade(cell, "D9D9D9")
        _text(cell.paragraphs[0], name, HEADING_FONT, 11, align=WD_ALIGN_PARAGRAPH.CENTER)
    for index, line in enumerate(lines, start=1):
        cells = table.add_row().cells
        for cell, (_, width) in zip(cells, DOCX_COLUMNS):
            cell.width = Cm(width)
        _text(cells[0].paragraphs[0], str(index), BODY_FONT, 10.5, align=WD_ALIGN_PARAGRAPH.CENTER)
        _task_cell(cells[1], line)
        _role_cell(cells[2], line)
        _text(cells[3].paragraphs[0], line.deadline or "未明确", BODY_FONT, 10.5)
        _text(cells[4].paragraphs[0], "、".join(line.facility_types) or "—", BODY_FONT, 10.5)
    for column, (_, width) in zip(table.columns, DOCX_COLUMNS):
        column.width = Cm(width)
    return table


def _task_cell(cell: _Cell, line: DutyLine) -> None:
    _text(cell.paragraphs[0], line.text or "（原文未写任务表述）", BODY_FONT, 10.5)
    if line.requirements:
        _text(cell.add_paragraph(), "工作要求：" + line.requirements, BODY_FONT, 9.5, color="404040")


def _role_cell(cell: _Cell, line: DutyLine) -> None:
    _text(cell.paragraphs[0], line.role_label, BODY_FONT, 10.5, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    if line.role != "lead" and line.leads:
        _text(cell.add_paragraph(), "牵头：" + _names(line.leads), BODY_FONT, 9)
    others = [p for p in line.partners if p not in line.leads]
    if line.role == "lead" and others:
        _text(cell.add_paragraph(), "配合：" + _names(others), BODY_FONT, 9)


def _names(names: Sequence[str]) -> str:
    shown = "、".join(names[:MAX_NAMES])
    return shown + (f" 等 {len(names)} 个单位" if len(names) > MAX_NAMES else "")


def _text(paragraph: Paragraph, text: str, font: str, size: float, bold: bool = False,
          align: WD_ALIGN_PARAGRAPH | None = None, color: str | None = None) -> None:
    """A run whose East Asian font is set too: w:rFonts/@w:eastAsia is what Word uses for Chinese."""
    run = paragraph.add_run(_clean(text))
    run.font.name, run.font.size, run.font.bold = font, Pt(size), bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    if align is not None:
        paragraph.alignment = align


def _repeat_header(tr) -> None:
    """w:tblHeader repeats the row at the top of every page; w:cantSplit keeps it in one piece."""
    properties = tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), "true")
        properties.append(element)


def _fixed_layout(table: Table) -> None:
    """Word otherwise re-fits the columns to their text and ignores the widths given."""
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _page_field(paragraph: Paragraph) -> None:
    """A PAGE field: Word and WPS fill in the page number."""
    run = paragraph.add_run()
    run.font.size = Pt(12)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)


# ------------------------------------------------------------------ Excel

XLSX_COLUMNS = (("序号", 6), ("部门", 16), ("原表序号", 9), ("任务内容", 60), ("工作要求", 40), ("牵头/配合", 10),
                ("牵头单位", 18), ("配合单位", 24), ("完成时限", 14), ("设施类型", 20))
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")


def duty_lists_xlsx(lists: Sequence[DutyList], title: str) -> bytes:
    """One sheet with every duty line (a 部门 column, so one workbook can hold a whole plan and be filtered), and
    one with the counts by facility type; header frozen, autofilter on, widths set, printed landscape."""
    book = Workbook()
    sheet = book.active
    sheet.title = "责任清单"
    rows = [_xlsx_row(index, d, line) for d in lists for index, line in enumerate(d.lines, start=1)]
    _fill(sheet, title, XLSX_COLUMNS, rows)
    counts = book.create_sheet("按设施类型")
    facility_rows = [[d.name, facility, lead, co, lead + co] for d in lists for facility, lead, co in d.by_facility()]
    _fill(counts, title + " — 按设施类型统计",
          (("部门", 16), ("设施类型", 24), ("牵头任务数", 12), ("配合任务数", 12), ("合计", 8)), facility_rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_row(index: int, duty_list: DutyList, line: DutyLine) -> list[object]:
    others = [p for p in line.partners if p not in line.leads]
    return [index, duty_list.name, line.number, line.text, line.requirements, line.role_label,
            list(line.leads), others, line.deadline or "未明确", list(line.facility_types)]


def _fill(sheet: Worksheet, title: str, columns: Sequence[tuple[str, int]], rows: Iterable[Sequence[object]]) -> None:
    """Title in row 1, header in row 2, data below; the first two rows frozen and printed on every page."""
    last = len(columns)
    _put(sheet, 1, [title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    sheet.cell(row=1, column=1).font = Font(name=TITLE_FONT, size=14, bold=True)
    sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    _put(sheet, 2, [name for name, _ in columns])
    for column in range(1, last + 1):
        cell = sheet.cell(row=2, column=column)
        cell.font, cell.border = Font(name=HEADING_FONT, bold=True), _BORDER
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    row_number = 2
    for row_number, values in enumerate(rows, start=3):
        _put(sheet, row_number, values)
        for column in range(1, last + 1):
            cell = sheet.cell(row=row_number, column=column)
            cell.alignment, cell.border, cell.font = _WRAP, _BORDER, Font(name=BODY_FONT)
    for column, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(row=2, column=column).column_letter].width = width
    end = sheet.cell(row=max(row_number, 2), column=last).coordinate
    sheet.freeze_panes = "A3"
    sheet.auto_filter.ref = f"A2:{end}"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _put(sheet: Worksheet, row: int, values: Sequence[object]) -> None:
    """Text cells typed as text (openpyxl would take a leading = for a formula), after `sheet_cells`."""
    for column, value in enumerate(sheet_cells(values), start=1):
        cell = sheet.cell(row=row, column=column)
        if isinstance(value, str):
            cell.value, cell.data_type = _clean(value), "s"
        else:
            cell.value = value
