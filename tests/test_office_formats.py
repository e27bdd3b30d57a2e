"""Word, Excel, PDF and CSV versions of the two sample tables, built here from the samples' own rows, read back
to the same tasks, departments, collective units and deadlines as the text samples. Each file has the quirks
real ones have: merged cells, header rows repeated (or not) per page, a title above the header, two sheets,
a table split over pages, a two-row 牵头单位 | 配合单位 header."""
from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import docx
import openpyxl
import pytest
from conftest import LINTONG
from openpyxl.styles import Alignment

from dutygraph.loaders import LoadError, PlanRecord, TaskRecord, read_document

CHENGDU_HEADER = ["序号", "具体目标任务", "工作要求", "责任部门", "完成时限"]
LINTONG_HEADER = ["序号", "主要目标任务", "责任单位", "完成时限"]
CHENGDU_TITLE = "国家安全发展示范城市建设任务分工表"
LINTONG_TITLE = "西安市临潼区国家安全发展示范城市创建工作任务分解表"


@dataclass(frozen=True)
class Row:
    """One task as a table row: cells in header order; `section` starts a new 一、… heading before it."""

    number: int
    text: str
    requirements: str | None
    units: str
    deadline: str
    section: str | None = None

    def cells(self) -> list[str]:
        middle = [self.text] if self.requirements is None else [self.text, self.requirements]
        return [str(self.number), *middle, self.units, self.deadline]


def chengdu_rows(plan: PlanRecord) -> list[Row]:
    return [
        Row(t.number, t.raw.get("text", ""), t.raw.get("requirements", ""), t.raw.get("units", ""), t.raw.get("deadline", ""))
        for t in plan.tasks
    ]


def lintong_rows(plan: PlanRecord) -> list[Row]:
    rows, section = [], None
    for t in plan.tasks:
        if t.kind != "task":
            continue
        new = t.section if t.section != section else None
        section = t.section
        rows.append(Row(t.number, t.text, None, t.units_raw, t.deadline.raw if t.deadline else "", new))
    return rows


def _paragraphs(cell_text: str) -> list[str]:
    """A Chengdu cell's <p> fragments are paragraphs in Word."""
    parts = [p.strip() for p in cell_text.replace("</p>", "<p>").split("<p>")]
    return [p for p in parts if p] or [""]


# ---------------------------------------------------------------- Word


def _fill(cell, text: str) -> None:
    parts = _paragraphs(text)
    cell.text = parts[0]
    for part in parts[1:]:
        cell.add_paragraph(part)


def _split_text(row: Row) -> tuple[str, str] | None:
    parts = _paragraphs(row.text)
    if len(parts) < 2:
        return None
    return "<p>".join(parts[:1]), "<p>".join(parts[1:])


def build_docx(path: Path, rows: list[Row], header: list[str], title: str, per_table: int = 12) -> Path:
    """Several tables, most repeating the header, one continuing without it, one with a two-row
    牵头单位 | 配合单位 header; a task over two rows with its number merged; equal deadlines merged; sections as
    rows merged across the table."""
    document = docx.Document()
    document.add_paragraph("附件")
    document.add_paragraph(title)
    chunks = [rows[i:i + per_table] for i in range(0, len(rows), per_table)]
    for index, chunk in enumerate(chunks):
        two_row_header = index == 1 and header is CHENGDU_HEADER
        repeat = index != 3
        _docx_table(document, chunk, header, repeat, two_row_header)
        document.add_paragraph("")
    document.save(path)
    return path


