"""The same store gives the same network every time: two stores loaded with the same documents in different
file orders give identical nodes, edges (and their order), legends and standalone files; and no view depends
on the order in which the engine returns the rows of a query without ORDER BY."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from conftest import CHENGDU, LINTONG

from dutygraph.graph.load import load_files
from dutygraph.viz import collect, queries, render, views
from dutygraph.viz.model import Filters
from dutygraph.viz.render import expand, graph_data, render_view

CASES = [
    ("start", None, 1, Filters()),
    ("all", None, 1, Filters()),
    ("quality", None, 1, Filters()),
    ("dependencies", None, 1, Filters()),
    ("sharing", None, 1, Filters()),
    ("focus", "市应急局", 2, Filters()),
    ("all", None, 1, Filters(plan="lintong_plan")),
]
IDS = [f"{view}-{focus or ''}-{filters.plan or ''}" for view, focus, _, filters in CASES]


@pytest.fixture(scope="module")
def stores() -> tuple[ox.Store, ox.Store]:
    one, other = ox.Store(), ox.Store()
    load_files(one, [CHENGDU, LINTONG])
    load_files(other, [LINTONG, CHENGDU])
    return one, other


@pytest.mark.parametrize("view,focus,depth,filters", CASES, ids=IDS)
def test_file_order_does_not_change_the_network(stores, view, focus, depth, filters):
    one, other = (graph_data(s, view, focus, depth, filters) for s in stores)
    assert one["counts"]["nodes"] > 0
    assert [n["id"] for n in one["nodes"]] == [n["id"] for n in other["nodes"]]
    assert [(e["from"], e["to"], e["kind"]) for e in one["edges"]] == [(e["from"], e["to"], e["kind"]) for e in other["edges"]]
    assert one == other


def test_expansion_and_standalone_file_are_identical(stores):
    hub = collect.resolve(stores[0], "市应急局")
    assert expand(stores[0], hub) == expand(stores[1], hub)
    assert render_view(stores[0], "all", standalone=True) == render_view(stores[1], "all", standalone=True)


@pytest.mark.parametrize("view,focus,depth,filters", CASES, ids=IDS)
def test_engine_row_order_does_not_matter(stores, monkeypatch, view, focus, depth, filters):
    """Rows of every query without ORDER BY come back reversed: the views must draw the same thing."""
    store = stores[0]
    expected = graph_data(store, view, focus, depth, filters)
    original = queries.select

    def reversed_rows(db, query, **bindings):
        rows = original(db, query, **bindings)
        return rows if "ORDER BY" in queries.query_text(query) else rows[::-1]

    for module in (queries, collect, views, render):
        monkeypatch.setattr(module, "select", reversed_rows)
    assert graph_data(store, view, focus, depth, filters) == expected
