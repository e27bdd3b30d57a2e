"""The analysis reports as JSON (`dutygraph report …`, `/api/…`), each read from the store by a .rq query."""
from __future__ import annotations

from itertools import combinations
from typing import Any

import pyoxigraph as ox

from . import namespaces as ns
from .dismissals import dismissed_by_key, finding_key
from .queries import select, select_in

REPORTS = ("shared-facilities", "orphans", "duplicates", "dependencies", "alignments", "centrality")


def shared_facilities(store: ox.Store, facility: str | None = None, department: str | None = None,
                      min_departments: int = 2, plan: str | None = None) -> list[dict[str, Any]]:
    """Per facility type: the departments, duties, co-responsible pairs (named on one duty) and parallel
    pairs (in one plan, on different duties). `department` may be an IRI or a name; the listing keeps types
    shared by at least min_departments. `plan` (a plan id) reads one plan's graph and the ontology graph
    only: who shares a type within one allocation, at the cost of that plan rather than of the store."""
    graphs = [ns.plan_graph(plan), ns.ONTOLOGY_GRAPH] if plan is not None else None
    rows = select_in(store, "shared_facilities", graphs, facility=ox.NamedNode(facility) if facility else None)
    per: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = per.setdefault(row["facility"], {"label": row["label"], "tasks": {}, "direct": set()})
        entry["tasks"].setdefault(row["task"], {})[row["dept"]] = row["deptName"]
        if row["direct"]:
            entry["direct"].add(row["task"])
    out = []
    for iri, entry in per.items():
        names: dict[str, str] = {}
        counts: dict[str, int] = {}
        co: set[tuple[str, str]] = set()
        in_plan: dict[str | None, set[str]] = {}
        for task, depts in entry["tasks"].items():
            names.update(depts)
            in_plan.setdefault(ns.plan_of_task(task), set()).update(depts.values())
            for d in depts:
                counts[d] = counts.get(d, 0) + 1
            co.update(combinations(sorted(depts.values()), 2))
        if department and department not in names and department not in names.values():
            continue
        if len(names) < min_departments:
            continue
        ordered = sorted(names, key=lambda d: (-counts[d], names[d], d))
        # parallel: two departments of one plan on this type, never on the same duty of it; departments of
        # different plans are different governments, not parallel (and all pairs of 500 plans' departments
        # were tens of megabytes per type)
        same_plan = {pair for members in in_plan.values() for pair in combinations(sorted(members), 2)}
        out.append({
            "facility_type": entry["label"], "iri": iri,
            "departments": [names[d] for d in ordered], "department_ids": ordered,
            "tasks": sorted(entry["tasks"]), "direct_tasks": sorted(entry["direct"]),
            "co_responsible": [list(p) for p in sorted(co)],
            "parallel": [list(p) for p in sorted(same_plan - co)],
        })
    return sorted(out, key=lambda f: (-len(f["departments"]), f["facility_type"], f["iri"]))


def orphans(store: ox.Store, reason: str | None = None) -> list[dict[str, Any]]:
    tasks: dict[str, dict[str, Any]] = {}
    gaps: dict[str, dict[str, Any]] = {}
    for row in select(store, "orphans"):
        if row["gap"]:
            gap = gaps.setdefault(row["gap"], {"task": None, "plan": row["planId"], "reasons": [row["reason"]],
                                               "about": row["about"], "evidence": []})
            if row["evidence"] and row["evidence"] not in gap["evidence"]:
                gap["evidence"].append(row["evidence"])
        else:
            entry = tasks.setdefault(row["task"], {"task": row["task"], "plan": row["planId"], "kind": row["kind"],
                                                   "number": row["number"], "reasons": []})
            entry["reasons"].append(row["reason"])
    items = list(tasks.values()) + list(gaps.values())
    return [i for i in items if reason is None or reason in i["reasons"]]


def duplicates(store: ox.Store, kind: str | None = None, min_score: float = 0.0) -> list[dict[str, Any]]:
    """Duplicate and parallel findings, most confident first within a kind; `dismissed` is {reason, by, at, via}
    when someone dismissed the finding (graph/dismissals.py), else None."""
    found: dict[str, dict[str, Any]] = {}
    for row in select(store, "duplicates"):
        entry = found.setdefault(row["finding"], {"tasks": [], "kind": row["kind"], "score": row["score"],
                                                  "evidence": row["evidence"], "finding": row["finding"]})
        entry["tasks"].append(row["task"])
    dismissed = dismissed_by_key(store)
    for entry in found.values():
        record = dismissed.get(finding_key(entry["kind"], entry["tasks"]))
        entry["dismissed"] = record.brief() if record else None
    items = [e for e in found.values() if (kind is None or e["kind"] == kind) and e["score"] >= min_score]
    return sorted(items, key=lambda e: (e["kind"], -e["score"], e["tasks"]))


def dependencies(store: ox.Store, kind: str | None = None) -> list[dict[str, Any]]:
    return [{"from": r["from"], "to": r["to"], "kind": r["kind"], "evidence": r["evidence"],
             **({"score": r["score"]} if r["score"] is not None else {})}
            for r in select(store, "dependencies", kind=kind)]


def alignments(store: ox.Store, task: str | None = None) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    rows = select(store, "alignments", task=ox.NamedNode(task) if task else None)
    for row in sorted(rows, key=lambda r: (r["task"], r["rank"])):
        out.setdefault(row["task"], {"task": row["task"], "candidates": []})["candidates"].append(
            {"task": row["candidate"], "score": row["score"]})
    return list(out.values())


def centrality(store: ox.Store) -> list[dict[str, Any]]:
    return [{"department": r["name"], "iri": r["dept"], "centrality": r["centrality"], "betweenness": r["betweenness"]}
            for r in select(store, "centrality")]


BY_NAME = {"shared-facilities": shared_facilities, "orphans": orphans, "duplicates": duplicates,
           "dependencies": dependencies, "alignments": alignments, "centrality": centrality}


def report(store: ox.Store, name: str, **filters: Any) -> list[dict[str, Any]]:
    if name not in BY_NAME:
        raise ValueError(f"unknown report {name!r}; known: {', '.join(REPORTS)}")
    return BY_NAME[name](store, **{k: v for k, v in filters.items() if v is not None})