def _docx_table(document, chunk: list[Row], header: list[str], repeat: bool, two_row_header: bool) -> None:
    width = len(header) + (1 if two_row_header else 0)
    table = document.add_table(rows=0, cols=width)
    if two_row_header:
        top, sub = table.add_row().cells, table.add_row().cells
        units_at = header.index("责任部门")
        for i, name in enumerate(header[:units_at]):
            top[i].text = name
            top[i].merge(sub[i])
        top[units_at].text = "责任部门"
        top[units_at].merge(top[units_at + 1])
        sub[units_at].text, sub[units_at + 1].text = "牵头单位", "配合单位"
        top[units_at + 2].text = header[-1]
        top[units_at + 2].merge(sub[units_at + 2])
    elif repeat:
        for cell, name in zip(table.add_row().cells, header):
            cell.text = name
    deadline_run: list[tuple[int, str]] = []    # (row index, deadline) of equal deadlines in a row, to merge
    for row in chunk:
        if row.section:
            cells = table.add_row().cells
            cells[0].text = row.section
            cells[0].merge(cells[-1])
            deadline_run = []
        values = row.cells()
        if two_row_header:
            lead, _, support = row.units.partition(" ")
            values = values[:-2] + [lead, support, values[-1]]
        split = _split_text(row) if not two_row_header else None
        cells = table.add_row().cells
        for cell, value in zip(cells, values):
            _fill(cell, value)
        here = len(table.rows) - 1
        if split:   # the task text over two rows; number, requirements, units and deadline merged down
            _fill(cells[1], split[0])
            lower = table.add_row().cells
            _fill(lower[1], split[1])
            for col in [0, *range(2, width)]:
                cells[col].merge(lower[col])
        if deadline_run and deadline_run[-1][1] == row.deadline and row.deadline and not split and not row.section:
            start = deadline_run[0][0]
            _fill(table.rows[here].cells[-1], "")
            table.cell(start, width - 1).merge(table.cell(here, width - 1))
            deadline_run.append((here, row.deadline))
        else:
            deadline_run = [] if split else [(here, row.deadline)]


def _halves(text: str) -> tuple[str, str]:
    """A cell's text cut after its first ；(or in the middle) to run on into the next table row."""
    cut = text.find("；") + 1 or len(text) // 2
    return text[:cut], text[cut:]


# ---------------------------------------------------------------- Excel


def build_xlsx(path: Path, rows: list[Row], header: list[str], title: str) -> Path:
    """Two sheets; a merged title above the header (header on row 3, then on row 2); deadlines typed as
    dates on the second sheet; equal deadlines merged; one task over two rows with its number merged."""
    book = openpyxl.Workbook()
    half = len(rows) // 2
    for index, (name, part, header_row) in enumerate([("分工表", rows[:half], 3), ("分工表（续）", rows[half:], 2)]):
        sheet = book.active if index == 0 else book.create_sheet(name)
        sheet.title = name
        sheet.cell(1, 1, title if index == 0 else "续表")
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        for col, value in enumerate(header, start=1):
            sheet.cell(header_row, col, value)
        line = header_row + 1
        run_start, run_value = None, None
        for row in part:
            if row.section:
                sheet.cell(line, 1, row.section)
                sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=len(header))
                line, run_start, run_value = line + 1, None, None
            values: list[object] = row.cells()
            values[0] = row.number
            values = [v.replace("<p>", "\n").replace("</p>", "") if isinstance(v, str) else v for v in values]
            deadline = _as_date(row.deadline) if index == 1 else None
            for col, value in enumerate(values, start=1):
                sheet.cell(line, col, value).alignment = Alignment(wrap_text=True)
            if deadline:
                cell = sheet.cell(line, len(values), deadline)
                cell.number_format = 'yyyy"年"m"月"'
            if run_value == row.deadline and row.deadline and run_start is not None:
                sheet.cell(line, len(values)).value = None
                sheet.merge_cells(start_row=run_start, start_column=len(values), end_row=line, end_column=len(values))
            else:
                run_start, run_value = line, row.deadline
            line += 1
            if row.number % 17 == 0:   # the task text continues on a second row, its number merged down
                sheet.cell(line, 2, "（续）")
                sheet.merge_cells(start_row=line - 1, start_column=1, end_row=line, end_column=1)
                line, run_start, run_value = line + 1, None, None
    book.save(path)
    return path


def _as_date(text: str) -> dt.datetime | None:
    """'2020年6月' as Excel would store it once typed into a date-formatted cell."""
    compact = "".join(text.split())
    if len(compact) in (7, 8) and compact[4] == "年" and compact.endswith("月") and compact[:4].isdigit():
        return dt.datetime(int(compact[:4]), int(compact[5:-1]), 1)
    return None


# ---------------------------------------------------------------- PDF


def _pdf_styles():
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return ParagraphStyle("cell", fontName="STSong-Light", fontSize=7, leading=9, wordWrap="CJK")


