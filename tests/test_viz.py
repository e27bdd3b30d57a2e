"""The network views (issue #6): the JSON every view returns, the routes, the escaping, and the pages
drawn by headless Chromium against a real uvicorn server (marked browser)."""
from __future__ import annotations

import json
import re
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from conftest import ARTIFACTS, CHENGDU, LINTONG, serving
from fastapi import FastAPI
from fastapi.testclient import TestClient

from dutygraph.graph.load import load_files
from dutygraph.viz import Filters, build_viz_router, graph_data, render_view
from dutygraph.viz.model import Edge, Graph, Node
from dutygraph.viz.network import network_json
from dutygraph.viz.queries import query_names, query_text
from dutygraph.viz.render import script_json

DG = "https://w3id.org/dutygraph/ontology#"
FAC = "https://w3id.org/dutygraph/facility/"
INJECTED = "<img src=x onerror=alert(1)></script><script>window.pwned=1</script>"
XSS_TASK = "https://w3id.org/dutygraph/id/task/chengdu_task_table/task/9999"
ANALYSIS = "https://w3id.org/dutygraph/graph/viz-test"


def _one(store: ox.Store, query: str) -> str:
    rows = list(store.query("PREFIX dg: <%s> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> %s" % (DG, query),
                            use_default_graph_as_union=True))
    return rows[0][0].value


@pytest.fixture(scope="session")
def store() -> ox.Store:
    """Both samples, plus what other stages will write (a facility link, a duplicate pair, a dependency,
    orphans) and a duty whose statement is hostile markup."""
    db = ox.Store()
    load_files(db, [CHENGDU, LINTONG])
    emergency = _one(db, 'SELECT ?d WHERE { ?d skos:prefLabel "市应急局"@zh ; a dg:Department . ?t dg:lead ?d } LIMIT 1')
    plan = _one(db, 'SELECT ?p WHERE { ?p a dg:Plan ; <http://purl.org/dc/terms/identifier> "chengdu_task_table" }')
    first, second, third = (f"https://w3id.org/dutygraph/id/task/chengdu_task_table/task/{n}" for n in (1, 2, 3))
    g = ox.NamedNode(ANALYSIS)
    n, lit = ox.NamedNode, ox.Literal
    xsd_int = n("http://www.w3.org/2001/XMLSchema#integer")
    quads = [
        (n(XSS_TASK), n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), n(DG + "Task")),
        (n(XSS_TASK), n(DG + "kind"), lit("task")),
        (n(XSS_TASK), n(DG + "number"), lit("9999", datatype=xsd_int)),
        (n(XSS_TASK), n(DG + "partOf"), n(plan)),
        (n(XSS_TASK), n(DG + "statement"), lit(INJECTED, language="zh")),
        (n(XSS_TASK), n(DG + "lead"), n(emergency)),
        (n(XSS_TASK), n(DG + "assignedTo"), n(emergency)),
        (n(XSS_TASK), n(DG + "responsible"), n(emergency)),
        (n(XSS_TASK), n(DG + "concernsFacility"), n(FAC + "gas-pipeline")),
        (n(first), n(DG + "duplicateOf"), n(second)),
        (n(second), n(DG + "duplicateOf"), n(first)),
        (n(third), n(DG + "dependsOn"), n(first)),
        (n(first), n(DG + "dependsOn"), n(second)),
        (n(third), n(DG + "orphanReason"), lit("collective_only")),
        (n(XSS_TASK), n(DG + "orphanReason"), lit("no_deadline")),
    ]
    db.extend([ox.Quad(s, p, o, g) for s, p, o in quads])
    return db


@pytest.fixture(scope="session")
def app(store: ox.Store) -> FastAPI:
    application = FastAPI()
    application.include_router(build_viz_router(lambda: store))
    return application


@pytest.fixture(scope="session")
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


def ids(data: dict) -> set[str]:
    return {n["id"] for n in data["nodes"]}


def represented(data: dict) -> dict[str, dict]:
    """Every node the view stands for: those drawn, and the members of the clusters it unfolds in place."""
    nodes = {n["id"]: n for n in data["nodes"]}
    for cluster in data["clusters"].values():
        nodes.update({n["id"]: n for n in cluster["nodes"]})
    return nodes


# ------------------------------------------------------------------ data (no browser)

