"""The analysis answers as rows a reader can work with: every duty by its text, plan title, lead and deadline
instead of its IRI (an auditor once clicked 81 times to read the orphan table). Pure functions over the
reports (graph/reports.py) and the plans' task lists, which the service keeps between requests; the ids stay
in the rows (`*_id` keys) for links only."""
from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from .namespaces import plan_of_task

Tasks = Mapping[str, Mapping[str, Any]]


def brief(task: Mapping[str, Any] | None, task_id: str | None = None, prefix: str = "") -> dict[str, Any]:
    """A duty's readable fields under `prefix` (from_text, to_lead …); an unknown id keeps only its plan."""
    if task is None:
        return {f"{prefix}id": task_id, f"{prefix}plan": plan_of_task(task_id or ""), f"{prefix}plan_title": None,
                f"{prefix}kind": None, f"{prefix}number": None, f"{prefix}text": "", f"{prefix}lead": None,
                f"{prefix}departments": [], f"{prefix}deadline": None}
    return {f"{prefix}id": task["id"], f"{prefix}plan": task["plan"]["id"], f"{prefix}plan_title": task["plan"]["title"],
            f"{prefix}kind": task["kind"], f"{prefix}number": task["number"], f"{prefix}text": task.get("text") or "",
            f"{prefix}lead": task.get("lead_department"), f"{prefix}departments": list(task.get("departments") or []),
            f"{prefix}deadline": (task.get("deadline") or {}).get("raw")}


def in_plans(task_id: str | None, plans: AbstractSet[str] | None) -> bool:
    return plans is None or plan_of_task(task_id or "") in plans


def orphan_rows(items: Iterable[Mapping[str, Any]], tasks: Tasks, plans: AbstractSet[str] | None,
                titles: Mapping[str, str]) -> list[dict[str, Any]]:
    """One row per orphaned duty (its text, lead, deadline, collective units, reason codes), then one per
    plan-level gap (what is missing, and the duties that show it)."""
    rows = []
    for item in items:
        if item.get("task"):
            if not in_plans(item["task"], plans):
                continue
            task = tasks.get(item["task"])
            row = brief(task, item["task"])
            row.update(collective=list((task or {}).get("collective_units") or []), reasons=list(item["reasons"]),
                       about=None, evidence=[])
        else:
            if plans is not None and item.get("plan") not in plans:
                continue
            row = brief(None, None)
            row.update(plan=item.get("plan"), plan_title=titles.get(item.get("plan") or ""), kind="gap",
                       text=item.get("about") or "", collective=[], reasons=list(item["reasons"]),
                       about=item.get("about"),
                       evidence=[brief(tasks.get(e), e) for e in item.get("evidence") or [] if e in tasks])
        rows.append(row)
    return rows


def duplicate_rows(items: Iterable[Mapping[str, Any]], tasks: Tasks, plans: AbstractSet[str] | None) -> list[dict[str, Any]]:
    """One row per pair, both texts; `confidence` read from the finding's confidence or score (either field,
    whichever the duplicates report gives). A family of more than two duties keeps the rest in `others`."""
    rows = []
    for item in items:
        members = list(item.get("tasks") or [])
        if len(members) < 2 or not in_plans(members[0], plans):
            continue
        confidence = item.get("confidence", item.get("score"))
        rows.append({**brief(tasks.get(members[0]), members[0], "a_"), **brief(tasks.get(members[1]), members[1], "b_"),
                     "plan": plan_of_task(members[0]), "plan_title": (tasks.get(members[0]) or {}).get("plan", {}).get("title"),
                     "kind": item.get("kind"), "confidence": confidence, "evidence": quoted(item.get("evidence") or ""),
                     "others": [brief(tasks.get(m), m) for m in members[2:]]})
    return rows


def quoted(evidence: str) -> str:
    """The 「…」 quotation of a finding's evidence without its English lead-in (the kind says that)."""
    start = evidence.find("「")
    return evidence[start:] if start >= 0 else evidence


def dependency_rows(items: Iterable[Mapping[str, Any]], tasks: Tasks, plans: AbstractSet[str] | None) -> list[dict[str, Any]]:
    return [{**brief(tasks.get(d["from"]), d["from"], "from_"), **brief(tasks.get(d["to"]), d["to"], "to_"),
             "plan": plan_of_task(d["from"]), "plan_title": (tasks.get(d["from"]) or {}).get("plan", {}).get("title"),
             "kind": d.get("kind"), "evidence": d.get("evidence") or "", "score": d.get("score")}
            for d in items if in_plans(d["from"], plans)]


