"""The whole service over real HTTP: uvicorn on a loopback port serving both samples; the question API,
its formats and its safety; real SPARQL clients; and every page in headless Chromium."""
from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote

import httpx
import openpyxl
import pyoxigraph as ox
import pytest
from conftest import ARTIFACTS, CHENGDU, LINTONG, serving

from dutygraph.graph import namespaces as ns
from dutygraph.graph.load import load_files
from dutygraph.graph.tasks import list_tasks
from dutygraph.service.app import Settings, create_app

CD = "chengdu_task_table"


@pytest.fixture(scope="module")
def store():
    s = ox.Store()
    load_files(s, [CHENGDU, LINTONG])
    return s


@pytest.fixture(scope="module")
def live(store):
    with serving(create_app(Settings(timeout_s=5), store=store)) as url:
        yield url


@pytest.fixture(scope="module")
def http(live):
    with httpx.Client(base_url=live, timeout=30) as client:
        yield client


def test_health(http):
    body = http.get("/healthz").json()
    assert body["status"] == "ok" and body["plans"] == 2


def test_tasks_same_json_as_the_library(http, store):
    assert http.get("/api/tasks", params={"plan": CD}).json() == list_tasks(store, plan=CD)


@pytest.mark.parametrize("params, check", [
    ({"plan": CD, "kind": "task"}, lambda items: len(items) == 288),
    ({"department": "市应急局"}, lambda items: items and all("市应急局" in t["departments"] for t in items)),
    ({"department": "市公安局交管局"}, lambda items: len(items) >= 1),          # a variant spelling finds its unit
    ({"facility": "学校"}, lambda items: any(t["number"] == 141 for t in items)),
    ({"facility": "人员密集场所"}, lambda items: any(t["number"] == 174 for t in items)),   # rolled up from 学校
    ({"deadline_from": "2021-04", "deadline_to": "2021-06"}, lambda items: items and all("2021-04" <= t["deadline"]["end"][:7] <= "2021-06" for t in items)),
    ({"q": "燃气管道"}, lambda items: items and items[0]["score"] >= items[-1]["score"] and "highlight" in items[0]),
])
def test_task_filters(http, params, check):
    response = http.get("/api/tasks", params=params)
    assert response.status_code == 200
    assert check(response.json())


@pytest.mark.parametrize("value", ['市应急局" } UNION { ?s ?p ?o } #', "学校'}} ; DROP ALL", "<script>alert(1)</script>",
                                   '") . ?x ?y ?z . FILTER("', "\\u0022 }"])
@pytest.mark.parametrize("param", ["department", "facility", "plan", "kind"])
def test_quotes_and_braces_in_a_filter_return_nothing(http, store, param, value):
    before = len(store)
    response = http.get("/api/tasks", params={param: value})
    assert response.status_code == 200 and response.json() == []
    assert len(store) == before


@pytest.mark.parametrize("value", ['市应急局" } UNION { ?s ?p ?o } #', "学校'}} ; DROP ALL", "<script>alert(1)</script>"])
def test_search_text_is_only_ever_words(http, store, value):
    before = len(store)
    response = http.get("/api/search", params={"q": value})
    assert response.status_code == 200
    for hit in response.json():
        assert any(seg["match"] for seg in hit["text"] + hit["requirements"])
    assert len(store) == before


@pytest.mark.parametrize("path", ["/api/tasks", "/api/orphans", "/api/duplicates", "/api/shared-facilities", "/api/dependencies",
                                  "/api/alignments", "/api/departments", "/api/facility-types", "/api/regulations", "/api/indicators"])
def test_every_list_downloads_as_csv_and_xlsx_and_explains_itself(http, path):
    as_json = http.get(path).json()
    assert isinstance(as_json, list) and as_json
    rows = list(csv.reader(io.StringIO(http.get(path, params={"format": "csv"}).content.decode("utf-8-sig"))))
    assert len(rows) == len(as_json) + 1 or path == "/api/tasks"   # task texts may hold line breaks inside quotes
    by_accept = http.get(path, headers={"Accept": "text/csv"})
    assert by_accept.headers["content-type"].startswith("text/csv")
    book = openpyxl.load_workbook(io.BytesIO(http.get(path, params={"format": "xlsx"}).content))
    assert book.active.max_row == len(as_json) + 1
    explained = http.get(path, params={"explain": 1}).json()
    assert explained["queries"] and all(q["text"].lstrip().startswith(("#", "PREFIX")) for q in explained["queries"])


def test_reports_same_json_as_the_cli_library(http, store):
    from dutygraph.graph import reports

    for name in ("orphans", "duplicates", "dependencies", "alignments", "shared-facilities"):
        assert http.get(f"/api/{name}").json() == json.loads(json.dumps(reports.report(store, name)))


