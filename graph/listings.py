"""The entity listings (`dutygraph departments|facilities|regulations|indicators`, /api/…): each item
with the duties that point to it, all from the store."""
from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from .contract import StatsRow
from .queries import select


def _group(rows: list[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row[key], []).append(row)
    return grouped


def _unique(values) -> list:
    """The distinct non-empty values, sorted: the queries return rows unordered (see their headers)."""
    return sorted({v for v in values if v is not None})


def departments(store: ox.Store, unit: str | None = None) -> list[dict[str, Any]]:
    """Units with their facts (departments.rq, one fact per row) and the duties naming them
    (department_duties.rq), folded and joined here: as one query with a column per fact pyoxigraph
    evaluated the joins as nested loops (minutes at 150,000 duties)."""
    bound = ox.NamedNode(unit) if unit else None
    duties = _group(select(store, "department_duties", unit=bound), "unit")
    facts: dict[str, dict[str, list[str]]] = {}
    for row in select(store, "departments", unit=bound):
        facts.setdefault(row["unit"], {}).setdefault(row["fact"].rsplit("#", 1)[-1], []).append(row["value"])
    items = []
    for iri, fact in facts.items():
        links = duties.get(iri)
        if not links or not fact.get("prefLabel"):
            continue
        kinds = _unique(fact.get("type", []))
        items.append({
            "id": iri,
            "name": min(fact["prefLabel"]),
            "kind": "collective" if any(k.endswith("CollectiveUnit") for k in kinds) else "department",
            "jurisdiction": next(iter(_unique(fact.get("jurisdiction", []))), None),
            "level": next(iter(_unique(fact.get("level", []))), None),
            "functions": _unique(fact.get("function", [])),
            "tasks": _unique(r["task"] for r in links),
            "lead_tasks": _unique(r["task"] for r in links if r["role"] == "lead"),
        })
    return sorted(items, key=lambda d: (-len(d["tasks"]), d["name"], d["id"]))


def facility_types(store: ox.Store, facility: str | None = None) -> list[dict[str, Any]]:
    rows = select(store, "facility_types", facility=ox.NamedNode(facility) if facility else None)
    items = []
    for iri, group in _group(rows, "facility").items():
        items.append({
            "id": iri, "label": group[0]["label"],
            "broader": _unique(r["broaderLabel"] for r in group),
            "tasks": _unique(r["task"] for r in group),
        })
    return sorted(items, key=lambda d: (-len(d["tasks"]), d["label"], d["id"]))


def regulations(store: ox.Store, regulation: str | None = None) -> list[dict[str, Any]]:
    """Every cited document: the duties citing it, and the plans resting on it (`plans`: those whose preamble or
    narrative cites it, role "implements", or that order it written, role "drafts"). Its duties and its title and
    number come one per row (regulations.rq) and are folded here: every citing plan repeats the title and number,
    and a row per combination took over 14 GiB at 500 plans. A document with several titles (or numbers) shows
    the first the store returns, as when they came as columns."""
    node = ox.NamedNode(regulation) if regulation else None
    tasks: dict[str, set[str]] = {}
    facts: dict[str, dict[str, str]] = {}
    for row in select(store, "regulations", regulation=node):
        if row["task"] is not None:
            tasks.setdefault(row["regulation"], set()).add(row["task"])
        elif row["fact"] is not None:
            facts.setdefault(row["regulation"], {}).setdefault(row["fact"], row["value"])
    by_plan = _group(select(store, "plan_citations", regulation=node), "regulation")
    items = []
    for iri in sorted(set(tasks) | set(by_plan)):
        fact = facts.get(iri, {})
        plans = {(r["planId"], r["planTitle"] or r["planId"], r["role"]) for r in by_plan.get(iri, [])}
        items.append({
            "id": iri, "title": fact.get("title"), "number": fact.get("number"),
            "tasks": sorted(tasks.get(iri, ())),
            "plans": [{"id": p, "title": title, "role": role} for p, title, role in sorted(plans)],
        })
    return sorted(items, key=lambda d: (-len(d["tasks"]) - len(d["plans"]), d["title"] or d["number"] or "", d["id"]))


def indicators(store: ox.Store, plan: str | None = None) -> list[dict[str, Any]]:
    return [
        {"id": r["indicator"], "task": r["task"], "plan": r["planId"], "metric": r["metric"], "op": r["op"],
         "value": r["value"], "unit": r["unit"], "year": int(str(r["year"])[:4]) if r["year"] else None,
         "text": r["phrase"]}
        for r in select(store, "indicators", planId=plan)
    ]


def stats(store: ox.Store) -> list[StatsRow]:
    """Duties per plan and kind (`dutygraph stats`): the stats.rq rows as they are, typed here so that answer has
    a contract like the listings'."""
    return [{"planId": r["planId"], "title": r["title"], "kind": r["kind"], "tasks": r["tasks"]}
            for r in select(store, "stats")]