@pytest.mark.parametrize("view", ["start", "all", "sharing", "quality", "dependencies"])
def test_every_view_is_a_consistent_graph(store, view):
    data = graph_data(store, view)
    nodes = ids(data)
    assert len(nodes) == len(data["nodes"]) == data["counts"]["nodes"]
    assert all(e["from"] in nodes and e["to"] in nodes for e in data["edges"])
    assert all(n["kind"] and "title" not in n for n in data["nodes"])    # tooltips are built in the page


def test_focus_on_a_department_shows_its_duties_and_their_facility_types(store):
    from dutygraph.graph.tasks import list_tasks

    data = graph_data(store, focus="市应急局", depth=2)
    led = {t["id"] for t in list_tasks(store, plan="chengdu_task_table") if "市应急局" in t["departments"]}
    assert led and led <= set(represented(data))
    assert FAC + "gas-pipeline" in represented(data)
    root = data["roots"][0]
    assert next(n for n in data["nodes"] if n["id"] == root)["label"] == "市应急局"
    assert graph_data(store, focus=root, depth=1)["roots"] == [root]          # the IRI works too


def test_quality_view_rings_orphans_and_links_duplicates(store):
    data = graph_data(store, "quality")
    rings = {n["id"] for n in represented(data).values() if n["borderWidth"] == 4}
    assert XSS_TASK in rings
    first, second = (f"https://w3id.org/dutygraph/id/task/chengdu_task_table/task/{n}" for n in (1, 2))
    pair = [e for e in data["edges"] if e["kind"] == "duplicate-of" and {e["from"], e["to"]} == {first, second}]
    assert len(pair) == 1                                                     # symmetric pair drawn once
    assert data["legend"]["orphan"]


@pytest.mark.parametrize("plan", [None, "chengdu_task_table", "lintong_plan"])
def test_quality_view_draws_overlap_and_restates_findings(store, plan):
    """graph/duplicates.py's overlap (dg:overlapsWith, both ways) and restates (dg:restates, measure → duty)
    findings are drawn as their own edges, with a Chinese legend entry only for the kinds on screen."""
    data = graph_data(store, "quality", filters=Filters(plan=plan))
    drawn = {e["kind"] for e in data["edges"]}
    assert drawn & {"overlaps-with", "restates"}
    assert {e["kind"] for e in data["legend"]["edges"]} == drawn
    names = {e["kind"]: e["label"] for e in data["legend"]["edges"]}
    assert all(re.fullmatch(r"[\u4e00-\u9fff（）→]+", names[k]) for k in drawn & {"overlaps-with", "restates"})
    restating = [e for e in data["edges"] if e["kind"] == "restates"]
    assert all(e["arrows"] == "to" for e in restating)                      # from the measure to the duty
    if plan != "chengdu_task_table":                                          # Chengdu has no narrative measures
        assert restating
    members = represented(data)
    overlaps = {frozenset((e["from"], e["to"])) for e in data["edges"] if e["kind"] == "overlaps-with"}
    assert all(len(pair) == 2 for pair in overlaps)                            # a symmetric pair is drawn once
    assert len(overlaps) == len([e for e in data["edges"] if e["kind"] == "overlaps-with"])
    assert data["counts"]["nodes"] <= 70 and members


def test_dependency_view_flows_left_to_right(store):
    data = graph_data(store, "dependencies")
    assert {e["kind"] for e in data["edges"]} == {"depends-on"} and len(data["edges"]) >= 2
    x = {n["id"]: n["x"] for n in data["nodes"]}
    assert all(x[e["to"]] < x[e["from"]] for e in data["edges"])       # what a duty waits for is on its left
    assert all(e["arrows"] == "from" for e in data["edges"])              # arrow head on the later duty


def test_sharing_edges_weigh_the_shared_duties(store):
    data = graph_data(store, "sharing", filters=Filters(facility="燃气管网"))
    assert {n["kind"] for n in data["nodes"]} <= {"department", "facility", "cluster"}
    gas = [e for e in data["edges"] if e["to"] == FAC + "gas-pipeline"]
    assert gas and all(e["weight"] >= 1 for e in gas)
    assert max(e["weight"] for e in gas) > 1 and max(e["width"] for e in gas) > min(e["width"] for e in gas)


