"""Every bound query gives the same rows with and without the VALUES block dutygraph adds for the engine's
planner (graph/queries.py: _hinted), on both samples, and the hint really is in the text the engine runs."""
from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from conftest import CD, LT, t

from dutygraph.graph import namespaces as ns
from dutygraph.graph.queries import _hinted, rq_text, select_text

ZH = {"language": "zh"}


def _first(store: ox.Store, query: str) -> ox.NamedNode:
    return next(iter(store.query(query, use_default_graph_as_union=True)))[0]


@pytest.fixture(scope="module")
def values(loaded_store):
    dg = "PREFIX dg: <https://w3id.org/dutygraph/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    return {
        "unit": _first(loaded_store, dg + 'SELECT ?u WHERE { ?u skos:prefLabel "市应急局"@zh }'),
        "school": _first(loaded_store, dg + 'SELECT ?f WHERE { ?f skos:prefLabel "学校"@zh }'),
        "regulation": _first(loaded_store, dg + "SELECT ?r WHERE { ?t dg:citesRegulation ?r } ORDER BY ?r LIMIT 1"),
    }


CASES = [
    ("graph", "departments", {"unit": "unit"}),
    ("graph", "department_duties", {"unit": "unit"}),
    ("graph", "tasks_by_department", {"unit": "unit"}),
    ("graph", "tasks_by_department", {"name": ox.Literal("市应急局", **ZH)}),
    ("graph", "tasks_by_department", {"name": ox.Literal("市公安局交管局", **ZH)}),
    ("graph", "tasks_by_facility", {"facility": "school"}),
    ("graph", "tasks_by_facility", {"label": ox.Literal("人员密集场所", **ZH)}),
    ("graph", "facility_types", {"facility": "school"}),
    ("graph", "shared_facilities", {"facility": "school"}),
    ("graph", "regulations", {"regulation": "regulation"}),
    ("graph", "indicators", {"planId": ox.Literal(LT)}),
    ("graph", "alignments", {"task": ox.NamedNode(t(LT, 24))}),
    ("graph", "tasks", {"planId": ox.Literal(CD), "kind": ox.Literal("task")}),
    ("graph", "tasks", {"task": ox.NamedNode(t(CD, 29))}),
    ("graph", "task_units", {"task": ox.NamedNode(t(CD, 158))}),
    ("graph", "task_entities", {"task": ox.NamedNode(t(CD, 141))}),
    ("viz", "neighbours", {"node": "unit"}),
    ("viz", "node_type", {"node": "school"}),
    ("viz", "resolve", {"name": ox.Literal("市应急局")}),
    ("viz", "search", {"q": ox.Literal("燃气")}),
    ("viz", "sharing", {"planId": ox.Literal(CD)}),
]


def _rows(solutions) -> list[str]:
    names = [v.value for v in solutions.variables]
    return sorted(json.dumps([str(row[n]) if row[n] is not None else None for n in names], ensure_ascii=False)
                  for row in solutions)


@pytest.mark.parametrize("package, name, bound", CASES, ids=[f"{c[1]}-{'-'.join(c[2])}" for c in CASES])
def test_hinted_query_gives_the_same_rows(loaded_store, values, package, name, bound):
    text = rq_text(f"dutygraph.{package}", name)
    subs = {ox.Variable(k): values[v] if isinstance(v, str) else v for k, v in bound.items()}
    hinted = _hinted(loaded_store, text, subs)
    assert hinted.count("VALUES") > text.count("VALUES")
    plain = _rows(loaded_store.query(text, use_default_graph_as_union=True, substitutions=subs))
    assert plain, f"{name} finds something for {bound} in the samples"
    assert _rows(loaded_store.query(hinted, use_default_graph_as_union=True, substitutions=subs)) == plain


def test_a_quote_in_a_bound_value_stays_a_value(loaded_store):
    """The hint is written by pyoxigraph's serializer: a value that looks like SPARQL is only ever a literal."""
    evil = ox.Literal('市应急局" } ; DROP ALL ; SELECT * { "', language="zh")
    assert select_text(loaded_store, rq_text("dutygraph.graph", "tasks_by_department"), name=evil) == []
    assert len(loaded_store) > 0


def test_no_hint_without_bindings_or_for_a_remote_store(loaded_store):
    text = rq_text("dutygraph.graph", "departments")
    assert _hinted(loaded_store, text, {}) == text
    assert _hinted(object(), text, {ox.Variable("unit"): ox.NamedNode(ns.ONTOLOGY_GRAPH)}) == text


def test_a_blank_node_stays_a_substitution(loaded_store):
    node = ox.BlankNode()
    text = rq_text("dutygraph.graph", "departments")
    assert _hinted(loaded_store, text, {ox.Variable("unit"): node}) == text
    assert select_text(loaded_store, text, unit=node) == []