def build_pdf(path: Path, rows: list[Row], header: list[str], title: str, repeat_header: bool = True,
              merges: bool = False) -> Path:
    """A ruled table over several pages (header repeated on each, or only on the first), sections as rows
    spanning the table; with `merges`, equal deadlines of up to three tasks in one cell, and every ninth task
    over two rows (its text continued below, the other cells spanning both)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    style = _pdf_styles()

    def para(text: str) -> Paragraph:
        return Paragraph("<br/>".join(escape(p) for p in _paragraphs(text)), style)

    data = [[para(h) for h in header]]
    commands = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    last = len(header) - 1
    run: list[int] = []      # table rows holding one deadline, to span
    for row in rows:
        if row.section:
            data.append([para(row.section)] + [""] * last)
            commands.append(("SPAN", (0, len(data) - 1), (-1, len(data) - 1)))
            run = []
        cells = [para(v) for v in row.cells()]
        split = _halves(row.text) if merges and row.number % 9 == 0 else None
        if split:
            cells[1] = para(split[0])
        if merges and run and len(run) < 3 and not split and data[run[0]][last].text == cells[last].text and row.deadline:
            cells[last] = ""
            run.append(len(data))
            commands.append(("SPAN", (last, run[0]), (last, run[-1])))
        else:
            run = [] if split else [len(data)]
        data.append(cells)
        if split:
            data.append([""] + [para(split[1])] + [""] * (last - 1))
            commands += [("SPAN", (col, len(data) - 2), (col, len(data) - 1)) for col in [0, *range(2, last + 1)]]
    widths = [30, 260, 260, 110, 70] if len(header) == 5 else [30, 400, 160, 100]
    table = Table(data, colWidths=widths, repeatRows=1 if repeat_header else 0)
    table.setStyle(TableStyle(commands))
    doc = SimpleDocTemplate(str(path), pagesize=landscape(A4), leftMargin=36, rightMargin=36, topMargin=36, bottomMargin=36)
    doc.build([Paragraph(escape(title), style), table])
    return path


def build_text_pdf(path: Path, lines: list[str], per_page: int = 45) -> Path:
    """Lines of text, no table rules: what a PDF of a prose plan looks like to pdfplumber."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    _pdf_styles()
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for start in range(0, len(lines), per_page):
        pdf.setFont("STSong-Light", 10)
        y = 800
        for line in lines[start:start + per_page]:
            pdf.drawString(40, y, line)
            y -= 17
        pdf.showPage()
    pdf.save()
    return path


# ---------------------------------------------------------------- comparing


def _compact(text: str | None) -> str:
    return "".join((text or "").split())


def summary(task: TaskRecord, variants: dict[str, str]) -> tuple:
    """What must survive the format: number, text (spacing aside), units by role, deadline, section."""
    departments: list[str] = []
    for name in task.departments:
        name = variants.get(name, name)
        if name not in departments:
            departments.append(name)
    deadline = task.deadline and (_compact(task.deadline.raw), task.deadline.start, task.deadline.end, task.deadline.ongoing)
    return (task.kind, task.number, _compact(task.text), _compact(task.requirements), departments,
            task.collective_units, task.open_ended, deadline, task.section)


def assert_same_tasks(got: PlanRecord, expected: list[TaskRecord], variants: dict[str, str], strip: str = "") -> None:
    assert [t.number for t in got.tasks] == [t.number for t in expected]
    for task, want in zip(got.tasks, expected):
        actual = summary(task, variants)
        if strip:   # a continuation row's marker, added by the fixture
            actual = actual[:2] + (actual[2].replace(strip, ""),) + actual[3:]
        assert actual == summary(want, variants), f"row {want.number}"


@pytest.fixture(scope="module")
def lintong_tasks(lintong) -> list[TaskRecord]:
    return [t for t in lintong.tasks if t.kind == "task"]


# ---------------------------------------------------------------- the tests


def test_docx_chengdu_all_rows(tmp_path, chengdu):
    path = build_docx(tmp_path / "chengdu.docx", chengdu_rows(chengdu), CHENGDU_HEADER, CHENGDU_TITLE)
    plan = read_document(path)
    assert plan.layout == "docx-table" and plan.plan_id == "chengdu"
    assert plan.title == CHENGDU_TITLE and plan.jurisdiction == "成都市" and plan.level == "市"
    assert_same_tasks(plan, chengdu.tasks, chengdu.variants)
    assert plan.tasks[0].raw["header:text"] == "具体目标任务"


