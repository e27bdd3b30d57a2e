"""The question pages (/questions/<name>): each answer on a page made for it — duties by their texts, reasons
and kinds in the reader's language, one plan at a time unless the reader chooses all — and the
责任矩阵 (department × facility type) of one plan. Rows are built once per plan and store generation
(AnswerCache) and then sorted, filtered and paged per request (graph/table_view.py)."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from jinja2 import Environment

from dutygraph.graph import listings, reports
from dutygraph.graph import question_rows as qr
from dutygraph.graph.dismissals import finding_key, task_ref
from dutygraph.graph.namespaces import plan_of_task
from dutygraph.graph.plan_choice import plans as plan_list
from dutygraph.graph.tasks import list_tasks

from .answer_cache import AnswerCache
from .output import Sheet
from .page_kit import Col, Reader, Table, reader, render, table_download, wanted_format
from .responses import workbook_download

PLAN_PREFIXES = ("", "a_", "b_", "from_", "to_", "c_")
DUPLICATE_ORDER = {"duplicate": 0, "overlap": 1, "restates": 2, "parallel": 3}
MATRIX_COLUMNS = 24     # facility types shown on the page; the Excel file has all


@dataclass
class Source:
    """The store's answers through the cache, for builders running in a worker thread."""

    answers: AnswerCache
    get_store: Callable[[], ox.Store]

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return self.answers.call(fn, self.get_store(), *args, **kwargs)

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


def _relabel(rows: list[dict[str, Any]], titles: dict[str, str]) -> list[dict[str, Any]]:
    """Plans named by government and title (成都市 · …) rather than by the document's own title alone."""
    for row in rows:
        for prefix in PLAN_PREFIXES:
            if row.get(f"{prefix}plan") in titles:
                row[f"{prefix}plan_title"] = titles[row[f"{prefix}plan"]]
    return rows


def _orphans(src: Source, plans: frozenset[str] | None) -> list[dict[str, Any]]:
    scope = src.scope(plans)
    return qr.orphan_rows(src.call(reports.orphans), src.tasks(scope), plans and set(plans), src.titles())


def _duplicates(src: Source, plans: frozenset[str] | None) -> list[dict[str, Any]]:
    """Pairs by kind, most confident first; each row also carries its finding's IRI and `dismissed`
    ({reason, by, at, via} or None), matched by kind and member duties (graph/dismissals.py)."""
    items = src.call(reports.duplicates)
    rows = qr.duplicate_rows(items, src.tasks(src.scope(plans)), plans and set(plans))
    by_key = {finding_key(i["kind"], i["tasks"]): i for i in items}
    for row in rows:
        item = by_key.get(finding_key(row["kind"], [row["a_id"], row["b_id"], *(o["id"] for o in row["others"])]), {})
        row["finding"], row["dismissed"] = item.get("finding"), item.get("dismissed")
        row["task_refs"] = " ".join(task_ref(t) for t in item.get("tasks", []))
    return sorted(rows, key=lambda r: (DUPLICATE_ORDER.get(r["kind"], 9), -(r["confidence"] or 0)))


def _dismissing(request: Request) -> dict[str, Any]:
    """Whether the duplicates page offers the dismiss form: only when the service accepts writes with the token
    (service/dismissals.py); otherwise the page shows the `dutygraph dismiss` command instead."""
    settings = getattr(request.app.state, "settings", None)
    return {"can_write": bool(settings and settings.allow_update and settings.token), "endpoint": "/api/findings/dismiss"}


def _dependencies(src: Source, plans: frozenset[str] | None) -> list[dict[str, Any]]:
    items = src.call(reports.dependencies)
    return qr.dependency_rows(items, src.tasks(src.scope(plans)), plans and set(plans))


def _alignments(src: Source, plans: frozenset[str] | None) -> list[dict[str, Any]]:
    items = [a for a in src.call(reports.alignments) if qr.in_plans(a["task"], plans and set(plans))]
    wanted = src.scope(plans) | {plan_of_task(c["task"]) for a in items for c in a["candidates"]}
    return qr.alignment_rows(items, src.tasks(wanted), None)


def _centrality(src: Source, plans: frozenset[str] | None) -> list[dict[str, Any]]:
    departments = {d["id"]: d for d in src.call(listings.departments)}
    return qr.centrality_rows(src.call(reports.centrality), departments, plans and set(plans))


