"""The question API's library side: filtered task lists and single items, each backed by .rq queries
with bound values. The HTTP routes and the CLI are shells over these functions."""
from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from . import listings
from .backend import capabilities
from .namespaces import plan_of_task
from .queries import select
from .tasks import list_tasks, one_task


def _zh(value: str) -> ox.Literal:
    return ox.Literal(value, language="zh")


def _task_set(rows: list[dict[str, Any]]) -> set[str]:
    return {r["task"] for r in rows}


def tasks_for_department(store: ox.Store, department: str) -> set[str]:
    """`department` is an IRI or any spelling of the name (市应急局, 应急局 …)."""
    if department.startswith(("http://", "https://")):
        return _task_set(select(store, "tasks_by_department", unit=ox.NamedNode(department)))
    return _task_set(select(store, "tasks_by_department", name=_zh(department)))


def tasks_for_facility(store: ox.Store, facility: str) -> set[str]:
    if facility.startswith(("http://", "https://")):
        return _task_set(select(store, "tasks_by_facility", facility=ox.NamedNode(facility)))
    return _task_set(select(store, "tasks_by_facility", label=_zh(facility)))


def find_tasks(store: ox.Store, plan: str | None = None, kind: str | None = None, department: str | None = None,
               facility: str | None = None, deadline_from: str | None = None, deadline_to: str | None = None,
               q: str | None = None, limit: int | None = None, index: Any = None) -> list[dict[str, Any]]:
    """Duties matching every given filter. Deadlines compare on the ISO end (YYYY, YYYY-MM, YYYY-MM-DD
    prefixes compare as strings); a text query ranks by relevance and adds highlight segments (over `index`,
    graph.search.build_index, when the caller keeps one)."""
    tasks = list_tasks(store, plan=plan, kind=kind)
    if department:
        keep = tasks_for_department(store, department)
        tasks = [t for t in tasks if t["id"] in keep]
    if facility:
        keep = tasks_for_facility(store, facility)
        tasks = [t for t in tasks if t["id"] in keep]
    if deadline_from or deadline_to:
        def in_range(t: dict[str, Any]) -> bool:
            end = (t.get("deadline") or {}).get("end")
            if not end:
                return False
            return (not deadline_from or end[: len(deadline_from)] >= deadline_from) and \
                   (not deadline_to or end[: len(deadline_to)] <= deadline_to)
        tasks = [t for t in tasks if in_range(t)]
    if q:
        from .search import search

        hits = {h["task"]: h for h in search(store, q, limit=10_000, plan=plan, index=index)}
        tasks = [dict(t, score=hits[t["id"]]["score"], highlight={"text": hits[t["id"]]["text"],
                 "requirements": hits[t["id"]]["requirements"]}) for t in tasks if t["id"] in hits]
        tasks.sort(key=lambda t: -t["score"])
    return tasks[:limit] if limit else tasks


def get_task(store: ox.Store, task_id: str) -> dict[str, Any] | None:
    if capabilities(store).scoped_queries:
        return one_task(store, task_id) if task_id.startswith(("http://", "https://")) else None
    plan = plan_of_task(task_id)
    for task in list_tasks(store, plan=plan):
        if task["id"] == task_id:
            return task
    return None


def get_item(items: list[dict[str, Any]], iri: str) -> dict[str, Any] | None:
    return next((i for i in items if i["id"] == iri), None)


def department(store: ox.Store, iri: str) -> dict[str, Any] | None:
    return get_item(listings.departments(store, unit=iri), iri)


def facility_type(store: ox.Store, iri: str) -> dict[str, Any] | None:
    return get_item(listings.facility_types(store, facility=iri), iri)


def regulation(store: ox.Store, iri: str) -> dict[str, Any] | None:
    return get_item(listings.regulations(store, regulation=iri), iri)