def test_docx_two_row_header_maps_lead_and_support(tmp_path, chengdu):
    path = build_docx(tmp_path / "chengdu.docx", chengdu_rows(chengdu)[:36], CHENGDU_HEADER, CHENGDU_TITLE)
    plan = read_document(path)
    task = next(t for t in plan.tasks if t.number == 14)   # 市应急局 市经信局, in the 牵头 | 配合 table
    assert task.departments == ["市应急局", "市经信局"]
    assert task.raw["lead"] == "市应急局" and task.raw["support"] == "市经信局"
    assert task.raw["header:lead"] == "牵头单位" and task.raw["header:support"] == "配合单位"


def test_docx_lintong_sections_and_merges(tmp_path, lintong, lintong_tasks):
    path = build_docx(tmp_path / "lintong.docx", lintong_rows(lintong), LINTONG_HEADER, LINTONG_TITLE, per_table=30)
    plan = read_document(path)
    assert plan.title == LINTONG_TITLE
    assert_same_tasks(plan, lintong_tasks, lintong.variants)
    assert [s for s in plan.sections] == [s for s in lintong.sections if s[0] == "task"]


def test_xlsx_two_sheets_header_below_title(tmp_path, chengdu):
    path = build_xlsx(tmp_path / "chengdu.xlsx", chengdu_rows(chengdu), CHENGDU_HEADER, CHENGDU_TITLE)
    plan = read_document(path)
    assert plan.layout == "xlsx-table" and plan.title == CHENGDU_TITLE
    assert_same_tasks(plan, chengdu.tasks, chengdu.variants, strip="（续）")
    assert plan.tasks[-1].raw["table"] == "sheet 分工表（续）"
    assert plan.tasks[200].lines[0] > 2


def test_xlsx_lintong_sections(tmp_path, lintong, lintong_tasks):
    path = build_xlsx(tmp_path / "lintong.xlsx", lintong_rows(lintong), LINTONG_HEADER, LINTONG_TITLE)
    plan = read_document(path)
    assert_same_tasks(plan, lintong_tasks, lintong.variants, strip="（续）")


def test_pdf_table_split_over_pages_lintong(tmp_path, lintong, lintong_tasks):
    path = build_pdf(tmp_path / "lintong.pdf", lintong_rows(lintong), LINTONG_HEADER, LINTONG_TITLE)
    plan = read_document(path)
    assert plan.layout == "pdf-table" and plan.title == LINTONG_TITLE
    assert len({t.raw["table"] for t in plan.tasks}) > 2     # the table ran over several pages
    assert_same_tasks(plan, lintong_tasks, lintong.variants)
    assert [s for s in plan.sections] == [s for s in lintong.sections if s[0] == "task"]


def test_pdf_table_header_only_on_first_page_chengdu(tmp_path, chengdu):
    path = build_pdf(tmp_path / "chengdu.pdf", chengdu_rows(chengdu), CHENGDU_HEADER, CHENGDU_TITLE, repeat_header=False)
    plan = read_document(path)
    assert plan.title == CHENGDU_TITLE and len({t.raw["table"] for t in plan.tasks}) > 10
    assert_same_tasks(plan, chengdu.tasks, chengdu.variants)


def test_pdf_merged_cells(tmp_path, chengdu):
    """Deadlines spanning several tasks apply to each; a task over two rows is one task."""
    path = build_pdf(tmp_path / "merged.pdf", chengdu_rows(chengdu)[:60], CHENGDU_HEADER, CHENGDU_TITLE, merges=True)
    plan = read_document(path)
    assert_same_tasks(plan, chengdu.tasks[:60], chengdu.variants)
    assert plan.tasks[8].lines[1] > plan.tasks[8].lines[0]     # task 9 over two rows


def test_pdf_without_rules_goes_to_the_text_layouts(tmp_path, lintong):
    """The whole Lintong plan printed as lines of text: pdfplumber finds no table, the text goes to pdf-text."""
    lines = [line.rstrip() for line in LINTONG.read_text(encoding="utf-8").split("\n") if line.strip()]
    plan = read_document(build_text_pdf(tmp_path / "lintong_text.pdf", lines))
    assert plan.layout == "pdf-text"
    assert plan.title == lintong.title and plan.doc_number == "安城创〔2020〕1号" and plan.issuer_level == "区"
    assert [summary(t, lintong.variants) for t in plan.tasks] == [summary(t, lintong.variants) for t in lintong.tasks]