def _centrality_by_function(src: Source, plans: frozenset[str] | None) -> list[dict[str, Any]]:
    """All plans: governments compared function by function, never their departments in one ranking."""
    departments = {d["id"]: d for d in src.call(listings.departments)}
    return qr.function_centrality_rows(src.call(reports.centrality, scope="function"), departments)


def _shared_by_function(src: Source, plans: frozenset[str] | None) -> list[dict[str, Any]]:
    """All plans: which functions carry each facility type in which governments (two governments' bodies
    are different departments, so they are compared by what they do)."""
    return qr.shared_function_rows(src.call(reports.shared_facilities, by="function"))


def _shared(src: Source, plans: frozenset[str] | None) -> list[dict[str, Any]]:
    """Per plan, never pooled: departments of two governments do not share a facility type."""
    rows: list[dict[str, Any]] = []
    titles = src.titles()
    for plan in sorted(src.scope(plans)):
        items = src.call(reports.shared_facilities, plan=plan)
        rows += qr.shared_rows(items, src.tasks([plan]), plan, titles.get(plan, plan))
    return rows


@dataclass(frozen=True)
class Question:
    name: str
    table: Table
    build: Callable[[Source, frozenset[str] | None], list[dict[str, Any]]]
    template: str


PLAN = Col("plan_title", "c.plan")
QUESTIONS: dict[str, Question] = {q.name: q for q in [
    Question("shared-facilities", Table("shared-facilities", (
        Col("facility_type", "c.facility_type"), PLAN, Col("n_departments", "c.n_departments", "number"),
        Col("n_tasks", "c.n_tasks", "number"), Col("n_lead", "c.n_lead", "number"), Col("n_co", "c.n_co", "number"),
        Col("dept_list", "c.dept_list", sortable=False), Col("pairs", "c.pairs", "pairs", shown=False)),
        ("facility_type", "dept_list"), sort="n_departments", descending=True, size=25), _shared, "q_shared.html"),
    Question("orphans", Table("orphans", (
        PLAN, Col("number", "c.number", "number"), Col("kind", "c.kind", "code"), Col("text", "c.text"),
        Col("lead", "c.lead"), Col("collective", "c.collective", sortable=False), Col("deadline", "c.deadline"),
        Col("reasons", "c.reasons", "codes", sortable=False)),
        ("text", "lead", "collective", "deadline", "plan_title"), ("reasons",), size=25), _orphans, "q_orphans.html"),
    Question("duplicates", Table("duplicates", (
        PLAN, Col("kind", "c.kind", "code"), Col("confidence", "c.confidence", "number"),
        Col("a_number", "c.number", "number", shown=False), Col("a_text", "c.text_a"),
        Col("b_number", "c.number", "number", shown=False), Col("b_text", "c.text_b"), Col("evidence", "c.evidence")),
        ("a_text", "b_text", "evidence", "plan_title"), ("kind",), size=10), _duplicates, "q_duplicates.html"),
    Question("dependencies", Table("dependencies", (
        PLAN, Col("from_text", "c.from"), Col("to_text", "c.to"), Col("kind", "c.kind", "code"),
        Col("evidence", "c.evidence", "evidence")),
        ("from_text", "to_text", "evidence", "plan_title"), ("kind",), size=20), _dependencies, "q_dependencies.html"),
    Question("alignments", Table("alignments", (
        PLAN, Col("number", "c.number", "number"), Col("text", "c.text"), Col("c_plan_title", "c.candidate_plan"),
        Col("c_number", "c.number", "number", shown=False), Col("c_text", "c.candidate"), Col("score", "c.score", "number"),
        Col("rank", "c.rank", "number")),
        ("text", "c_text", "c_plan_title"), size=20, sort="score", descending=True), _alignments, "q_alignments.html"),
    Question("centrality", Table("centrality", (
        Col("department", "c.department"), Col("jurisdiction", "c.jurisdiction"), Col("rank", "c.rank_within", "number"),
        Col("n_tasks", "c.n_tasks", "number"),
        Col("centrality", "c.centrality", "number"), Col("betweenness", "c.betweenness", "number")),
        ("department", "jurisdiction"), size=50, sort="centrality", descending=True), _centrality, "q_centrality.html"),
]}
FUNCTION = Col("function", "c.function")
FAMILY = Col("family", "c.family")
GOVERNMENTS = Col("governments", "c.governments", sortable=False)
# With every plan chosen, these answer instead: governments compared by function (issue 16)
BY_FUNCTION: dict[str, Question] = {q.name: q for q in [
    Question("shared-facilities", Table("shared-facilities-by-function", (
        Col("facility_type", "c.facility_type"), FUNCTION, FAMILY, Col("n_governments", "c.n_governments", "number"),
        GOVERNMENTS, Col("n_tasks", "c.n_tasks", "number"), Col("dept_list", "c.dept_list", sortable=False)),
        ("facility_type", "function", "family", "dept_list"), sort="n_governments", descending=True, size=25),
        _shared_by_function, "q_shared.html"),
    Question("centrality", Table("centrality-by-function", (
        FUNCTION, FAMILY, Col("n_governments", "c.n_governments", "number"), GOVERNMENTS,
        Col("n_tasks", "c.n_tasks", "number"), Col("centrality", "c.mean_centrality", "number"),
        Col("betweenness", "c.mean_betweenness", "number"), Col("dept_list", "c.dept_list", sortable=False)),
        ("function", "family", "dept_list"), size=50, sort="centrality", descending=True),
        _centrality_by_function, "q_centrality.html"),
]}


