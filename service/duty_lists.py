"""Routes for the 责任清单: a department's duties as a page, a Word document and a workbook, and a plan's whole
set of department lists. Thin shells over graph/duty_lists.py and service/documents.py.

These routes must be included before the pages router: its `/departments/{iri:path}` would swallow
`/departments/{iri}/duty-list.docx`."""
from __future__ import annotations

import functools
from importlib import resources
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from dutygraph.graph.duty_lists import DutyList, department_duty_lists, plan_duty_lists

from . import deps
from .answer_cache import AnswerCache
from .documents import DOCX_MEDIA_TYPE, XLSX_MEDIA_TYPE, duty_lists_docx, duty_lists_xlsx
from .security import is_iri, term_problem


@functools.cache
def templates() -> Environment:
    """The service's templates (base.html and ours), autoescaped, with the pages' `link` helper; one
    environment per process, so templates are compiled once."""
    from .pages import link

    folder = str(resources.files("dutygraph.service").joinpath("templates"))
    env = Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(default=True))
    env.globals["link"] = link
    env.filters["cn_date"] = lambda day: f"{day.year}年{day.month}月{day.day}日" if day else "—"
    return env


def download(body: bytes, media_type: str, name: str, fallback: str) -> Response:
    """An attachment with its Chinese name (RFC 6266 filename*) and an ASCII name for old clients."""
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name[:120], safe='')}"
    return Response(body, media_type=media_type, headers={"Content-Disposition": disposition})


router = APIRouter(tags=["duty lists"])


async def _department_lists(db: Any, answers: AnswerCache, iri: str, plan: str | None) -> list[DutyList]:
    problem = term_problem(plan)
    if problem:
        raise HTTPException(400, f"plan: {problem}")
    lists = await run_in_threadpool(answers.call, department_duty_lists, db, iri, plan) if is_iri(iri) else []
    if not lists:
        raise HTTPException(404, "no duties for this department" + (f" in plan {plan!r}" if plan else ""))
    return lists


async def _plan_lists(db: Any, answers: AnswerCache, plan: str) -> list[DutyList]:
    problem = term_problem(plan)
    if problem:
        raise HTTPException(400, f"plan: {problem}")
    lists = await run_in_threadpool(answers.call, plan_duty_lists, db, plan)
    if not lists:
        raise HTTPException(404, f"no plan {plan!r}, or no department named in it")
    return lists


@router.get("/departments/{iri:path}/duty-list.docx", summary="A department's 责任清单 as a Word document",
            response_class=Response, responses={200: {"content": {DOCX_MEDIA_TYPE: {}}}, 404: {}})
async def department_docx(iri: str, db: deps.Store, answers: deps.Answers, plan: str | None = None) -> Response:
    """One section per plan naming the department (or only `plan`): title, department, table."""
    lists = await _department_lists(db, answers, iri, plan)
    body = await run_in_threadpool(duty_lists_docx, lists)
    return download(body, DOCX_MEDIA_TYPE, f"{lists[0].name}责任清单.docx", "duty-list.docx")


@router.get("/departments/{iri:path}/duty-list.xlsx", summary="A department's 责任清单 as an Excel workbook",
            response_class=Response, responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}, 404: {}})
async def department_xlsx(iri: str, db: deps.Store, answers: deps.Answers, plan: str | None = None) -> Response:
    lists = await _department_lists(db, answers, iri, plan)
    body = await run_in_threadpool(duty_lists_xlsx, lists, f"{lists[0].name}责任清单")
    return download(body, XLSX_MEDIA_TYPE, f"{lists[0].name}责任清单.xlsx", "duty-list.xlsx")


@router.get("/departments/{iri:path}/duty-list", response_class=HTMLResponse, include_in_schema=False)
async def department_page(iri: str, db: deps.Store, answers: deps.Answers, plan: str | None = None) -> HTMLResponse:
    every = await _department_lists(db, answers, iri, None)
    shown = [d for d in every if plan in (None, d.plan)]
    if not shown:
        raise HTTPException(404, f"no duties for this department in plan {plan!r}")
    return HTMLResponse(templates().get_template("duty_list.html").render(
        lists=shown, every=every, plan=plan, department=every[0].department, name=every[0].name))


@router.get("/plans/{plan}/duty-lists.docx", summary="Every department's 责任清单 of one plan, one Word document",
            response_class=Response, responses={200: {"content": {DOCX_MEDIA_TYPE: {}}}, 404: {}})
async def plan_docx(plan: str, db: deps.Store, answers: deps.Answers) -> Response:
    """One section per department (most duties first), a page break between."""
    lists = await _plan_lists(db, answers, plan)
    body = await run_in_threadpool(duty_lists_docx, lists)
    return download(body, DOCX_MEDIA_TYPE, f"{lists[0].plan_title}-各部门责任清单.docx", "duty-lists.docx")


@router.get("/plans/{plan}/duty-lists.xlsx", summary="Every department's 责任清单 of one plan, one workbook",
            response_class=Response, responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}, 404: {}})
async def plan_xlsx(plan: str, db: deps.Store, answers: deps.Answers) -> Response:
    lists = await _plan_lists(db, answers, plan)
    body = await run_in_threadpool(duty_lists_xlsx, lists, f"《{lists[0].plan_title}》各部门责任清单")
    return download(body, XLSX_MEDIA_TYPE, f"{lists[0].plan_title}-各部门责任清单.xlsx", "duty-lists.xlsx")


@router.get("/plans/{plan}/duty-lists", response_class=HTMLResponse, include_in_schema=False)
async def plan_page(plan: str, db: deps.Store, answers: deps.Answers) -> HTMLResponse:
    lists = await _plan_lists(db, answers, plan)
    return HTMLResponse(templates().get_template("duty_lists.html").render(lists=lists, plan=plan))
