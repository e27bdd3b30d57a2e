"""HTML pages: home, one page per duty, the department, facility type and regulation lists and pages, search
and a SPARQL editor; the question pages are in pages_questions.py, the shared frame in page_kit.py. Every
table sorts, filters, pages and downloads on the server; every duty is shown by its text, never its IRI."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from dutygraph.graph import question_rows as qr
from dutygraph.graph import questions, reports
from dutygraph.graph.namespaces import plan_of_task
from dutygraph.graph.queries import query_names, query_text

from . import pages_questions
from .page_kit import Col, Ctx, PageContext, Reader, Table, link, render
from .pages_questions import QUESTIONS
from .pages_rows import LISTINGS, duty_facts, list_rows, listing_tally, task_rows

__all__ = ["link", "router", "task_rows"]     # link: used by the upload, deadline and duty-list pages

PLAN = Col("plan_title", "c.plan")
TASKS = Table("tasks", (PLAN, Col("number", "c.number", "number"), Col("kind", "c.kind", "code"), Col("text", "c.text"),
                        Col("role", "c.role", "code"), Col("lead", "c.lead"), Col("departments", "c.departments", sortable=False),
                        Col("deadline", "c.deadline")), ("text", "departments", "deadline", "plan_title"), size=25)
LISTS = {
    "departments": Table("departments", (Col("name", "c.name"), Col("jurisdiction", "c.jurisdiction"), Col("level", "c.level"),
                                         Col("unit_kind", "c.unit_kind", "code"), Col("functions", "c.functions", sortable=False),
                                         Col("n_tasks", "c.n_tasks", "number"), Col("n_lead", "c.n_lead", "number")),
                         ("name", "jurisdiction", "functions"), ("unit_kind",), sort="n_tasks", descending=True, size=50),
    "facility-types": Table("facility-types", (Col("name", "c.facility_type"), Col("broader", "c.broader", sortable=False),
                                               Col("n_tasks", "c.n_tasks", "number")),
                            ("name", "broader"), sort="n_tasks", descending=True, size=50),
    "regulations": Table("regulations", (Col("name", "c.title"), Col("number", "c.doc_number"), Col("n_tasks", "c.n_tasks", "number")),
                         ("name", "number"), sort="n_tasks", descending=True, size=50),
}
LIST_TITLES = {"departments": "nav.departments", "facility-types": "nav.facility-types", "regulations": "nav.regulations"}
# ?q= is the search itself here (ranked by graph/search.py), so the table's own text filter reads no column.
SEARCH = Table("search", (PLAN, Col("number", "c.number", "number"), Col("text", "c.text"), Col("lead", "c.lead"),
                          Col("deadline", "c.deadline"), Col("score", "c.match", "number")), (),
               sort="score", descending=True, size=25)


router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, ctx: Ctx) -> Response:
    return await ctx.page(request, home_page)


async def home_page(ctx: PageContext, reading: Reader) -> Response:
    """Kept like every page: with 500 plans its selector alone is 180 KB, sent gzip-compressed once kept."""
    return render(ctx.env, reading, "home.html", questions=list(QUESTIONS))


async def duty(ctx: PageContext, reading: Reader, task_id: str) -> Response:
    task = await ctx.run(questions.get_task, task_id)
    if task is None:
        raise HTTPException(404, "no such duty")
    facts = await run_in_threadpool(duty_facts, ctx.src)      # this duty's dependencies and reasons, indexed
    deps = facts.dependencies.get(task_id, [])
    aligned = next((a for a in await ctx.run(reports.alignments, task=task_id)), None)
    orphan: list[str] = facts.reasons.get(task_id, [])
    related = {task_id} | {d["from"] for d in deps} | {d["to"] for d in deps} | \
        {c["task"] for c in (aligned or {}).get("candidates", [])}
    tasks = await run_in_threadpool(ctx.src.tasks, {plan_of_task(i) for i in related})
    return render(ctx.env, reading, "task.html", task=task, orphan=orphan, titles=reading.titles(),
                  deps=qr.dependency_rows(deps, tasks, None),
                  aligned=qr.alignment_rows([aligned] if aligned else [], tasks, None))


async def department(ctx: PageContext, reading: Reader, iri: str) -> Response:
    item = await ctx.found(questions.department, iri)
    rows, many = await ctx.duties(reading, item["tasks"], unit=item["id"])
    facts = {"c.unit_kind": reading.t("v.collective" if item["kind"] == "collective" else "v.department"),
             "c.jurisdiction": item["jurisdiction"], "c.level": item["level"], "c.functions": "、".join(item["functions"])}
    return ctx.table_page(reading, TASKS, rows, "entity.html", item["name"], many, title=item["name"], item=item,
                          facts=facts, kind="departments", elsewhere=not any(qr.in_plans(i, reading.plan_ids) for i in item["tasks"]))


async def facility_type(ctx: PageContext, reading: Reader, iri: str) -> Response:
    item = await ctx.found(questions.facility_type, iri)
    rows, many = await ctx.duties(reading, item["tasks"])
    counts: dict[str, int] = {}
    for r in rows:
        for name in r["departments"]:
            counts[name] = counts.get(name, 0) + 1
    facts = {"c.broader": "、".join(item["broader"]),
             "e.shared_with": "、".join(f"{n}（{c}）" for n, c in sorted(counts.items(), key=lambda kv: -kv[1]))}
    return ctx.table_page(reading, TASKS, rows, "entity.html", item["label"], many, title=item["label"], item=item,
                          facts=facts, kind="facility-types", elsewhere=False)


async def regulation(ctx: PageContext, reading: Reader, iri: str) -> Response:
    item = await ctx.found(questions.regulation, iri)
    rows, many = await ctx.duties(reading, item["tasks"])
    title = item["title"] or item["number"]
    resting = "、".join(f"《{p['title']}》" for p in item.get("plans", []) if p["role"] == "implements")
    drafting = "、".join(f"《{p['title']}》" for p in item.get("plans", []) if p["role"] == "drafts")
    facts = {"c.doc_number": item["number"] or "", "c.implemented_by": resting, "c.drafted_by": drafting}
    return ctx.table_page(reading, TASKS, rows, "entity.html", title, many, title=title, item=item,
                          facts=facts, kind="regulations", elsewhere=False)


@router.get("/tasks/{task_id:path}", response_class=HTMLResponse)
async def task_page(request: Request, ctx: Ctx, task_id: str) -> Response:
    return await ctx.page(request, duty, task_id=task_id)


@router.get("/departments/{iri:path}")
async def department_page(request: Request, ctx: Ctx, iri: str) -> Response:
    return await ctx.page(request, department, iri=iri)


@router.get("/facility-types/{iri:path}")
async def facility_type_page(request: Request, ctx: Ctx, iri: str) -> Response:
    return await ctx.page(request, facility_type, iri=iri)


@router.get("/regulations/{iri:path}")
async def regulation_page(request: Request, ctx: Ctx, iri: str) -> Response:
    return await ctx.page(request, regulation, iri=iri)


def _listing(kind: str, fn: Callable[..., list[dict[str, Any]]]) -> None:
    """The list page of one kind (/departments, …), registered at import under the name page_<kind>."""
    async def many_items(ctx: PageContext, reading: Reader) -> Response:
        plans = reading.plan_set
        items = await ctx.run(fn)

        def build() -> list[dict[str, Any]]:
            return list_rows(kind, items, reading.plan_ids, listing_tally(ctx.src, kind))

        rows = await run_in_threadpool(ctx.kept_rows, LISTS[kind], plans, build, False)
        title = reading.t(LIST_TITLES[kind])
        return ctx.table_page(reading, LISTS[kind], rows, "list.html", title, False, rows_key=plans, title=title,
                              kind=kind)

    @router.get(f"/{kind}", name=f"page_{kind}")
    async def list_page(request: Request, ctx: Ctx) -> Response:
        return await ctx.page(request, many_items)


for _kind, _fn in LISTINGS.items():
    _listing(_kind, _fn)


@router.get("/search")
async def search_page(request: Request, ctx: Ctx, q: str | None = None) -> Response:
    return await ctx.page(request, search_hits, q=q)


async def search_hits(ctx: PageContext, reading: Reader, q: str | None) -> Response:
    plan = None if reading.plan_ids is None else next(iter(reading.plan_ids), None)
    hits = await ctx.run(ctx.searched, q, limit=200, plan=plan) if q else []
    tasks = await run_in_threadpool(ctx.src.tasks, {plan_of_task(h["task"]) for h in hits})
    rows = [dict(task_rows([tasks[h["task"]]], reading.titles())[0], score=h["score"],
                 segments=h["text"], req_segments=h["requirements"]) for h in hits if h["task"] in tasks]
    return ctx.table_page(reading, SEARCH, rows, "search.html", reading.t("e.search", q=q or ""), reading.many,
                          search_q=q or "", q=q or "")


@router.get("/sparql-editor", response_class=HTMLResponse)
async def editor(request: Request, ctx: Ctx):
    examples = [{"name": n, "text": query_text(n)} for n in query_names()]
    return render(ctx.env, await ctx.who(request), "sparql.html", examples=examples)


router.include_router(pages_questions.router)
