"""Where the question pages' rows come from: the store's answers through the cache (`Source`), the rows of the
questions that span plans kept per plan (`PlanRows`) with the 全部计划 rows merged from them, and the per-duty
index behind the duty page. All of it is kept per store generation (AnswerCache), so the one write path
(service/writes.py) forgets it with every other answer.

Why per plan: the all-plans rows of a 50-plan store were one answer estimated at 157 MB (alignments), over the
cache's per-entry limit, so they were rebuilt from every plan's duties on each request (docs/BENCHMARKS.md,
"Pages"). Each plan's rows are now an answer of their own, the same one a page for that plan reads, and the
全部计划 table is those rows merged back into the whole-store order (graph/question_rows.py: merged)."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from dutygraph.graph import listings, reports
from dutygraph.graph import question_rows as qr
from dutygraph.graph.dismissals import finding_key, task_ref
from dutygraph.graph.namespaces import plan_of_task
from dutygraph.graph.plan_choice import plans as plan_list
from dutygraph.graph.tasks import list_tasks

from .answer_cache import AnswerCache

PLAN_PREFIXES = ("", "a_", "b_", "from_", "to_", "c_")
DUPLICATE_ORDER = {"duplicate": 0, "overlap": 1, "restates": 2, "parallel": 3}
Item = Mapping[str, Any]
Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class Source:
    """The store's answers through the cache, for builders running in a worker thread. The pages make one per
    request (over the store deps.Store gave it), so none holds the store between requests."""

    answers: AnswerCache
    store: ox.Store

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return self.answers.call(fn, self.store, *args, **kwargs)

    def plans(self) -> list:
        return self.call(plan_list)

    def tasks(self, plan_ids: Iterable[str | None]) -> dict[str, dict[str, Any]]:
        """Duties of these plans by id, read plan by plan (each plan's list is kept), never the whole store."""
        found: dict[str, dict[str, Any]] = {}
        for plan in sorted({p for p in plan_ids if p}):
            found.update((t["id"], t) for t in self.call(list_tasks, plan=plan))
        return found

    def titles(self) -> dict[str, str]:
        return {p.id: p.label for p in self.plans()}

    def scope(self, plan_ids: frozenset[str] | None) -> set[str]:
        return set(plan_ids) if plan_ids is not None else {p.id for p in self.plans()}

    def grouped(self, report: Callable[..., list], plan_of: Callable[[Item], str | None],
                rank: Callable[[Item], tuple[Any, ...]] | None = None) -> dict[str | None, qr.Positioned]:
        """A whole-store report's items by plan (in rank order, if given), split once per store generation."""
        key = ("by-plan", report.__module__, report.__qualname__)
        return self.answers.get(key, lambda: qr.by_plan(self.call(report), plan_of, rank))


def task_rows(tasks: list[dict[str, Any]], titles: dict[str, str], unit: str | None = None) -> Rows:
    """Duties as table rows; with `unit`, the unit's role in each (牵头, 配合, 集合性单位)."""
    rows = []
    for task in tasks:
        row = qr.brief(task)
        row["plan_title"] = titles.get(row["plan"], row["plan_title"])
        ids = task.get("department_ids") or []
        row["role"] = None if unit is None else ("v.lead" if ids[:1] == [unit] and task.get("lead_department")
                                                 else "v.co" if unit in ids else "v.collective")
        rows.append(row)
    return rows


def relabel(rows: Rows, titles: dict[str, str]) -> Rows:
    """Plans named by government and title (成都市 · …) rather than by the document's own title alone."""
    for row in rows:
        for prefix in PLAN_PREFIXES:
            if row.get(f"{prefix}plan") in titles:
                row[f"{prefix}plan_title"] = titles[row[f"{prefix}plan"]]
    return rows


@dataclass(frozen=True)
class ByPlan:
    """A question whose rows are kept per plan: the report it reads, the plan of each report item, the plans
    whose duties an item's rows show, how rows are made of items, and how they are ranked (if sorted)."""

    report: Callable[..., list]
    plan_of: Callable[[Item], str | None]
    refers: Callable[[Item], Iterable[str | None]]
    rows_of: Callable[[Source, list[Item], qr.Tasks], Rows]
    rank: Callable[[Item], tuple[Any, ...]] | None = None    # rows shown in this order (report order breaks ties)

    def items(self, src: Source) -> dict[str | None, qr.Positioned]:
        return src.grouped(self.report, self.plan_of, self.rank)

    def part(self, src: Source, plan: str | None) -> qr.PlanRows:
        """One plan's rows, with the duties of that plan and of any plan its items point to."""
        items = self.items(src).get(plan, [])
        tasks = src.tasks({plan} | {p for _, item in items for p in self.refers(item)})
        part = qr.plan_rows(items, lambda chunk: self.rows_of(src, chunk, tasks))
        relabel(part.rows, src.titles())
        return part

    def plans(self, src: Source) -> list[str | None]:
        """Every plan the report has items of (the 全部计划 rows are theirs merged)."""
        return list(self.items(src))


def _orphan_plan(item: Item) -> str | None:
    return plan_of_task(item["task"]) if item.get("task") else item.get("plan")


def _orphans(src: Source, items: list[Item], tasks: qr.Tasks) -> Rows:
    return qr.orphan_rows(items, tasks, None, src.titles())


def _duplicate_plan(item: Item) -> str | None:
    """A pair's plan is its first duty's (duplicate_rows)."""
    members = item.get("tasks") or [""]
    return plan_of_task(members[0])


def _findings(src: Source) -> dict[str, Item]:
    """Duplicate findings by kind and member duties, to mark each row with its finding and dismissal."""
    return src.answers.get(("duplicate-findings",), lambda: {finding_key(i["kind"], i["tasks"]): i
                                                             for i in src.call(reports.duplicates)})


def _duplicates(src: Source, items: list[Item], tasks: qr.Tasks) -> Rows:
    """Pairs, each also carrying its finding's IRI and `dismissed` ({reason, by, at, via} or None), matched
    by kind and member duties (graph/dismissals.py)."""
    rows = qr.duplicate_rows(items, tasks, None)
    by_key = _findings(src)
    for row in rows:
        item = by_key.get(finding_key(row["kind"], [row["a_id"], row["b_id"], *(o["id"] for o in row["others"])]), {})
        row["finding"], row["dismissed"] = item.get("finding"), item.get("dismissed")
        row["task_refs"] = " ".join(task_ref(t) for t in item.get("tasks", []))
    return rows


def _duplicate_rank(item: Item) -> tuple[Any, ...]:
    """By kind, most confident first: the row's kind and confidence are its finding's (duplicate_rows)."""
    return (DUPLICATE_ORDER.get(item.get("kind") or "", 9), -(item.get("confidence", item.get("score")) or 0))


BY_PLAN: dict[str, ByPlan] = {
    "orphans": ByPlan(reports.orphans, _orphan_plan, lambda i: [plan_of_task(e) for e in i.get("evidence") or []],
                      _orphans),
    "duplicates": ByPlan(reports.duplicates, _duplicate_plan, lambda i: [plan_of_task(t) for t in i.get("tasks") or []],
                         _duplicates, _duplicate_rank),
    "dependencies": ByPlan(reports.dependencies, lambda d: plan_of_task(d["from"]),
                           lambda d: [plan_of_task(d["to"])],
                           lambda src, items, tasks: qr.dependency_rows(items, tasks, None)),
    "alignments": ByPlan(reports.alignments, lambda a: plan_of_task(a["task"]),
                         lambda a: [plan_of_task(c["task"]) for c in a.get("candidates") or []],
                         lambda src, items, tasks: qr.alignment_rows(items, tasks, None)),
}


def list_rows(kind: str, items: list[dict[str, Any]], plans: set[str] | None,
              tally: Mapping[str, PlanTally] | None = None) -> list[dict[str, Any]]:
    """Listing items counted within the chosen plans (a department of another government has none there);
    `tally`: each item's duties counted by plan (plan_tally), kept, so choosing a plan reads counts instead of
    testing the 373,461 duty links of 500 plans' departments one by one."""
    tally = tally if tally is not None else plan_tally(items)
    rows = []
    for item in items:
        tasks, leads = tally[item["id"]]
        n_tasks = tasks.total() if plans is None else sum(tasks.get(p, 0) for p in plans)
        if not n_tasks:
            continue
        row = {"id": item["id"], "n_tasks": n_tasks}
        if kind == "departments":
            row.update(name=item["name"], jurisdiction=item["jurisdiction"], level=item["level"],
                       unit_kind="v.collective" if item["kind"] == "collective" else "v.department",
                       functions=item["functions"],
                       n_lead=leads.total() if plans is None else sum(leads.get(p, 0) for p in plans))
        elif kind == "facility-types":
            row.update(name=item["label"], broader=item["broader"])
        else:
            row.update(name=item["title"] or item["number"], number=item["number"])
        rows.append(row)
    return rows


PlanTally = tuple[Counter, Counter]
LISTINGS: dict[str, Callable[..., list[dict[str, Any]]]] = {
    "departments": listings.departments, "facility-types": listings.facility_types, "regulations": listings.regulations}


def plan_tally(items: list[dict[str, Any]]) -> dict[str, PlanTally]:
    """Each listed item's duties and lead duties (departments) counted by plan."""
    return {item["id"]: (Counter(plan_of_task(t) for t in item["tasks"]),
                         Counter(plan_of_task(t) for t in item.get("lead_tasks") or []))
            for item in items}


def listing_tally(src: Source, kind: str) -> dict[str, PlanTally]:
    """The tally of a whole-store listing (/departments, /facility-types, /regulations), kept; the warm-up
    makes it (building it from 500 plans' 373,461 department links took 0.6 s of the first listing page)."""
    return src.answers.get(("plan-tally", kind), lambda: plan_tally(src.call(LISTINGS[kind])))


@dataclass(frozen=True)
class DutyIndex:
    """Each duty's dependencies (as either end, in the report's order) and orphan reasons: the duty page
    scanned both whole-store lists on every request to find one duty's."""

    dependencies: dict[str, list[dict[str, Any]]]
    reasons: dict[str, list[str]]


def duty_index(src: Source) -> DutyIndex:
    deps: dict[str, list[dict[str, Any]]] = {}
    for dep in src.call(reports.dependencies):
        for end in dict.fromkeys((dep["from"], dep["to"])):
            deps.setdefault(end, []).append(dep)
    reasons: dict[str, list[str]] = {}
    for item in src.call(reports.orphans):
        if item.get("task"):
            reasons.setdefault(item["task"], item["reasons"])
    return DutyIndex(deps, reasons)


def duty_facts(src: Source) -> DutyIndex:
    """The index, kept per store generation."""
    return src.answers.get(("duty-index",), lambda: duty_index(src))
