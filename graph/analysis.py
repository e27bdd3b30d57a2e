"""Run every analysis over the whole store and write the results back as RDF, into one named graph
(…/graph/analysis) replaced in one transaction — so SPARQL, the API and the visualisation all see them.
Runs after every load; `dutygraph analyse` runs it again."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from . import namespaces as ns
from .alignment import align
from .dependencies import find_dependencies
from .duplicates import find_in_plan
from .orphans import orphans
from .sharing import department_centrality
from .store import GraphPayload, replace_graphs
from .tasks import list_tasks

ANALYSIS_GRAPH = ns.GRAPH + "analysis"


@dataclass
class AnalysisResult:
    orphans: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    dependencies: list[dict[str, Any]] = field(default_factory=list)
    alignments: list[dict[str, Any]] = field(default_factory=list)
    sharing: dict[str, Any] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    triples: int = 0


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _dg(local: str) -> ox.NamedNode:
    return ox.NamedNode(ns.DG + local)


def _lit(value: Any) -> ox.Literal:
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=_n(ns.XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=_n(ns.XSD + "integer"))
    if isinstance(value, float):
        return ox.Literal(f"{value:.4f}", datatype=_n(ns.XSD + "decimal"))
    return ox.Literal(str(value))


RDF_TYPE = _n(ns.RDF + "type")


def run_analysis(store: ox.Store) -> AnalysisResult:
    """Analyse the store and replace its analysis graph (one transaction)."""
    result, payload = compute_analysis(store)
    result.triples = replace_graphs(store, [payload])
    return result


def compute_analysis(store: ox.Store) -> tuple[AnalysisResult, GraphPayload]:
    """Every analysis over the store's plans; the analysis graph's triples are returned, not written."""
    result = AnalysisResult()
    clock = time.perf_counter()
    tasks = _all_tasks(store)
    result.seconds["read"] = time.perf_counter() - clock

    def timed(name, fn):
        start = time.perf_counter()
        value = fn()
        result.seconds[name] = round(time.perf_counter() - start, 3)
        return value

    by_plan: dict[str, list[dict[str, Any]]] = {}
    for task in tasks:
        by_plan.setdefault(task["plan"]["id"], []).append(task)
    result.orphans = timed("orphans", lambda: orphans(store, tasks))
    result.duplicates = timed("duplicates", lambda: [f.as_json() for items in by_plan.values() for f in find_in_plan(items)])
    result.dependencies = timed("dependencies", lambda: find_dependencies(tasks))
    result.alignments = timed("alignments", lambda: align(tasks))
    result.sharing = timed("sharing", lambda: {"centrality": department_centrality(tasks)})
    triples = _triples(result)
    result.triples = len(triples)
    return result, GraphPayload(ANALYSIS_GRAPH, triples)


def _all_tasks(store: ox.Store) -> list[dict[str, Any]]:
    """list_tasks(store), read plan by plan (each from its own graph): the single query over the union runs
    out of memory at 150,000 duties, one plan at a time costs that plan. Same order (plan id first)."""
    if not isinstance(store, ox.Store):
        return list_tasks(store)
    from .queries import select

    plans = sorted({row["planId"] for row in select(store, "stats")})
    return [task for plan in plans for task in list_tasks(store, plan=plan)]


def _finding(key: str) -> ox.NamedNode:
    return _n(f"{ns.ID}finding/{ns.slug(key)}")


def _triples(result: AnalysisResult) -> list[tuple]:
    out: list[tuple] = []
    for entry in result.orphans:
        if entry["task"]:
            for reason in entry["reasons"]:
                out.append((_n(entry["task"]), _dg("orphanReason"), _lit(reason)))
        else:
            about = entry.get("facility_type") or entry.get("unit") or ""
            f = _finding(f"gap/{entry['plan']}/{entry['reasons'][0]}/{about}")
            out += [(f, RDF_TYPE, _dg("Finding")), (f, _dg("findingKind"), _lit("gap")),
                    (f, _dg("reason"), _lit(entry["reasons"][0])), (f, _dg("aboutLabel"), ox.Literal(about, language="zh")),
                    (f, _dg("partOf"), _n(ns.plan_iri(entry["plan"])))]
            out += [(f, _dg("member"), _n(t)) for t in entry["evidence"]]
    for entry in result.duplicates:
        f = _finding(f"{entry['kind']}/" + "|".join(entry["tasks"]))
        out += [(f, RDF_TYPE, _dg("Finding")), (f, _dg("findingKind"), _lit(entry["kind"])),
                (f, _dg("score"), _lit(float(entry["score"]))), (f, _dg("evidence"), ox.Literal(entry["evidence"], language="zh"))]
        out += [(f, _dg("member"), _n(t)) for t in entry["tasks"]]
        edge = _dg("duplicateOf" if entry["kind"] == "duplicate" else "parallelWith")
        for a, b in zip(entry["tasks"], entry["tasks"][1:]):
            out += [(_n(a), edge, _n(b)), (_n(b), edge, _n(a))]
    for dep in result.dependencies:
        f = _finding(f"dependency/{dep['from']}|{dep['to']}")
        out += [(_n(dep["from"]), _dg("dependsOn"), _n(dep["to"])), (f, RDF_TYPE, _dg("Finding")),
                (f, _dg("findingKind"), _lit("dependency")), (f, _dg("dependencyKind"), _lit(dep["kind"])),
                (f, _dg("dependent"), _n(dep["from"])), (f, _dg("prerequisite"), _n(dep["to"])),
                (f, _dg("evidence"), ox.Literal(dep["evidence"], language="zh"))]
        if "score" in dep:
            out.append((f, _dg("score"), _lit(float(dep["score"]))))
    for entry in result.alignments:
        for rank, cand in enumerate(entry["candidates"], start=1):
            f = _finding(f"correspondence/{entry['task']}|{cand['task']}")
            out += [(f, RDF_TYPE, _dg("Finding")), (f, _dg("findingKind"), _lit("correspondence")),
                    (f, _dg("dependent"), _n(entry["task"])), (f, _dg("prerequisite"), _n(cand["task"])),
                    (f, _dg("score"), _lit(float(cand["score"]))), (f, _dg("rank"), _lit(rank))]
            if rank == 1:
                out.append((_n(entry["task"]), _dg("correspondsTo"), _n(cand["task"])))
    for dept in result.sharing.get("centrality", []):
        out += [(_n(dept["iri"]), _dg("centrality"), _lit(float(dept["eigenvector"]))),
                (_n(dept["iri"]), _dg("betweenness"), _lit(float(dept["betweenness"])))]
    return out
