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
    root = collect.resolve(store, name)
    near_tasks, near_edges = collect.tasks_near(store, root), collect.edges_near(store, root)
    near_units = collect.units_near(store, root)
    nodes, _, _ = collect.neighbourhood(store, root, 10_000)
    duties = [node.id for node in nodes if node.kind == "task"]
    assert duties and set(duties) == set(near_tasks)
    for duty in duties:
        assert near_tasks[duty] == collect.fetch_node(store, duty)
        their_nodes, their_edges, _ = collect.neighbourhood(store, duty, 10_000)
        assert near_edges[duty] == their_edges
        responsible = {e.target for e in their_edges if e.kind in views.RESPONSIBILITY}
        for unit in their_nodes:
            if unit.id in responsible:
                assert near_units[unit.id] == unit


@pytest.mark.parametrize("view, kinds", [("quality", {"duplicate-of", "parallel-with", "orphan"}),
                                         ("dependencies", {"depends-on"})])
@pytest.mark.parametrize("plan", [None, "chengdu_task_table", "lintong_plan"])
def test_the_analysis_views_read_only_their_duties_and_draw_the_same(store, view, kinds, plan):
    families = function_families(store)
    shape = views.quality_view if view == "quality" else views.dependency_view
    whole = views.apply_filters(store, shape(views._with_families(collect.whole_graph(store), families)),
                                Filters(plan=plan), families)
    narrow = shape(collect.analysis_graph(store, frozenset(kinds), plan))
    assert narrow.nodes == whole.nodes and narrow.edges.keys() == whole.edges.keys()


@pytest.mark.parametrize("query, predicates", [("dependency_tasks", ("dependsOn",)),
                                               ("quality_tasks", ("duplicateOf", "parallelWith", "orphanReason"))])
def test_the_narrow_task_queries_give_the_rows_of_tasks_rq(store, query, predicates):
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