def alignment_rows(items: Iterable[Mapping[str, Any]], tasks: Tasks, plans: AbstractSet[str] | None) -> list[dict[str, Any]]:
    """One row per (duty, corresponding duty of another plan), with the rank of the correspondence."""
    rows = []
    for item in items:
        if not in_plans(item["task"], plans):
            continue
        own = brief(tasks.get(item["task"]), item["task"])
        for rank, c in enumerate(item.get("candidates") or [], start=1):
            rows.append({**own, **brief(tasks.get(c["task"]), c["task"], "c_"), "score": c.get("score"), "rank": rank})
    return rows


def centrality_rows(items: Iterable[Mapping[str, Any]], departments: Mapping[str, Mapping[str, Any]],
                    plans: AbstractSet[str] | None) -> list[dict[str, Any]]:
    """Departments with duties in the chosen plans; centrality is measured in each department's own
    government's network (`jurisdiction`, `rank` within it)."""
    rows = []
    for item in items:
        dept = departments.get(item["iri"]) or {}
        duties = [t for t in dept.get("tasks") or [] if in_plans(t, plans)]
        if plans is not None and not duties:
            continue
        rows.append({"department": item["department"], "department_id": item["iri"],
                     "jurisdiction": item.get("jurisdiction") or dept.get("jurisdiction"), "rank": item.get("rank"),
                     "centrality": item.get("centrality"), "betweenness": item.get("betweenness"),
                     "n_tasks": len(duties)})
    return rows


