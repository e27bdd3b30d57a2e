"""The analysis reports as JSON (`dutygraph report …`, `/api/…`), each read from the store by a .rq query."""
from __future__ import annotations

from collections.abc import Callable
from itertools import combinations
from typing import Any

import pyoxigraph as ox

from . import namespaces as ns
from .dismissals import dismissed_by_key, finding_key
from .queries import select, select_in
from .sharing import by_function
from .vocabulary import vocabulary

REPORTS = ("shared-facilities", "orphans", "duplicates", "dependencies", "alignments", "centrality")


SHARED_BY = ("department", "function")
CENTRALITY_SCOPES = ("plan", "function")


def shared_facilities(store: ox.Store, facility: str | None = None, department: str | None = None,
                      min_departments: int = 2, plan: str | None = None, by: str = "department",
                      min_governments: int = 1) -> list[dict[str, Any]]:
    """Per facility type: the departments, duties, co-responsible pairs (named on one duty) and parallel
    pairs (in one plan, on different duties). `department` may be an IRI or a name; the listing keeps types
    shared by at least min_departments. `plan` (a plan id) reads one plan's graph and the ontology graph
    only: who shares a type within one allocation, at the cost of that plan rather than of the store.
    `by="function"` compares governments instead (graph/sharing.by_function): which functions carry the type
    in which governments, keeping types named in at least min_governments (min_departments is not used)."""
    if by not in SHARED_BY:
        raise ValueError(f"unknown by {by!r}; known: {', '.join(SHARED_BY)}")
    graphs = [ns.plan_graph(plan), ns.ONTOLOGY_GRAPH] if plan is not None else None
    rows = select_in(store, "shared_facilities", graphs, facility=ox.NamedNode(facility) if facility else None)
    if by == "function":
        return _shared_by_function(store, rows, graphs, department, min_governments)
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


def _shared_by_function(store: ox.Store, rows: list[dict[str, Any]], graphs: list[str] | None,
                        department: str | None, min_governments: int) -> list[dict[str, Any]]:
    functions: dict[str, list[str]] = {}
    for row in select_in(store, "department_functions", graphs):
        functions.setdefault(row["dept"], []).append(row["function"])
    governments = {ns.plan_id_of(r["plan"]): r["jurisdiction"] for r in select_in(store, "analysis_governments", graphs)}
    government = {r["task"]: governments.get(plan) or plan or "" for r in rows for plan in [ns.plan_of_task(r["task"])]}
    found = by_function(rows, {d: tuple(sorted(f)) for d, f in functions.items()}, government)
    if department:
        found = [f for f in found if any(department in (g["departments"] + g["department_ids"])
                                         for c in f["functions"] for g in c["governments"])]
    return [f for f in found if len(f["governments"]) >= min_governments]


def centrality(store: ox.Store, scope: str = "plan", jurisdiction: str | None = None) -> list[dict[str, Any]]:
    """Departments ranked within their own government (`jurisdiction`, `rank`), governments one after
    another, never one ranking over two governments; or, with scope="function", one item per function
    comparing the governments where it is found (its mean centrality over them, and each government's)."""
    if scope not in CENTRALITY_SCOPES:
        raise ValueError(f"unknown scope {scope!r}; known: {', '.join(CENTRALITY_SCOPES)}")
    if scope == "function":
        return _function_centrality(store, jurisdiction)
    per: dict[str, list[dict[str, Any]]] = {}
    for r in select(store, "centrality"):
        if jurisdiction is None or r["jurisdiction"] == jurisdiction:
            per.setdefault(r["jurisdiction"] or "", []).append(
                {"department": r["name"], "iri": r["dept"], "jurisdiction": r["jurisdiction"], "scope": "plan",
                 "centrality": r["centrality"], "betweenness": r["betweenness"]})
    out = []
    for government in sorted(per):
        ranked = sorted(per[government], key=lambda d: (-d["centrality"], -d["betweenness"], d["department"], d["iri"]))
        out += [{**d, "rank": rank} for rank, d in enumerate(ranked, start=1)]
    return out


def _function_centrality(store: ox.Store, jurisdiction: str | None) -> list[dict[str, Any]]:
    vocab = vocabulary()
    per: dict[str, dict[str, dict[str, Any]]] = {}
    for r in select(store, "centrality_functions"):
        if jurisdiction is not None and r["jurisdiction"] != jurisdiction:
            continue
        entry = per.setdefault(r["function"], {}).setdefault(r["jurisdiction"], {
            "jurisdiction": r["jurisdiction"], "centrality": r["centrality"], "betweenness": r["betweenness"],
            "names": {}})
        name = r["deptName"] or r["dept"]
        entry["names"][r["dept"]] = min(name, entry["names"].get(r["dept"], name))
    out = []
    for function, governments in per.items():
        family = vocab.family_of(function)
        each = [{"jurisdiction": g["jurisdiction"], "centrality": g["centrality"], "betweenness": g["betweenness"],
                 "departments": [g["names"][d] for d in sorted(g["names"])], "department_ids": sorted(g["names"])}
                for g in (governments[j] for j in sorted(governments))]
        out.append({"function": function, "label": vocab.functions[function].label if function in vocab.functions else None,
                    "family": family, "family_label": vocab.families.get(family or ""), "scope": "function",
                    "n_governments": len(each),
                    "centrality": round(sum(g["centrality"] for g in each) / len(each), 4),
                    "betweenness": round(sum(g["betweenness"] for g in each) / len(each), 4),
                    "governments": each})
    return sorted(out, key=lambda f: (-f["n_governments"], -f["centrality"], f["label"] or "", f["function"]))


BY_NAME: dict[str, Callable[..., list[dict[str, Any]]]] = {"shared-facilities": shared_facilities, "orphans": orphans, "duplicates": duplicates,
           "dependencies": dependencies, "alignments": alignments, "centrality": centrality}


def report(store: ox.Store, name: str, **filters: Any) -> list[dict[str, Any]]:
    if name not in BY_NAME:
        raise ValueError(f"unknown report {name!r}; known: {', '.join(REPORTS)}")
    return BY_NAME[name](store, **{k: v for k, v in filters.items() if v is not None})
