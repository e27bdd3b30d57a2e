"""Deadlines (graph/deadlines.py, /deadlines): duties by month and by department, which deadlines have passed
as of an injected day, open-ended ones (长期 …) apart; and the page in headless Chromium."""
from __future__ import annotations

from datetime import date

import pytest
from conftest import ARTIFACTS, CD, LT, serving
from fastapi.testclient import TestClient

from dutygraph.graph.deadlines import deadline_board, due_date, is_open_ended
from dutygraph.service.app import Settings, create_app

DAY = date(2020, 11, 15)     # inside the Lintong plan's schedule: some deadlines behind, most ahead


@pytest.mark.parametrize("end, due", [("2020", date(2020, 12, 31)), ("2020-02", date(2020, 2, 29)),
                                      ("2021-06", date(2021, 6, 30)), ("2021-06-15", date(2021, 6, 15)),
                                      (None, None), ("2021-13", None)])
def test_a_deadline_allows_until_the_last_day_it_names(end, due):
    assert due_date(end) == due


@pytest.mark.parametrize("deadline, open_ended", [
    ({"raw": "长期", "end": None, "ongoing": True}, True),
    ({"raw": "持续推进", "end": None, "ongoing": False}, True),
    ({"raw": "长期坚持", "end": None, "ongoing": False}, True),
    ({"raw": "2020年6月", "end": "2020-06", "ongoing": False}, False),
    ({"raw": "规划水平年", "end": None, "ongoing": False}, False),
    (None, False),
])
def test_open_ended_deadlines_are_told_apart(deadline, open_ended):
    assert is_open_ended(deadline) is open_ended


def test_lintong_by_month_as_of_a_day(loaded_store):
    board = deadline_board(loaded_store, DAY, plan=LT)
    keys = [m.key for m in board.months]
    assert keys == sorted(keys, key=lambda k: (k[:4], k[5:] or "13"))            # year-only months after the year's months
    by_key = {m.key: m for m in board.months}
    assert by_key["2020-10"].passed == len(by_key["2020-10"].duties) == 3
    assert [d.due.day for d in by_key["2020-11"].duties if d.passed] == [5, 10]     # 11-20 and 11-30 still ahead
    assert all(m.passed == 0 for m in board.months if m.key >= "2020-12")
    assert {d.deadline for d in board.unclear} == {"规划水平年", "按照国家确定时间实施"}
    assert board.open_ended == ()
    assert len(board.passed) == 5


def test_open_ended_duties_never_pass(loaded_store):
    board = deadline_board(loaded_store, date(2099, 1, 1), plan=CD)
    assert len(board.open_ended) == 10 and all(d.deadline == "长期" and not d.passed for d in board.open_ended)
    assert len(board.passed) == board.dated


def test_departments_count_their_passed_deadlines(loaded_store):
    board = deadline_board(loaded_store, DAY)
    emergency = next(d for d in board.departments if d.name == "市应急局")
    assert emergency.passed == emergency.dated - 1 and emergency.next_due == date(2020, 12, 31)
    assert [d.passed for d in board.departments] == sorted((d.passed for d in board.departments), reverse=True)


@pytest.fixture(scope="module")
def client(loaded_store) -> TestClient:
    return TestClient(create_app(Settings(timeout_s=5), store=loaded_store), raise_server_exceptions=False)


def test_page_as_of_a_day(client):
    response = client.get("/deadlines", params={"plan": LT, "as_of": DAY.isoformat()})
    assert response.status_code == 200
    text = response.text
    assert "截至 <strong>2020年11月15日</strong>" in text and "时限已过" in text and "2020年11月" in text
    assert f'<option value="{LT}" selected>' in text


@pytest.mark.parametrize("params, status", [({"as_of": "yesterday"}, 400), ({"plan": "no_such_plan"}, 404),
                                            ({"plan": "x\x01y"}, 400)])
def test_bad_parameters_are_clean_4xx(client, params, status):
    assert client.get("/deadlines", params=params).status_code == status


@pytest.mark.browser
def test_deadlines_page_in_chromium(loaded_store):
    from browser import Browser

    browser = Browser()
    try:
        with serving(create_app(Settings(timeout_s=5), store=loaded_store)) as url:
            page = browser.new_page()
            page.goto(f"{url}/deadlines?plan=all&lang=zh&as_of={DAY.isoformat()}")
            page.wait_for("document.readyState === 'complete' && document.querySelector('#by-month') !== null")
            page.evaluate("document.querySelector('details[id^=\"m-2020-11\"]').open = true")
            page.pump(0.3)
            page.screenshot(ARTIFACTS / "pages" / "deadlines.png")
            summary = page.evaluate("document.querySelector('.deadline-summary').innerText")
            assert "截至 2020年11月15日，全部 2 个计划" in summary and "时限已过" in summary
            months = page.evaluate("[...document.querySelectorAll('#by-month + table tr td:first-child')].map(td => td.innerText)")
            assert months[:2] == ["2020年6月", "2020年10月"]
            assert page.evaluate("document.querySelectorAll('#m-2020-11 .passed').length") == 2
            page.goto(f"{url}/deadlines?plan=all&lang=en&as_of={DAY.isoformat()}")
            page.wait_for("document.readyState === 'complete' && document.querySelector('#by-month') !== null")
            page.screenshot(ARTIFACTS / "pages" / "deadlines-en.png")
            summary = page.evaluate("document.querySelector('.deadline-summary').innerText")
            assert summary.startswith("As of 2020-11-15, all 2 plans:") and "past their deadline: 280" in summary
            assert page.evaluate("document.querySelector('h1').innerText") == "Deadlines"
            assert page.errors == []
            assert [u for u in page.requests if not u.startswith((url, "data:", "about:"))] == []
            page.ws.close()
    finally:
        browser.close()


def test_the_page_follows_the_plan_chosen_elsewhere_and_names_it(client):
    """One plan selector for every page: the plan chosen on another page (its cookie) is the one shown here."""
    client.cookies.clear()
    client.get("/questions/orphans", params={"plan": LT})
    text = client.get("/deadlines", params={"as_of": DAY.isoformat()}).text
    client.cookies.clear()
    assert f'<option value="{LT}" selected>' in text and "，《" in text and "<th>计划</th>" not in text
    both = client.get("/deadlines", params={"plan": "all", "as_of": DAY.isoformat()}).text
    assert "全部 2 个计划" in both and "<th>计划</th>" in both
