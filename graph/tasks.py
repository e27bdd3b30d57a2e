"""The task JSON contract (`dutygraph tasks --format json`, `/api/tasks`), assembled from two queries."""
from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyoxigraph as ox

from . import namespaces as ns
from .backend import capabilities
from .queries import select_in


def list_tasks(store: ox.Store, plan: str | None = None, kind: str | None = None) -> list[dict[str, Any]]:
    """Every duty as a contract object, in document order; `plan` and `kind` narrow the list. One plan's
    duties are read from its own graph and the ontology graph (where they and their units' and facility
    types' labels live), which keeps the cost that of the plan, not of the store."""
    graphs = [ns.plan_graph(plan), ns.ONTOLOGY_GRAPH] if plan is not None and capabilities(store).scoped_queries else None
    return _tasks(store, graphs, planId=plan, kind=kind)


def one_task(store: ox.Store, task_id: str) -> dict[str, Any] | None:
    """One duty by IRI: the same three queries with ?task bound, so the cost does not grow with the store."""
    try:
        node = ox.NamedNode(task_id)
    except ValueError:          # not an IRI: no duty has it as id
        return None
    found = _tasks(store, None, task=node)
    return found[0] if found else None


def _tasks(store: ox.Store, graphs: list[str] | None, **bindings: Any) -> list[dict[str, Any]]:
    narrow = {k: v for k, v in bindings.items() if k != "kind"}
    rows = select_in(store, "tasks", graphs, **bindings)
    units: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in select_in(store, "task_units", graphs, **narrow):
        units[row["task"]].append(row)
    entities: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in select_in(store, "task_entities", graphs, **narrow):
        entities[row["task"]].append(row)
    return [_with_entities(_task_object(row, units.get(row["task"], [])), entities.get(row["task"], []))
            for row in rows]


def _with_entities(task: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    task["facility_types"] = [r["label"] for r in rows if r["what"] == "facility"]
    task["regulations"] = [r["label"] for r in rows if r["what"] == "regulation"]
    task["indicators"] = [
        {"metric": r["label"], "op": r["op"], "value": r["value"], "unit": r["unit"], "text": r["phrase"],
         "year": int(str(r["year"])[:4]) if r["year"] else None}
        for r in rows if r["what"] == "indicator"
    ]
    return task


def _task_object(row: dict[str, Any], units: list[dict[str, Any]]) -> dict[str, Any]:
    concrete = [u for u in units if u["role"] in ("lead", "co-responsible")]
    deadline = None
    if row["deadlineRaw"] is not None:
        deadline = {
            "raw": row["deadlineRaw"],
            "start": row["deadlineStart"],
            "end": row["deadlineEnd"],
            "ongoing": bool(row["ongoing"]),
        }
    return {
        "id": row["task"],
        "plan": {"id": row["planId"], "title": row["planTitle"]},
        "kind": row["kind"],
        "number": row["number"],
        "section": row["section"],
        "text": row["text"] or "",
        "requirements": row["requirements"] or "",
        "departments": [u["name"] for u in concrete],
        "department_ids": [u["unit"] for u in concrete],
        "lead_department": next((u["name"] for u in concrete if u["role"] == "lead"), None),
        "collective_units": [u["name"] for u in units if u["role"] == "collective"],
        "open_ended": bool(row["openEnded"]),
        "deadline": deadline,
        "source": {"file": row["file"], "lines": [row["firstLine"], row["lastLine"]]},
    }