@pytest.mark.parametrize("delimiter", [",", "\t", ";"], ids=["comma", "tab", "semicolon"])
@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_csv_any_delimiter_and_encoding(tmp_path, chengdu, delimiter, encoding):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([CHENGDU_TITLE])
    writer.writerow(CHENGDU_HEADER)
    for row in chengdu_rows(chengdu):
        writer.writerow([c.replace("<p>", "\n").replace("</p>", "") for c in row.cells()])
    suffix = ".tsv" if delimiter == "\t" else ".csv"
    path = tmp_path / f"chengdu{suffix}"
    path.write_bytes(buffer.getvalue().encode(encoding))
    plan = read_document(path)
    assert plan.layout == "csv-table" and plan.title == CHENGDU_TITLE
    assert_same_tasks(plan, chengdu.tasks, chengdu.variants)


# ---------------------------------------------------------------- bad files


def _corrupt_zip(path: Path) -> Path:
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 40 + b"not really a zip")
    return path


def _zip_without_parts(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "这不是 Office 文档")
    return path


def _empty_xlsx(path: Path) -> Path:
    openpyxl.Workbook().save(path)
    return path


def _garbage_pdf(path: Path) -> Path:
    path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    return path


def _encrypted_pdf(path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    _pdf_styles()
    pdf = canvas.Canvas(str(path), pagesize=A4, encrypt=StandardEncryption("secret", canPrint=0))
    pdf.setFont("STSong-Light", 10)
    pdf.drawString(40, 800, "序号 主要目标任务 责任单位 完成时限")
    pdf.save()
    return path


def _pdf_without_text(path: Path) -> Path:
    """What a scan looks like to pdfplumber: drawing, no characters."""
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    pdf.rect(100, 100, 300, 500)
    pdf.save()
    return path


def _docx_without_table(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("今天天气很好，我们去公园散步。")
    document.save(path)
    return path


@pytest.mark.parametrize(
    "name, make, message",
    [
        ("bad.docx", _corrupt_zip, "not a readable Word .docx file"),
        ("bad.xlsx", _corrupt_zip, "not a readable Excel .xlsx file"),
        ("parts.docx", _zip_without_parts, "not a readable Word .docx file"),
        ("parts.xlsx", _zip_without_parts, "not a readable Excel .xlsx file"),
        ("empty.xlsx", _empty_xlsx, "empty"),
        ("garbage.pdf", _garbage_pdf, "not a readable PDF file"),
        ("locked.pdf", _encrypted_pdf, "not a readable PDF file (it is encrypted"),
        ("scan.pdf", _pdf_without_text, "no text"),
        ("nothing.pdf", lambda p: p.write_bytes(b"") or p, "the file is empty"),
        ("prose.docx", _docx_without_table, "not a duty-allocation document"),
    ],
    ids=lambda v: v if isinstance(v, str) and "." in v else None,
)
def test_bad_files_raise_load_error_naming_the_file(tmp_path, name, make, message):
    path = make(tmp_path / name)
    with pytest.raises(LoadError) as info:
        read_document(path)
    assert info.value.file == name and message in str(info.value)


def test_a_bad_row_names_its_sheet_and_row(tmp_path, chengdu):
    path = build_xlsx(tmp_path / "broken.xlsx", chengdu_rows(chengdu)[:20], CHENGDU_HEADER, CHENGDU_TITLE)
    book = openpyxl.load_workbook(path)
    book["分工表（续）"].cell(5, 1, "第五")
    book.save(path)
    with pytest.raises(LoadError) as info:
        read_document(path)
    assert info.value.file == "broken.xlsx" and info.value.line == 5
    assert "sheet 分工表（续）, row 5" in str(info.value)


def test_two_tables_numbering_the_same_tasks_is_an_error(tmp_path, chengdu):
    rows = chengdu_rows(chengdu)[:5]
    path = build_docx(tmp_path / "twice.docx", rows + rows, CHENGDU_HEADER, CHENGDU_TITLE, per_table=5)
    with pytest.raises(LoadError) as info:
        read_document(path)
    assert "task number 1 was already used (table 1, row 2)" in str(info.value)
