"""Issue 19, the time to a first picture: views kept per store generation in the app's AnswerCache, and the
narrow queries (a focus's duties and units in one query each, the analysis views reading only the duties
they draw, counts in SPARQL for a store of many plans) giving the same graph as the per-node queries."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from conftest import CHENGDU, LINTONG
from fastapi import FastAPI
from fastapi.testclient import TestClient

from dutygraph.graph.load import load_files
from dutygraph.service.answer_cache import AnswerCache
from dutygraph.viz import Filters, build_viz_router, collect, graph_data, views
from dutygraph.viz.families import function_families
from dutygraph.viz.queries import select_sorted

DG = "https://w3id.org/dutygraph/ontology#"
TASK = "https://w3id.org/dutygraph/id/task/chengdu_task_table/task/{}"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    """Both samples, with a duplicate pair, two dependencies and an orphan reason (as the analysis writes)."""
    db = ox.Store()
    load_files(db, [CHENGDU, LINTONG])
    n, g = ox.NamedNode, ox.NamedNode("https://w3id.org/dutygraph/graph/viz-speed-test")
    first, second, third = (n(TASK.format(i)) for i in (1, 2, 3))
    db.extend([ox.Quad(s, n(DG + p), o, g) for s, p, o in [
        (first, "duplicateOf", second), (second, "duplicateOf", first), (third, "dependsOn", first),
        (first, "dependsOn", second), (third, "orphanReason", ox.Literal("collective_only"))]])
    return db


def _client(store: ox.Store, cache: AnswerCache) -> TestClient:
    app = FastAPI()
    app.include_router(build_viz_router(lambda: store, cache))
    return TestClient(app)


def test_a_repeat_view_comes_from_the_cache_until_the_store_changes(store):
    cache = AnswerCache()
    client = _client(store, cache)
    first = client.get("/viz/data", params={"view": "sharing"})
    misses = cache.misses
    again = client.get("/viz/data", params={"view": "sharing"})
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert cache.misses == misses and cache.hits >= 1
    assert client.get("/viz", params={"view": "sharing"}).status_code == 200     # the page reuses the data
    assert cache.misses == misses + 1                                            # only the form's choices
    client.get("/viz/data", params={"view": "sharing", "plan": "lintong_plan"})
    assert cache.misses == misses + 2                                            # filters are part of the key
    cache.invalidate()
    client.get("/viz/data", params={"view": "sharing"})
    assert cache.misses == misses + 3


def test_a_bad_request_is_not_kept(store):
    cache = AnswerCache()
    client = _client(store, cache)
    assert client.get("/viz/data", params={"focus": "没有这个部门"}).status_code == 404
    assert client.get("/viz/data", params={"focus": "没有这个部门"}).status_code == 404
    assert cache.stats()["entries"] == 0


@pytest.mark.parametrize("name", ["学校", "市应急局", "燃气管网"])
def test_the_batched_focus_queries_give_what_one_query_per_duty_gave(store, name):
    """tasks_near.rq (a node's duties), duty_edges.rq and duty_units.rq (the duties' edges and units, their
    IRIs written into VALUES) give what neighbourhood() and fetch_node() give one duty at a time."""
    root = collect.resolve(store, name)
    nodes, _, _ = collect.neighbourhood(store, root, 10_000)
    duties = [node.id for node in nodes if node.kind == "task"]
    near_tasks, near_edges = collect.tasks_near(store, root), collect.duty_edges(store, duties)
    near_units = collect.duty_units(store, duties)
    assert duties and set(duties) == set(near_tasks) == set(near_edges)
    for duty in duties:
        assert near_tasks[duty] == collect.fetch_node(store, duty)
        their_nodes, their_edges, _ = collect.neighbourhood(store, duty, 10_000)
        assert near_edges[duty] == their_edges
        responsible = {e.target for e in their_edges if e.kind in views.RESPONSIBILITY}
        for unit in their_nodes:
            if unit.id in responsible:
                assert near_units[unit.id] == unit


@pytest.mark.parametrize("view, kinds", [("quality", views.QUALITY_KINDS), ("dependencies", {"depends-on"})])
@pytest.mark.parametrize("plan", [None, "chengdu_task_table", "lintong_plan"])
def test_the_analysis_views_read_only_their_duties_and_draw_the_same(store, view, kinds, plan):
    families = function_families(store)
    shape = views.quality_view if view == "quality" else views.dependency_view
    whole = views.apply_filters(store, shape(views._with_families(collect.whole_graph(store), families)),
                                Filters(plan=plan), families)
    narrow = shape(collect.analysis_graph(store, frozenset(kinds), plan))
    assert narrow.nodes == whole.nodes and narrow.edges.keys() == whole.edges.keys()


@pytest.mark.parametrize("query", ["dependency_tasks", "quality_tasks"])
def test_the_narrow_task_queries_give_the_rows_of_tasks_rq(store, query):
    rows = select_sorted(store, query)
    assert rows
    wanted = {r["task"] for r in rows}
    # as nodes: GROUP_CONCAT lists names in whatever order the plan gives, and the nodes sort them
    assert [collect._task(r) for r in select_sorted(store, "tasks") if r["task"] in wanted] == \
        [collect._task(r) for r in rows]


def test_many_plans_start_from_counts_and_the_first_plan(store, monkeypatch):
    monkeypatch.setattr(views, "OVERVIEW_PLANS", 1)
    quality = graph_data(store, "quality")
    assert quality["nodes"] and all(n["kind"] == "cluster" for n in quality["nodes"])
    assert any("view=quality" in (n.get("expandUrl") or str(n)) and "plan=chengdu_task_table" in str(n)
               for n in quality["nodes"])
    sharing = graph_data(store, "sharing")
    assert sharing["plan"] == "chengdu_task_table"
    assert graph_data(store, "sharing", filters=Filters(plan="lintong_plan"))["plan"] == "lintong_plan"


def test_a_regulation_is_labelled_by_title_else_number_else_citation():
    """regulations.rq reads each kind of name as its own UNION row (not three OPTIONALs multiplied across
    every citing plan's graph): the label is still the lowest title, else number, else citation, else IRI."""
    reg = "https://w3id.org/dutygraph/id/regulation/{}"
    n, lit = ox.NamedNode, ox.Literal
    names = {"a": [("title", "乙法"), ("title", "甲法"), ("docNumber", "1号"), ("citedAs", "《甲法》")],
             "b": [("docNumber", "安委〔2019〕5号"), ("citedAs", "《评价办法》")],
             "c": [("citedAs", "丙规定"), ("citedAs", "乙规定")], "d": []}
    db = ox.Store()
    for plan in ("one", "two"):                           # every citing plan repeats the names in its graph
        g = n(f"https://w3id.org/dutygraph/graph/plan/{plan}")
        for key, pairs in names.items():
            db.add(ox.Quad(n(reg.format(key)), n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                           n(DG + "Regulation"), g))
            for prop, value in pairs:
                ns = "http://purl.org/dc/terms/" if prop == "title" else DG
                db.add(ox.Quad(n(reg.format(key)), n(ns + prop), lit(value, language="zh"), g))
    rows = select_sorted(db, "regulations")
    assert [(r["regulation"], r["label"]) for r in rows] == [
        (reg.format("a"), "乙法"), (reg.format("b"), "安委〔2019〕5号"), (reg.format("c"), "丙规定"),
        (reg.format("d"), reg.format("d"))]
    for row in rows:
        assert select_sorted(db, "regulations", regulation=n(row["regulation"])) == [row]


def test_select_values_writes_only_iris_into_the_values_block():
    from dutygraph.viz.queries import select_values

    db = ox.Store()
    assert select_values(db, "duty_edges", "task", []) == []
    with pytest.raises(ValueError):                       # not an IRI: refused before any query text is built
        select_values(db, "duty_edges", "task", ["x> } } DROP ALL #"])
    with pytest.raises(ValueError):
        select_values(db, "tasks", "task", [TASK.format(1)])     # a query without the empty VALUES block