def function_centrality_rows(items: Iterable[Mapping[str, Any]],
                             departments: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per function across governments (never one department ranking over them): its mean
    centrality, the governments it is found in, and each government's value and departments for the detail."""
    rows = []
    for item in items:
        detail = [{"jurisdiction": g["jurisdiction"], "centrality": g["centrality"], "betweenness": g["betweenness"],
                   "departments": [{"name": n, "id": i} for n, i in zip(g["departments"], g["department_ids"])]}
                  for g in item["governments"]]
        duties = {t for g in item["governments"] for d in g["department_ids"] for t in (departments.get(d) or {}).get("tasks") or []}
        rows.append({"function": item.get("label") or item["function"], "function_id": item["function"],
                     "family": item.get("family_label"), "n_governments": item["n_governments"],
                     "governments": [g["jurisdiction"] for g in item["governments"]],
                     "dept_list": [d["name"] for g in detail for d in g["departments"]], "n_tasks": len(duties),
                     "centrality": item["centrality"], "betweenness": item["betweenness"], "detail": detail})
    return rows


def shared_function_rows(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per facility type and function across governments (shared_facilities by="function"): the
    governments whose bodies of that function carry the type, and each government's departments."""
    rows = []
    for item in items:
        for carrier in item["functions"]:
            detail = [{"jurisdiction": g["jurisdiction"], "n_tasks": len(g["tasks"]),
                       "departments": [{"name": n, "id": i} for n, i in zip(g["departments"], g["department_ids"])]}
                      for g in carrier["governments"]]
            rows.append({"facility_type": item["facility_type"], "facility_id": item["iri"],
                         "function": carrier["label"], "function_id": carrier["function"],
                         "family": carrier["family_label"], "n_governments": len(detail),
                         "governments": [g["jurisdiction"] for g in detail],
                         "n_tasks": sum(g["n_tasks"] for g in detail),
                         "dept_list": [d["name"] for g in detail for d in g["departments"]], "detail": detail})
    return rows


def shared_rows(items: Iterable[Mapping[str, Any]], tasks: Tasks, plan: str, title: str) -> list[dict[str, Any]]:
    """One row per facility type of one plan: its departments with their lead and co-responsible duties
    (for the expandable detail), and the counts a table sorts by: departments that lead at least one of its
    duties (`n_lead`) and those that only support (`n_co`)."""
    rows = []
    for item in items:
        per: dict[str, dict[str, Any]] = {}
        for task_id in item["tasks"]:
            task = tasks.get(task_id)
            if task is None:
                continue
            for i, (name, dept_id) in enumerate(zip(task["departments"], task["department_ids"])):
                role = "lead" if i == 0 and task.get("lead_department") == name else "co"
                entry = per.setdefault(dept_id, {"name": name, "id": dept_id, "lead": [], "co": []})
                entry[role].append(brief(task))
        departments = sorted(per.values(), key=lambda d: (-len(d["lead"]) - len(d["co"]), d["name"]))
        rows.append({"facility_type": item["facility_type"], "facility_id": item["iri"], "plan": plan,
                     "plan_title": title, "dept_list": [d["name"] for d in departments],
                     "n_departments": len(departments), "n_tasks": len(item["tasks"]),
                     "n_lead": sum(1 for d in departments if d["lead"]),
                     "n_co": sum(1 for d in departments if not d["lead"]),
                     "pairs": [tuple(p) for p in item.get("co_responsible") or []], "detail": departments})
    return rows


@dataclass(frozen=True)
class Matrix:
    """Duties per department (rows) and facility type (columns) in one plan: the 责任矩阵."""

    departments: list[str]
    types: list[str]
    counts: dict[tuple[str, str], int]

    @property
    def peak(self) -> int:
        return max(self.counts.values(), default=0)

    def table(self, types: list[str] | None = None) -> list[list[Any]]:
        cols = self.types if types is None else types
        return [[d, *[self.counts.get((d, t), 0) or None for t in cols]] for d in self.departments]


def matrix(rows: Iterable[Mapping[str, Any]]) -> Matrix:
    """From shared_rows: departments by their duties on all types, types by their duties (busiest first)."""
    counts: dict[tuple[str, str], int] = {}
    per_type: dict[str, int] = {}
    per_dept: dict[str, int] = {}
    for row in rows:
        per_type[row["facility_type"]] = row["n_tasks"]
        for dept in row["detail"]:
            n = len(dept["lead"]) + len(dept["co"])
            counts[(dept["name"], row["facility_type"])] = n
            per_dept[dept["name"]] = per_dept.get(dept["name"], 0) + n
    return Matrix(sorted(per_dept, key=lambda d: (-per_dept[d], d)), sorted(per_type, key=lambda t: (-per_type[t], t)),
                  counts)


def char_diff(a: str, b: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """Both texts as (segment, differs) runs, compared character by character (Chinese has no spaces)."""
    left: list[tuple[str, bool]] = []
    right: list[tuple[str, bool]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if a[i1:i2]:
            left.append((a[i1:i2], op != "equal"))
        if b[j1:j2]:
            right.append((b[j1:j2], op != "equal"))
    return left, right


@dataclass(frozen=True)
class PlanRows:
    """One plan's rows of a question, each with its item's place (`order`, non-decreasing) in the whole-store
    answer: the 全部计划 table is every plan's rows merged back into the order it always had, so it is never
    rebuilt over all plans, and no answer as large as all plans' rows together has to be kept (docs/PAGES.md)."""

    rows: list[dict[str, Any]]
    order: list[int]


Positioned = list[tuple[int, Mapping[str, Any]]]


def by_plan(items: Iterable[Mapping[str, Any]], plan_of: Callable[[Mapping[str, Any]], str | None],
            rank: Callable[[Mapping[str, Any]], tuple[Any, ...]] | None = None) -> dict[str | None, Positioned]:
    """A whole-store report's items grouped by plan, each with its position in the report — or, with `rank`,
    in the report sorted stably by rank (as the question's rows are shown). Split once per store generation
    instead of once per plan."""
    ordered = sorted(items, key=rank) if rank else items
    groups: dict[str | None, Positioned] = {}
    for position, item in enumerate(ordered):
        groups.setdefault(plan_of(item), []).append((position, item))
    return groups


def plan_rows(items: Positioned, rows_of: Callable[[list[Mapping[str, Any]]], list[dict[str, Any]]]) -> PlanRows:
    """The rows `rows_of` makes of each item (none, one or several), in item order, with the item's position."""
    rows: list[dict[str, Any]] = []
    order: list[int] = []
    for position, item in items:
        made = rows_of([item])
        rows += made
        order += [position] * len(made)
    return PlanRows(rows, order)


def merged(parts: Iterable[PlanRows]) -> list[dict[str, Any]]:
    """Several plans' rows in the whole-store order: placed by their items' positions (unique to one plan),
    linear in the rows — a sort of 44,000 keyed rows took 90 ms, this 4 ms."""
    parts = list(parts)
    slots: list[list[dict[str, Any]] | None] = [None] * (max((p.order[-1] for p in parts if p.order), default=-1) + 1)
    for part in parts:
        for position, row in zip(part.order, part.rows):
            slot = slots[position]
            if slot is None:
                slots[position] = [row]
            else:
                slot.append(row)
    return [row for slot in slots if slot for row in slot]
