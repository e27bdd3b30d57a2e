"""Every page as a 安委办 reader sees it, in headless Chromium at 1280×900 (Chinese browser): no IRI in the
visible text, no question page taller than 15 screens at its default page size, no horizontal overflow, no
script errors, nothing requested from outside. Screenshots go to test-artifacts/pages/ (issue 18)."""
from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from conftest import ARTIFACTS, CD, LT, serving, t

from dutygraph.service.app import Settings, create_app

WIDTH, HEIGHT = 1280, 900
MAX_SCREENS = 15
IRI_LIKE = re.compile(r"https?://|w3id\.org|\w+/(task|measure|schedule)/\d+")
SCHOOL = "https://w3id.org/dutygraph/facility/school"
EMERGENCY = "https://w3id.org/dutygraph/org/chengdu/emergency"


def _q(iri: str) -> str:
    return quote(iri, safe="")


PAGES = {
    "home": "/",
    "question-shared-facilities": "/questions/shared-facilities",
    "question-shared-facilities-all": "/questions/shared-facilities?plan=all",
    "question-matrix": f"/questions/shared-facilities/matrix?plan={CD}",
    "question-matrix-lintong": f"/questions/shared-facilities/matrix?plan={LT}",
    "question-orphans": "/questions/orphans",
    "question-orphans-all": "/questions/orphans?plan=all",
    "question-orphans-filtered": f"/questions/orphans?plan={CD}&reasons=no_requirements&sort=lead&dir=asc",
    "question-duplicates": f"/questions/duplicates?plan={LT}",
    "question-duplicates-chengdu": f"/questions/duplicates?plan={CD}",
    "question-dependencies": f"/questions/dependencies?plan={LT}",
    "question-alignments": "/questions/alignments",
    "question-centrality": "/questions/centrality?plan=all",
    "departments": "/departments",
    "facility-types": "/facility-types",
    "regulations": "/regulations",
    "department": f"/departments/{_q(EMERGENCY)}",
    "facility": f"/facility-types/{_q(SCHOOL)}?plan=all",
    "task": f"/tasks/{_q(t(CD, 29))}",
    "task-measure": f"/tasks/{_q(t(LT, 5, 'measure'))}",
    "search": "/search?plan=all&q=" + quote("燃气管道"),
    "home-en": "/?lang=en",
    "question-orphans-en": "/questions/orphans?lang=en",
}
QUESTION_PAGES = [name for name in PAGES if name.startswith("question-")]


@pytest.fixture(scope="module")
def live(loaded_store):
    with serving(create_app(Settings(timeout_s=5), store=loaded_store)) as url:
        yield url


@pytest.fixture(scope="module")
def chrome():
    from browser import Browser

    browser = Browser()
    yield browser
    browser.close()


def _open(chrome, url: str):
    page = chrome.new_page()
    page.call("Emulation.setDeviceMetricsOverride", width=WIDTH, height=HEIGHT, deviceScaleFactor=1, mobile=False)
    page.call("Network.clearBrowserCookies")          # each page as a first visit: no remembered language or plan
    page.call("Network.setExtraHTTPHeaders", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    page.goto(url)
    page.wait_for("document.readyState === 'complete' && document.body && document.body.innerText.length > 20")
    page.pump(0.3)
    return page


@pytest.mark.browser
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_reads_as_a_page(chrome, live, name):
    page = _open(chrome, live + PAGES[name])
    try:
        facts = page.evaluate("JSON.stringify({text: document.body.innerText, height: document.body.scrollHeight, "
                              "width: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})")
        facts = json.loads(facts)
        path = ARTIFACTS / "pages" / f"{name}.png"
        page.call("Emulation.setDeviceMetricsOverride", width=WIDTH, height=min(facts["height"], 6000),
                  deviceScaleFactor=1, mobile=False)
        page.screenshot(path)
        (ARTIFACTS / "pages" / f"{name}.json").write_text(json.dumps({"url": PAGES[name], "height": facts["height"],
                                                                      "width": facts["width"]}), encoding="utf-8")
        assert page.errors == []
        outside = [u for u in page.requests if not u.startswith((live, "data:", "about:", "blob:"))]
        assert outside == []
        assert not IRI_LIKE.findall(facts["text"]), IRI_LIKE.search(facts["text"])
        assert facts["width"] <= facts["client"], f"{name} overflows: {facts['width']} > {facts['client']}"
        if name in QUESTION_PAGES:
            assert facts["height"] <= MAX_SCREENS * HEIGHT, f"{name} is {facts['height']} px tall"
        if not name.endswith("-en"):
            assert not re.search(r"\b(Duty|Departments|Plan|Download|rows)\b", facts["text"])
    finally:
        page.ws.close()


@pytest.mark.browser
def test_a_details_row_opens_to_departments_and_duties(chrome, live):
    page = _open(chrome, live + "/questions/shared-facilities")
    try:
        opened = page.evaluate("(() => { const d = document.querySelector('details'); d.open = true; "
                               "return d.querySelectorAll('table.inner tr').length; })()")
        assert opened > 2
        page.screenshot(ARTIFACTS / "pages" / "question-shared-facilities-open.png")
    finally:
        page.ws.close()
