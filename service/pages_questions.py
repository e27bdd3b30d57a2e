"""The question pages (/questions/<name>): each answer on a page made for it — duties by their texts, reasons
and kinds in the reader's language, one plan at a time unless the reader chooses all — and the
责任矩阵 (department × facility type) of one plan. Rows are built once per plan and store generation
(AnswerCache; with 全部计划 every plan's kept rows merged, service/pages_rows.py) and then sorted, filtered and
paged per request (graph/table_view.py); a page as built is kept per URL and reader (page_kit.kept)."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from dutygraph.graph import listings, reports
from dutygraph.graph import question_rows as qr
from dutygraph.graph.plan_choice import chosen
from dutygraph.graph.table_view import Indexed

from .answer_cache import AnswerCache
from .output import Sheet
from .page_kit import Col, Ctx, PageContext, Reader, Table, render, table_download, table_key, wanted_format
from .pages_rows import BY_PLAN, LISTINGS, ByPlan, Rows, Source, listing_tally, relabel
from .responses import workbook_download

__all__ = ["QUESTIONS", "Source", "question_rows", "router", "warm_all_plans", "warm_default_plan", "warm_plan"]

MATRIX_COLUMNS = 24     # facility types shown on the page; the Excel file has all


def _dismissing(request: Request) -> dict[str, Any]:
    """Whether the duplicates page offers the dismiss form: only when the service accepts writes with the token
    (service/dismissals.py); otherwise the page shows the `dutygraph dismiss` command instead."""
    settings = getattr(request.app.state, "settings", None)
    return {"can_write": bool(settings and settings.allow_update and settings.token), "endpoint": "/api/findings/dismiss"}


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
    """A question page: its table, how its rows are built (`build`, or per plan by `by_plan`), its template."""

    name: str
    table: Table
    build: Callable[[Source, frozenset[str] | None], Rows] | None
    template: str
    by_plan: ByPlan | None = None     # rows kept per plan; 全部计划 merges them (service/pages_rows.py)


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
        ("text", "lead", "collective", "deadline", "plan_title"), ("reasons",), size=25), None, "q_orphans.html", BY_PLAN["orphans"]),
    Question("duplicates", Table("duplicates", (
        PLAN, Col("kind", "c.kind", "code"), Col("confidence", "c.confidence", "number"),
        Col("a_number", "c.number", "number", shown=False), Col("a_text", "c.text_a"),
        Col("b_number", "c.number", "number", shown=False), Col("b_text", "c.text_b"), Col("evidence", "c.evidence")),
        ("a_text", "b_text", "evidence", "plan_title"), ("kind",), size=10), None, "q_duplicates.html", BY_PLAN["duplicates"]),
    Question("dependencies", Table("dependencies", (
        PLAN, Col("from_text", "c.from"), Col("to_text", "c.to"), Col("kind", "c.kind", "code"),
        Col("evidence", "c.evidence", "evidence")),
        ("from_text", "to_text", "evidence", "plan_title"), ("kind",), size=20), None, "q_dependencies.html", BY_PLAN["dependencies"]),
    Question("alignments", Table("alignments", (
        PLAN, Col("number", "c.number", "number"), Col("text", "c.text"), Col("c_plan_title", "c.candidate_plan"),
        Col("c_number", "c.number", "number", shown=False), Col("c_text", "c.candidate"), Col("score", "c.score", "number"),
        Col("rank", "c.rank", "number")),
        ("text", "c_text", "c_plan_title"), size=20, sort="score", descending=True), None, "q_alignments.html", BY_PLAN["alignments"]),
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


def _key(question: Question, plans: frozenset[str | None] | None) -> tuple:
    return ("question-rows", question.name, question.table.name, plans)


def plan_part(src: Source, question: Question, plan: str | None) -> qr.PlanRows:
    """One plan's rows of a question kept per plan, with their places in the 全部计划 rows."""
    spec = question.by_plan
    assert spec is not None
    return src.answers.get(_key(question, frozenset({plan})), lambda: spec.part(src, plan))


def question_rows(src: Source, question: Question, plans: frozenset[str] | None) -> Rows:
    """The rows a page sorts, filters and pages (per request): kept for the plan chosen, or for 全部计划
    merged from every plan's kept rows — never rebuilt over all plans, never kept as one all-plans answer."""
    if question.by_plan is None:
        build = question.build
        assert build is not None
        return src.answers.get(_key(question, plans), lambda: relabel(build(src, plans), src.titles()))
    if plans is None:
        return qr.merged(plan_part(src, question, p) for p in question.by_plan.plans(src))
    if len(plans) == 1:
        return plan_part(src, question, next(iter(plans))).rows
    return qr.merged(plan_part(src, question, p) for p in sorted(plans))


def plan_matrix(src: Source, plan: str) -> qr.Matrix:
    """The 责任矩阵 of one plan, from its shared-facilities rows (kept, as the page for that plan reads them)."""
    shared = QUESTIONS["shared-facilities"]
    return src.answers.get(("matrix", plan), lambda: qr.matrix(question_rows(src, shared, frozenset({plan}))))


