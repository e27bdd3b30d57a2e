"""Bound question queries with and without the VALUES block graph/queries.py adds for pyoxigraph's planner
(`_hinted`), on a kept benchmark store; prints a Markdown table (rows must agree both ways):
    .venv/bin/python benchmarks/bench_bound.py .bench/store/L"""
from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox

from dutygraph.graph import listings, queries, reports, tasks
from dutygraph.graph.vocabulary import vocabulary

DG = "PREFIX dg: <https://w3id.org/dutygraph/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "


def _first(store: ox.Store, query: str) -> str:
    return next(iter(store.query(DG + query, use_default_graph_as_union=True)))[0].value


def calls(store: ox.Store) -> dict[str, Callable[[], Any]]:
    plan = "lintong_plan"
    school = vocabulary().facility_labels["学校"]
    unit = _first(store, 'SELECT ?u WHERE { ?u skos:prefLabel "市应急局"@zh } LIMIT 1')
    busiest = _first(store, "SELECT ?u (COUNT(*) AS ?n) WHERE { ?a dg:unit ?u } GROUP BY ?u ORDER BY DESC(?n) ?u LIMIT 1")
    regulation = _first(store, "SELECT ?r WHERE { ?t dg:citesRegulation ?r } ORDER BY ?r LIMIT 1")
    task = _first(store, 'SELECT ?t WHERE { ?t dg:number 24 ; dg:kind "task" ; dg:partOf ?p . '
                         '?p <http://purl.org/dc/terms/identifier> "lintong_plan" }')
    zh = {"language": "zh"}
    return {
        "departments/{市应急局}": lambda: listings.departments(store, unit),
        "departments/{the unit on most duties}": lambda: listings.departments(store, busiest),
        "facility-types/{学校}": lambda: listings.facility_types(store, school),
        "regulations/{one}": lambda: listings.regulations(store, regulation),
        "indicators?plan": lambda: listings.indicators(store, plan),
        "shared-facilities?facility=学校": lambda: reports.shared_facilities(store, school),
        "alignments?task": lambda: reports.alignments(store, task=task),
        "tasks?plan": lambda: tasks.list_tasks(store, plan),
        "tasks/{iri}": lambda: tasks.one_task(store, task),
        "tasks_by_department name=市应急局": lambda: queries.select(store, "tasks_by_department",
                                                                  name=ox.Literal("市应急局", **zh)),
        "tasks_by_facility label=学校": lambda: queries.select(store, "tasks_by_facility", label=ox.Literal("学校", **zh)),
    }


def _timed(fn: Callable[[], Any]) -> tuple[float, str]:
    began = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - began
    rows = value if isinstance(value, list) else [value]
    return seconds, json.dumps(sorted(json.dumps(r, sort_keys=True, ensure_ascii=False, default=str) for r in rows))


def main(store_path: str) -> None:
    store = ox.Store(store_path)
    hinted = queries._hinted
    print("| call | with VALUES s | substitutions only s | same answer |\n|---|---|---|---|")
    for name, fn in calls(store).items():
        queries._hinted = hinted
        fn()                                                   # first run warms RocksDB's block cache
        fast, answer = _timed(fn)
        queries._hinted = lambda store, text, substitutions: text
        slow, other = _timed(fn)
        print(f"| `{name}` | {fast:.3f} | {slow:.3f} | {'yes' if answer == other else '**no**'} |", flush=True)
    queries._hinted = hinted


if __name__ == "__main__":
    main(sys.argv[1])
