"""HTML pages: home, one page per duty, department, facility type and regulation, the question tables,
search, and a SPARQL editor. Jinja2 with autoescaping; every asset comes from this package (intranets)."""
from __future__ import annotations

from importlib import resources
from typing import Callable, Optional
from urllib.parse import quote

import pyoxigraph as ox
from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from dutygraph.graph import listings, questions, reports
from dutygraph.graph.namespaces import plan_of_task as plan_of
from dutygraph.graph.tasks import list_tasks
from dutygraph.graph.queries import query_names, query_text, select
from dutygraph.graph.search import build_index, search

from .answer_cache import AnswerCache
from .security import is_iri

QUESTIONS = [
    ("shared-facilities", "哪些部门共同负责同一类设施？", "Which departments share a facility type (学校, 燃气管网, 电梯 …), rolled up the hierarchy."),
    ("orphans", "哪些任务无人具体负责？", "Duties with nobody concrete accountable, no statement, no deadline, or an open list; and plan-level gaps."),
    ("duplicates", "哪些任务重复下达？", "Duties written twice in one plan, and templates repeated for different facilities (parallel families)."),
    ("dependencies", "任务之间有什么依赖？", "Which duty needs what another duty builds (a platform, a system, a plan …), with the evidence."),
    ("alignments", "区县任务对应哪些市级任务？", "For each duty, the best-matching duties of the other plans."),
    ("centrality", "谁处在安全体系的中心？", "Departments most central in the department–facility network."),
]


def link(kind: str, iri: str) -> str:
    return f"/{kind}/{quote(iri, safe='')}"


def _env() -> Environment:
    folder = str(resources.files("dutygraph.service").joinpath("templates"))
    env = Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(default=True))
    env.globals["link"] = link
    env.filters["short"] = lambda iri: (iri or "").rsplit("/", 3)[-3:] and "/".join((iri or "").rsplit("/", 3)[-3:])
    return env


def build_pages_router(get_store: Callable[[], ox.Store], cache: AnswerCache | None = None) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    env = _env()
    answers = cache or AnswerCache(enabled=False)

    def page(name: str, **context) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(questions=QUESTIONS, **context))

    def searched(store: ox.Store, q: str, limit: int = 50) -> list[dict]:
        return search(store, q, limit=limit, index=answers.index(build_index, store))

    async def run(fn, *args, **kwargs):
        return await run_in_threadpool(answers.call, fn, get_store(), *args, **kwargs)

    @router.get("/", response_class=HTMLResponse)
    async def home():
        plans = await run(select, "stats")
        return page("home.html", plans=plans)

    @router.get("/tasks/{task_id:path}", response_class=HTMLResponse)
    async def task_page(task_id: str):
        task = await run(questions.get_task, task_id)
        if task is None:
            raise HTTPException(404, "no such duty")
        deps = [d for d in await run(reports.dependencies) if task_id in (d["from"], d["to"])]
        aligned = next((a["candidates"] for a in await run(reports.alignments, task=task_id)), [])
        orphan = next((o["reasons"] for o in await run(reports.orphans) if o["task"] == task_id), [])
        return page("task.html", task=task, deps=deps, aligned=aligned, orphan=orphan)

    async def _tasks(ids: list[str]) -> list[dict]:
        """The duties behind `ids`, read plan by plan (one plan's list is cheap and kept), never the whole store."""
        wanted = set(ids)
        found: list[dict] = []
        for plan in sorted({plan_of(i) for i in ids} - {None}):
            found += [t for t in await run(list_tasks, plan=plan) if t["id"] in wanted]
        return found

    async def _found(lookup, iri: str, what: str) -> dict:
        """The item behind an IRI from the URL, or 404 (also for text that is no IRI at all)."""
        item = await run(lookup, iri) if is_iri(iri) else None
        if item is None:
            raise HTTPException(404, f"no such {what}")
        return item

    @router.get("/departments", response_class=HTMLResponse)
    async def departments():
        return page("list.html", title="部门 Departments", kind="departments", items=await run(listings.departments),
                    label="name")

    @router.get("/departments/{iri:path}", response_class=HTMLResponse)
    async def department(iri: str):
        item = await _found(questions.department, iri, "department")
        return page("entity.html", title=item["name"], item=item, tasks=await _tasks(item["tasks"]),
                    facts={"类型 kind": item["kind"], "辖区 jurisdiction": item["jurisdiction"], "层级 level": item["level"],
                           "职能 functions": "、".join(item["functions"])})

    @router.get("/facility-types", response_class=HTMLResponse)
    async def facility_types():
        return page("list.html", title="设施类型 Facility types", kind="facility-types",
                    items=await run(listings.facility_types), label="label")

    @router.get("/facility-types/{iri:path}", response_class=HTMLResponse)
    async def facility_type(iri: str):
        item = await _found(questions.facility_type, iri, "facility type")
        shared = await run(reports.shared_facilities, facility=iri, min_departments=1)
        return page("entity.html", title=item["label"], item=item, tasks=await _tasks(item["tasks"]),
                    facts={"上位类型 broader": "、".join(item["broader"]),
                           "负责部门 departments": "、".join(shared[0]["departments"]) if shared else ""})

    @router.get("/regulations", response_class=HTMLResponse)
    async def regulations_list():
        return page("list.html", title="法规文件 Regulations", kind="regulations", items=await run(listings.regulations),
                    label="title")

    @router.get("/regulations/{iri:path}", response_class=HTMLResponse)
    async def regulation(iri: str):
        item = await _found(questions.regulation, iri, "regulation")
        return page("entity.html", title=item["title"] or item["number"], item=item, tasks=await _tasks(item["tasks"]),
                    facts={"文号 number": item["number"] or ""})

    @router.get("/questions/{name}", response_class=HTMLResponse)
    async def question(name: str):
        known = {q[0]: q for q in QUESTIONS}
        if name not in known:
            raise HTTPException(404, "no such question")
        rows = await run(reports.BY_NAME[name])
        return page("question.html", question=known[name], rows=rows[:2000], total=len(rows))

    @router.get("/search", response_class=HTMLResponse)
    async def search_page(q: Optional[str] = None):
        hits = await run(searched, q, limit=100) if q else []
        return page("search.html", q=q or "", hits=hits)

    @router.get("/sparql-editor", response_class=HTMLResponse)
    async def editor():
        examples = [{"name": n, "text": query_text(n)} for n in query_names()]
        return page("sparql.html", examples=examples)

    return router