def test_filters_narrow_the_whole_graph(store):
    whole = graph_data(store, "all")
    lintong = graph_data(store, "all", filters=Filters(plan="lintong_plan"))
    assert all(n["info"].get("plan") in (None, "lintong_plan") for n in represented(lintong).values())
    assert 0 < lintong["counts"]["represented"] < whole["counts"]["represented"]
    leads = graph_data(store, "all", filters=Filters(edge_kinds=frozenset({"lead"})))
    assert {e["kind"] for e in leads["edges"]} == {"lead"}
    gas = graph_data(store, "all", filters=Filters(facility="燃气管网"))
    assert XSS_TASK in represented(gas) and FAC + "gas-pipeline" in represented(gas)
    from dutygraph.viz.views import _facility_set

    gas_types = _facility_set(store, "燃气管网")
    concerning = {r[0].value for r in store.query(f"SELECT ?t ?f WHERE {{ ?t <{DG}concernsFacility> ?f }}",
                                                  use_default_graph_as_union=True) if r[1].value in gas_types}
    assert all(n["kind"] != "task" or n["id"] in concerning for n in represented(gas).values())


def test_every_view_has_fixed_positions_and_no_physics():
    graph = Graph()
    size = 500
    for i in range(size):
        graph.add_node(Node(id=f"urn:t{i}", kind="task", label=str(i)))
    for i in range(1, size):
        graph.add_edge(Edge(f"urn:t{i}", f"urn:t{i // 7}", "depends-on"))
    data = network_json(graph)
    assert data["fixed_layout"] and data["options"]["physics"]["enabled"] is False
    assert all(n["fixed"] and n["physics"] is False and isinstance(n["x"], float) for n in data["nodes"])
    assert len({(n["x"], n["y"]) for n in data["nodes"]}) == size


def test_script_json_cannot_end_its_script_element():
    text = str(script_json({"s": INJECTED + "\u2028\u2029&"}))
    assert not set(text) & set("<>&\u2028\u2029")
    assert "://" not in str(script_json({"id": "https://w3id.org/dutygraph/"}))
    assert json.loads(text)["s"] == INJECTED + "\u2028\u2029&"


