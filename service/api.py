"""The question API (/api/…): thin routes over dutygraph.graph; every answer comes from a .rq query."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

import pyoxigraph as ox
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from dutygraph.graph import contract, listings, questions, reports
from dutygraph.graph.search import build_index, search

from . import deps
from .answer_cache import AnswerCache, json_page, page_of
from .responses import answer, wants
from .security import is_iri, term_problem

FORMAT = Query(None, description="json (default), csv or xlsx; Accept: text/csv works too")
EXPLAIN = Query(False, description="show the SPARQL query files and bound values instead of the answer")
LIMIT = Query(None, ge=1, le=100_000, description="at most this many items (one page); X-Total-Count has the whole count")
OFFSET = Query(0, ge=0, description="skip this many items first (the next page is offset + limit)")
TASK_QUERIES = ["tasks", "task_units", "task_entities"]


def _counted(response: Response, total: int) -> Response:
    response.headers["X-Total-Count"] = str(total)
    return response


def as_uri(iri: str) -> str:
    """An IRI with its non-ASCII characters %-encoded (RFC 3987's mapping), the form dutygraph mints."""
    return quote(iri, safe="/:?#[]@!$&'()*+,;=%~")


def _check(name: str, value: str | None, iri_only: bool = False) -> None:
    """400 naming the parameter when its value cannot be bound into a query (security.term_problem)."""
    problem = term_problem(value, iri_only)
    if problem:
        raise HTTPException(400, f"{name}: {problem}" + (f"; give the {name} as an IRI" if iri_only else ""))


@dataclass(frozen=True)
class Asker:
    """The store and the kept answers of one request (service/deps.py), and the ways the routes ask them."""

    db: Any
    answers: AnswerCache

    async def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await run_in_threadpool(self.answers.call, fn, self.db, *args, **kwargs)

    def searched(self, store: ox.Store, q: str, limit: int = 50, plan: str | None = None) -> list[dict]:
        """search() over the index kept for this store generation (built once, not per request)."""
        return search(store, q, limit=limit, plan=plan, index=self.answers.index(build_index, store))

    def tasks_found(self, store: ox.Store, plan: str | None = None, kind: str | None = None,
                    department: str | None = None, facility: str | None = None, deadline_from: str | None = None,
                    deadline_to: str | None = None, q: str | None = None) -> list[dict]:
        return questions.find_tasks(store, plan, kind, department, facility, deadline_from, deadline_to, q, None,
                                    index=self.answers.index(build_index, store) if q else None)

    async def reply(self, request: Request, name: str, queries: list[str], fmt: str | None, fn: Callable[..., Any],
                    *args: Any, page: tuple[int, int | None] = (0, None), **kwargs: Any) -> Response:
        """A list answer, whole or one page (offset, limit) of it, JSON kept as bytes, gzip-compressed when the
        client accepts it and the body is large (answer_cache.json_page); CSV and XLSX are built per request.
        X-Total-Count is the length of the whole list, so a client can page through a listing of 500 plans."""
        if wants(request, fmt) != "json":
            items = await self.run(fn, *args, **kwargs)
            return _counted(answer(request, page_of(items, page), name, queries, fmt), len(items))
        gzipped = "gzip" in request.headers.get("accept-encoding", "").lower()
        sent, total, encoding = await run_in_threadpool(json_page, self.answers, page, fn, self.db, *args,
                                                        gzipped=gzipped, **kwargs)
        response = _counted(Response(sent, media_type="application/json"), total)
        response.headers["Vary"] = "Accept-Encoding"
        if encoding:
            response.headers["Content-Encoding"] = encoding
        return response


def _asker(db: deps.Store, answers: deps.Answers) -> Asker:
    return Asker(db, answers)


Ask = Annotated[Asker, Depends(_asker)]
router = APIRouter(prefix="/api", tags=["questions"])


@router.get("/tasks", summary="Duties, filtered by plan, kind, department, facility type, deadline and text",
            response_model=list[contract.TaskRow])
async def tasks(request: Request, ask: Ask, plan: str | None = None, kind: str | None = None,
                department: str | None = Query(None, description="name (any spelling) or IRI"),
                facility: str | None = Query(None, description="facility type label or IRI (narrower types included)"),
                deadline_from: str | None = Query(None, description="ISO year, year-month or date"),
                deadline_to: str | None = None, q: str | None = Query(None, description="Chinese text search"),
                limit: int | None = LIMIT, offset: int = OFFSET, format: str | None = FORMAT,
                explain: bool = EXPLAIN):
    for name, value in (("plan", plan), ("department", department), ("facility", facility)):
        _check(name, value)
    bindings = {"planId": plan, "kind": kind, "name|unit": department, "label|facility": facility}
    queries = TASK_QUERIES + (["tasks_by_department"] if department else []) + (["tasks_by_facility"] if facility else []) \
        + (["texts"] if q else [])
    if explain:
        return answer(request, [], "tasks", queries, explain=True, bindings=bindings)
    return await ask.reply(request, "tasks", queries, format, ask.tasks_found, plan=plan, kind=kind,
                       department=department, facility=facility, deadline_from=deadline_from,
                       deadline_to=deadline_to, q=q, page=(offset, limit))

@router.get("/tasks/{task_id:path}", summary="One duty by its IRI", response_model=contract.TaskRow)
async def task(request: Request, ask: Ask, task_id: str, format: str | None = FORMAT, explain: bool = EXPLAIN):
    item = None if explain else await ask.run(questions.get_task, task_id)
    if item is None and not explain:
        raise HTTPException(404, "no such duty")
    return answer(request, item, "task", TASK_QUERIES, format, explain, {"task": task_id})

@router.get("/search", summary="Ranked Chinese text search with highlight segments",
            response_model=list[contract.SearchHit])
async def text_search(request: Request, ask: Ask, q: str = Query(..., min_length=1, max_length=200), plan: str | None = None,
                      limit: int = Query(50, ge=1, le=1000), format: str | None = FORMAT, explain: bool = EXPLAIN):
    _check("plan", plan)
    if explain:
        return answer(request, [], "search", ["texts"], format, explain, {"q": q})
    return await ask.reply(request, "search", ["texts"], format, ask.searched, q, limit=limit, plan=plan)

def _listing(path: str, name: str, fn: Callable[..., Any], query: str | list[str], one: Callable[..., Any], model: Any) -> None:
    """A listing and its single-item route (departments, facility types, regulations)."""
    queries = [query] if isinstance(query, str) else query

    @router.get(path, summary=f"{name}, each with the duties that point to it", name=f"list_{name}",
                response_model=list[model])
    async def many(request: Request, ask: Ask, limit: int | None = LIMIT, offset: int = OFFSET,
                   format: str | None = FORMAT, explain: bool = EXPLAIN):
        if explain:
            return answer(request, [], name, queries, format, explain)
        return await ask.reply(request, name, queries, format, fn, page=(offset, limit))

    @router.get(path + "/{iri:path}", summary=f"One of {name} by IRI", name=f"get_{name}", response_model=model)
    async def single(request: Request, ask: Ask, iri: str, format: str | None = FORMAT, explain: bool = EXPLAIN):
        item = None if explain or not is_iri(iri) else await ask.run(one, iri)
        if item is None and not explain and is_iri(iri) and not iri.isascii():
            # The path arrives %-decoded: …/regulation/%E5%AE%89… (as the answers give it) reads as …/安…
            item = await ask.run(one, as_uri(iri))
        if item is None and not explain:
            raise HTTPException(404, f"no such item in {name}")
        return answer(request, item, name, queries, format, explain, {"iri": iri})

_listing("/departments", "departments", listings.departments, ["departments", "department_duties"], questions.department,
         contract.DepartmentRow)
_listing("/facility-types", "facility-types", listings.facility_types, "facility_types", questions.facility_type,
         contract.FacilityTypeRow)
_listing("/regulations", "regulations", listings.regulations, "regulations", questions.regulation, contract.RegulationRow)

@router.get("/indicators", summary="Quantitative targets with their duty", response_model=list[contract.IndicatorRow])
async def indicators(request: Request, ask: Ask, plan: str | None = None, limit: int | None = LIMIT, offset: int = OFFSET,
                     format: str | None = FORMAT, explain: bool = EXPLAIN):
    _check("plan", plan)
    if explain:
        return answer(request, [], "indicators", ["indicators"], format, explain, {"planId": plan})
    return await ask.reply(request, "indicators", ["indicators"], format, listings.indicators, plan=plan,
                       page=(offset, limit))

@router.get("/shared-facilities", summary="Departments that share a facility type (rolled up the hierarchy)",
            response_model=list[contract.SharedFacilitiesRow])
async def shared(request: Request, ask: Ask, facility: str | None = Query(None, description="facility type IRI"),
                 department: str | None = Query(None, description="department name or IRI"),
                 plan: str | None = Query(None, description="one plan's id: sharing within that allocation"),
                 by: str = Query("department", pattern="^(department|function)$",
                                 description="department: department pairs (within one plan); function: governments "
                                             "compared by the functions that carry each type"),
                 min_departments: int = Query(2, ge=1),
                 min_governments: int = Query(1, ge=1, description="by=function: types named in this many governments"),
                 limit: int | None = LIMIT, offset: int = OFFSET,
                 format: str | None = FORMAT, explain: bool = EXPLAIN):
    _check("facility", facility, iri_only=True)
    _check("department", department)
    _check("plan", plan)
    queries = ["shared_facilities"] + (["department_functions", "analysis_governments"] if by == "function" else [])
    if explain:
        return answer(request, [], "shared-facilities", queries, format, explain, {"facility": facility, "plan": plan})
    return await ask.reply(request, "shared-facilities", queries, format, reports.shared_facilities,
                       facility=facility, department=department, min_departments=min_departments, plan=plan,
                       by=by, min_governments=min_governments, page=(offset, limit))

@router.get("/orphans", summary="Orphaned duties with machine-readable reasons, and plan-level gaps",
            response_model=list[contract.OrphanRow])
async def orphan_list(request: Request, ask: Ask, reason: str | None = None, limit: int | None = LIMIT, offset: int = OFFSET,
                      format: str | None = FORMAT, explain: bool = EXPLAIN):
    if explain:
        return answer(request, [], "orphans", ["orphans"], format, explain)
    return await ask.reply(request, "orphans", ["orphans"], format, reports.orphans, reason=reason,
                       page=(offset, limit))

@router.get("/duplicates", summary="Duplicate pairs and parallel families", response_model=list[contract.DuplicateRow])
async def dup_list(request: Request, ask: Ask, kind: str | None = Query(None, pattern="^(duplicate|overlap|restates|parallel)$"),
                   min_score: float = Query(0.0, ge=0, le=1), limit: int | None = LIMIT, offset: int = OFFSET,
                   format: str | None = FORMAT, explain: bool = EXPLAIN):
    if explain:
        return answer(request, [], "duplicates", ["duplicates"], format, explain)
    return await ask.reply(request, "duplicates", ["duplicates"], format, reports.duplicates, kind=kind, min_score=min_score,
                       page=(offset, limit))

@router.get("/dependencies", summary="Task dependencies (from depends on to) with kind and evidence",
            response_model=list[contract.DependencyRow])
async def dep_list(request: Request, ask: Ask, kind: str | None = None, limit: int | None = LIMIT, offset: int = OFFSET,
                   format: str | None = FORMAT, explain: bool = EXPLAIN):
    if explain:
        return answer(request, [], "dependencies", ["dependencies"], format, explain, {"kind": kind})
    return await ask.reply(request, "dependencies", ["dependencies"], format, reports.dependencies, kind=kind,
                       page=(offset, limit))

@router.get("/alignments", summary="Cross-plan correspondences, best first", response_model=list[contract.AlignmentRow])
async def align_list(request: Request, ask: Ask, task: str | None = None, limit: int | None = LIMIT, offset: int = OFFSET,
                     format: str | None = FORMAT, explain: bool = EXPLAIN):
    _check("task", task, iri_only=True)
    if explain:
        return answer(request, [], "alignments", ["alignments"], format, explain, {"task": task})
    return await ask.reply(request, "alignments", ["alignments"], format, reports.alignments, task=task,
                       page=(offset, limit))

@router.get("/centrality", summary="Departments most central in their own government's department–facility network",
            response_model=list[contract.CentralityAnswerRow])
async def central(request: Request, ask: Ask,
                  scope: str = Query("plan", pattern="^(plan|function)$",
                                     description="plan: departments ranked within their government; function: "
                                                 "governments compared by function"),
                  jurisdiction: str | None = Query(None, description="one government (a plan's jurisdiction)"),
                  limit: int | None = LIMIT, offset: int = OFFSET,
                  format: str | None = FORMAT, explain: bool = EXPLAIN):
    _check("jurisdiction", jurisdiction)
    queries = ["centrality_functions"] if scope == "function" else ["centrality"]
    if explain:
        return answer(request, [], "centrality", queries, format, explain, {"jurisdiction": jurisdiction})
    return await ask.reply(request, "centrality", queries, format, reports.centrality, scope=scope,
                       jurisdiction=jurisdiction, page=(offset, limit))