def test_sharing_within_one_plan_over_http(http, store):
    from dutygraph.graph import reports

    got = http.get("/api/shared-facilities", params={"plan": CD})
    assert got.json() == json.loads(json.dumps(reports.shared_facilities(store, plan=CD)))
    assert 0 < int(got.headers["X-Total-Count"]) < int(http.get("/api/shared-facilities").headers["X-Total-Count"])
    assert http.get("/api/shared-facilities", params={"plan": 'x"} ?s ?p ?o {'}).json() == []


def test_single_items_and_404s(http):
    task = ns.task_iri(CD, "task", 29)
    assert http.get(f"/api/tasks/{task}").json()["number"] == 29
    assert http.get("/api/tasks/https://w3id.org/dutygraph/id/task/nope/task/1").status_code == 404
    dept = http.get("/api/departments").json()[0]
    assert http.get(f"/api/departments/{dept['id']}").json()["name"] == dept["name"]
    assert http.get("/api/duplicates", params={"kind": "bogus"}).status_code == 422


def test_search_highlights_are_text_segments(http):
    hits = http.get("/api/search", params={"q": "电梯"}).json()
    assert hits and any(seg["match"] and "电梯" in seg["text"] for seg in hits[0]["text"] + hits[0]["requirements"])


def test_sparql_clients_read_the_same_answers(live, store):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore
    from SPARQLWrapper import JSON, SPARQLWrapper

    query = ("PREFIX dg: <https://w3id.org/dutygraph/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
             "SELECT ?name (COUNT(?t) AS ?n) WHERE { ?t dg:lead ?d . ?d skos:prefLabel ?name } GROUP BY ?name ORDER BY ?name")
    direct = [(s["name"].value, int(s["n"].value)) for s in store.query(query, use_default_graph_as_union=True)]
    wrapper = SPARQLWrapper(f"{live}/sparql")
    wrapper.setQuery(query)
    wrapper.setReturnFormat(JSON)
    via_wrapper = [(b["name"]["value"], int(b["n"]["value"])) for b in wrapper.query().convert()["results"]["bindings"]]
    via_rdflib = [(str(r[0]), int(r[1])) for r in SPARQLStore(f"{live}/sparql").query(query)]
    assert direct == via_wrapper == via_rdflib and len(direct) > 50


def test_no_stack_trace_in_errors(http):
    body = http.post("/sparql", content="SELECT * WHERE { ?s ?p", headers={"Content-Type": "application/sparql-query"}).text
    assert "Traceback" not in body and "File \"" not in body


# ------------------------------------------------------------------ pages in headless Chromium

PAGES = {
    "home": "/",
    "task": "/tasks/" + quote(ns.task_iri(CD, "task", 29), safe=""),
    "department": "/departments/" + quote("https://w3id.org/dutygraph/org/chengdu/emergency", safe=""),
    "facility": "/facility-types/" + quote("https://w3id.org/dutygraph/facility/school", safe=""),
    "regulations": "/regulations",
    "question-orphans": "/questions/orphans",
    "question-duplicates": "/questions/duplicates",
    "question-shared-facilities": "/questions/shared-facilities?plan=all",
    "search": "/search?q=" + quote("燃气管道"),
    "sparql-editor": "/sparql-editor",
    "docs": "/docs",
}


@pytest.fixture(scope="module")
def chrome():
    from browser import Browser

    browser = Browser()
    yield browser
    browser.close()


@pytest.mark.browser
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_renders_without_errors_or_outside_requests(chrome, live, name):
    page = chrome.new_page()
    try:
        page.goto(live + PAGES[name])
        page.wait_for("document.readyState === 'complete' && document.body && document.body.innerText.length > 20")
        page.pump(0.5 if name != "docs" else 2.0)
        page.screenshot(ARTIFACTS / f"page-{name}.png")
        assert page.errors == []
        outside = [u for u in page.requests if not u.startswith((live, "data:", "about:", "blob:"))]
        assert outside == []
        if name == "docs":
            assert page.wait_for("document.querySelectorAll('.opblock').length", 20) > 10
    finally:
        page.ws.close()


@pytest.mark.browser
def test_sparql_editor_runs_an_example(chrome, live):
    page = chrome.new_page()
    try:
        page.goto(live + "/sparql-editor")
        page.wait_for("typeof window.dutygraphRun === 'function'")
        page.evaluate("(() => { const s = document.getElementById('examples'); "
                      "s.value = [...s.options].find(o => o.textContent === 'stats').value; "
                      "s.dispatchEvent(new Event('change')); return true; })()")
        page.evaluate("document.getElementById('run').click(), true")
        rows = page.wait_for("document.body.dataset.rows", 20)
        assert int(rows) == 4
        page.screenshot(ARTIFACTS / "page-sparql-editor-result.png")
        assert page.errors == []
    finally:
        page.ws.close()