def test_pages_load_nothing_from_outside_and_pyvis_writes_no_files(store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    served = render_view(store, focus=XSS_TASK)
    standalone = render_view(store, "all", standalone=True)
    assert list(tmp_path.iterdir()) == []                                   # no lib/ folder, no html file
    for page in (served, standalone):
        assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
        assert "<script>window.pwned" not in page and "<img src=x" not in page
    focus_field = re.compile(r'<input type="hidden" name="focus" value="[^"]*"')   # the IRI asked for, not shown
    assert not re.search(r"https?://", focus_field.sub("", served))
    assert "/viz/static/vis-network.min.js" in served and "/viz/static/" not in standalone


def test_every_query_file_says_what_it_answers():
    for name in query_names():
        assert query_text(name).startswith("# "), name


# ------------------------------------------------------------------ routes (TestClient)

def test_search_route_binds_the_text_and_finds_gas(client):
    found = client.get("/viz/search", params={"q": "燃气"}).json()["results"]
    assert any(r["id"] == FAC + "gas-pipeline" and r["kind"] == "facility" for r in found)
    hostile = client.get("/viz/search", params={"q": '") } DROP ALL #'})
    assert hostile.status_code == 200 and hostile.json()["results"] == []


def test_expand_route_caps_the_neighbours(client, store):
    emergency = graph_data(store, focus="市应急局")["roots"][0]
    small = client.get("/viz/expand", params={"node": emergency, "limit": 5}).json()
    assert len(small["nodes"]) == 6 and small["truncated"] is True
    assert client.get("/viz/expand", params={"node": "not an iri"}).status_code == 400


@pytest.mark.parametrize("params, status", [
    ({"view": "nonsense"}, 400), ({"focus": "没有这个部门"}, 404), ({"edges": "lead,bogus"}, 400),
    ({"depth": 9}, 422), ({"view": "focus"}, 400),
])
def test_bad_view_requests_are_4xx(client, params, status):
    assert client.get("/viz/data", params=params).status_code == status
    assert client.get("/viz", params=params).status_code == status


def test_static_serves_only_the_vendored_files(client):
    js = client.get("/viz/static/vis-network.min.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert client.get("/viz/static/..%2Frender.py").status_code == 404
    assert client.get("/viz/static/README.md").status_code == 404


# ------------------------------------------------------------------ pages in headless Chromium

@pytest.fixture(scope="session")
def server(app: FastAPI):
    with serving(app) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from browser import Browser

    b = Browser()
    yield b
    b.close()


@pytest.fixture
def page(browser):
    p = browser.new_page()
    yield p
    p.ws.close()


def open_view(page, url: str) -> dict:
    page.goto(url)
    page.wait_for("document.getElementById('viz-state') && document.getElementById('viz-state').dataset.ready === '1'", 45)
    page.pump(0.2)
    return page.evaluate("({nodes: window.vizNetwork.body.nodeIndices.length, errors: window.__vizErrors})")


VIEWS = {
    "start": "view=start",
    "all": "view=all",
    "focus-emergency": "focus=" + quote("市应急局") + "&depth=2",
    "sharing": "view=sharing",
    "quality": "view=quality",
    "dependencies": "view=dependencies",
    "filtered": "view=all&plan=lintong_plan&edges=lead&edges=concerns",
}


@pytest.mark.browser
@pytest.mark.server
@pytest.mark.parametrize("name", list(VIEWS))
def test_view_draws_what_the_api_says(server, page, client, name):
    query = VIEWS[name]
    state = open_view(page, f"{server}/viz?{query}")
    expected = client.get(f"/viz/data?{query}").json()["counts"]["nodes"]
    page.screenshot(ARTIFACTS / f"viz-{name}.png")
    assert page.errors == [] and state["errors"] == []
    assert state["nodes"] == expected
    outside = [u for u in page.requests if not u.startswith(server) and not u.startswith("data:")]
    assert outside == []


@pytest.mark.browser
@pytest.mark.server
def test_search_box_finds_gas_and_double_click_grows_the_graph(server, page):
    open_view(page, f"{server}/viz?view=start")
    page.evaluate("window.vizSearch('燃气')")
    hits = page.wait_for("Array.from(document.querySelectorAll('#search-results li')).map(li => li.textContent)"
                         ".filter(t => t.includes('燃气管网')).length", 10)
    assert hits >= 1
    before = page.evaluate("window.vizNetwork.body.nodeIndices.length")
    gas = FAC + "gas-pipeline"
    page.evaluate(f"window.vizNodes.add({{id: {json.dumps(gas)}, label: '燃气管网'}}); window.vizExpand({json.dumps(gas)})")
    page.wait_for(f"window.vizNetwork.body.nodeIndices.length > {before + 1}", 10)
    page.screenshot(ARTIFACTS / "viz-search-expand.png")
    assert page.errors == []


@pytest.mark.browser
@pytest.mark.server
def test_injected_markup_is_shown_as_text_and_never_runs(server, page):
    state = open_view(page, f"{server}/viz?focus={quote(XSS_TASK, safe='')}&depth=1")
    assert state["errors"] == [] and page.errors == []
    x, y = page.evaluate(f"""(() => {{ const p = window.vizNetwork.getPositions([{json.dumps(XSS_TASK)}])[{json.dumps(XSS_TASK)}];
        const d = window.vizNetwork.canvasToDOM(p); const r = document.getElementById('network').getBoundingClientRect();
        return [d.x + r.left, d.y + r.top]; }})()""")
    page.mouse("mouseMoved", x - 3, y - 3)
    page.mouse("mouseMoved", x, y)
    tip = page.wait_for("(() => { const t = document.querySelector('div.vis-tooltip');"
                        " return t && t.style.visibility !== 'hidden' && t.textContent; })()", 10)
    page.screenshot(ARTIFACTS / "viz-injected-tooltip.png")
    assert INJECTED in tip
    assert page.evaluate("document.querySelectorAll('img, div.vis-tooltip script').length") == 0
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.dialogs == [] and page.errors == []


@pytest.mark.browser
def test_standalone_file_opens_from_disk(store, page, tmp_path):
    target = tmp_path / "graph.html"
    target.write_text(render_view(store, "all", standalone=True, filters=Filters(plan="lintong_plan")), encoding="utf-8")
    state = open_view(page, target.as_uri())
    page.screenshot(ARTIFACTS / "viz-standalone.png")
    assert state["errors"] == [] and page.errors == []
    assert state["nodes"] == graph_data(store, "all", filters=Filters(plan="lintong_plan"))["counts"]["nodes"]
    assert [u for u in page.requests if not u.startswith(("file:", "data:"))] == []