def _answering(name: str, reading: Reader) -> Question:
    """The question as asked: across all plans, shared facilities and centrality compare by function."""
    return BY_FUNCTION[name] if reading.many and name in BY_FUNCTION else QUESTIONS[name]


def build_question_router(get_store: Callable[[], ox.Store], answers: AnswerCache, env: Environment) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    src = Source(answers, get_store)

    async def who(request: Request) -> Reader:
        return reader(request, await run_in_threadpool(src.plans))

    async def rows(question: Question, reading: Reader) -> list[dict[str, Any]]:
        plans = None if reading.plan_ids is None else frozenset(reading.plan_ids)
        titles = await run_in_threadpool(src.titles)
        return await run_in_threadpool(answers.get, ("question-rows", question.name, question.table.name, plans),
                                       lambda: _relabel(question.build(src, plans), titles))

    @router.get("/questions/shared-facilities/matrix")
    async def responsibility_matrix(request: Request) -> Response:
        reading = await who(request)
        found = await rows(QUESTIONS["shared-facilities"], reading)
        matrices = {p.id: qr.matrix([r for r in found if r["plan"] == p.id]) for p in reading.plans
                    if reading.plan_ids is None or p.id in reading.plan_ids}
        if wanted_format(request):
            sheets = [Sheet(title[:31], [reading.t("c.department"), *m.types], m.table())
                      for pid, m in matrices.items() for title in [reading.titles().get(pid, pid)]]
            return workbook_download("matrix", sheets, filename=reading.t("q.matrix"))
        return render(env, reading, "q_matrix.html", matrices=matrices if not reading.many else {},
                      shown=MATRIX_COLUMNS)

    @router.get("/questions/{name}")
    async def question(request: Request, name: str) -> Response:
        if name not in QUESTIONS:
            raise HTTPException(404, "no such question")
        reading = await who(request)
        q = _answering(name, reading)
        found = await rows(q, reading)
        fmt = wanted_format(request)
        if fmt:
            return table_download(q.table, found, reading, fmt, filename=reading.t(f"q.{name}").rstrip("？?"))
        view = q.table.view(found, request)
        diffs = [qr.char_diff(r["a_text"], r["b_text"]) for r in view.rows] if name == "duplicates" else []
        api = f"/api/{name}" + (f"?plan={reading.plan}" if name == "shared-facilities" and reading.plan_ids else "") \
            + ({"shared-facilities": "?by=function", "centrality": "?scope=function"}.get(name, "") if q is not QUESTIONS[name] else "")
        return render(env, reading, q.template, name=name, view=view, table=q.table, columns=q.table.visible(reading.many),
                      diffs=diffs, api=api, explain=f"/api/{name}?explain=1", by_function=q is not QUESTIONS[name],
                      dismissing=_dismissing(request) if name == "duplicates" else None)

    return router