def warm_plan(answers: AnswerCache, store: ox.Store, plan: str) -> None:
    """What a reader's first page of one plan needs (the warm-up builds it for the default plan): its rows of
    every question and its matrix, kept under the keys the routes read."""
    src = Source(answers, store)
    for question in QUESTIONS.values():
        question_rows(src, question, frozenset({plan}))
    plan_matrix(src, plan)


def warm_default_plan(answers: AnswerCache, store: ox.Store) -> None:
    """The warm-up's page step (service/app.py): the default plan's rows, which a new reader opens first, and
    the listings' duties counted by plan."""
    src = Source(answers, store)
    plan = chosen(src.plans(), None)
    if plan:
        warm_plan(answers, store, plan)
    for kind in LISTINGS:
        listing_tally(src, kind)


def warm_all_plans(answers: AnswerCache, store: ox.Store) -> None:
    """The warm-up's last step: every plan's rows of the questions a 全部计划 page merges, and the
    whole-store rows of those that compare governments by function (seconds per plan's duties otherwise, on
    the first 全部计划 page after a start or a load)."""
    src = Source(answers, store)
    for question in [*QUESTIONS.values(), *BY_FUNCTION.values()]:
        if question.by_plan is not None or question in BY_FUNCTION.values():
            table = question.table
            index = indexed_rows(src, question, None)
            if table.sort:           # the order the page opens in (0.1–0.3 s over 144,751 alignment rows)
                index.order(table.sort, table.descending)
            time.sleep(0)            # let waiting requests run between questions


def indexed_rows(src: Source, question: Question, plans: frozenset[str] | None) -> Indexed:
    """The question's rows for these plans kept indexed (orders, searched texts): 全部计划 merged once, not
    per request; under the key PageContext.kept_rows uses for every table."""
    return src.answers.get(table_key(question.table, plans),
                           lambda: question.table.indexed(question_rows(src, question, plans)))


async def rows(ctx: PageContext, question: Question, reading: Reader) -> Indexed:
    """The question's rows for the reader's plans, built (or read as kept) in a worker thread."""
    return await run_in_threadpool(indexed_rows, ctx.src, question, reading.plan_set)


router = APIRouter(include_in_schema=False)


@router.get("/questions/shared-facilities/matrix")
async def responsibility_matrix(request: Request, ctx: Ctx) -> Response:
    """With 全部计划 the page shows no matrix (it asks for a plan), so none is built; the Excel
    download has one sheet per plan, each plan's matrix kept."""
    return await ctx.page(request, matrix_page)


async def matrix_page(ctx: PageContext, reading: Reader) -> Response:
    download = wanted_format(reading.request)
    if reading.many and not download:
        return render(ctx.env, reading, "q_matrix.html", matrices={}, shown=MATRIX_COLUMNS)
    ids = [p.id for p in reading.plans if reading.plan_ids is None or p.id in reading.plan_ids]
    matrices = await run_in_threadpool(lambda: {pid: plan_matrix(ctx.src, pid) for pid in ids})
    if download:
        sheets = [Sheet(title[:31], [reading.t("c.department"), *m.types], m.table())
                  for pid, m in matrices.items() for title in [reading.titles().get(pid, pid)]]
        return workbook_download("matrix", sheets, filename=reading.t("q.matrix"))
    return render(ctx.env, reading, "q_matrix.html", matrices=matrices, shown=MATRIX_COLUMNS)


@router.get("/questions/{name}")
async def question(request: Request, ctx: Ctx, name: str) -> Response:
    if name not in QUESTIONS:
        raise HTTPException(404, "no such question")
    return await ctx.page(request, question_page, name=name)


async def question_page(ctx: PageContext, reading: Reader, name: str) -> Response:
    request = reading.request
    q = _answering(name, reading)
    found = await rows(ctx, q, reading)
    fmt = wanted_format(request)
    if fmt:
        return table_download(q.table, found, reading, fmt, filename=reading.t(f"q.{name}").rstrip("？?"),
                              kept=(ctx.answers, table_key(q.table, reading.plan_set)))
    view = q.table.view(found, request)
    diffs = [qr.char_diff(r["a_text"], r["b_text"]) for r in view.rows] if name == "duplicates" else []
    api = f"/api/{name}" + (f"?plan={reading.plan}" if name == "shared-facilities" and reading.plan_ids else "") \
        + ({"shared-facilities": "?by=function", "centrality": "?scope=function"}.get(name, "") if q is not QUESTIONS[name] else "")
    return render(ctx.env, reading, q.template, name=name, view=view, table=q.table, columns=q.table.visible(reading.many),
                  diffs=diffs, api=api, explain=f"/api/{name}?explain=1", by_function=q is not QUESTIONS[name],
                  dismissing=_dismissing(request) if name == "duplicates" else None)
