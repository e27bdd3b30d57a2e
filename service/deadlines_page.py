"""The deadlines page (/deadlines): duties by month and by department, those whose deadline has passed as of a
day (today unless ?as_of= names one), and the open-ended ones apart. A thin shell over graph/deadlines.py."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from dutygraph.graph.deadlines import deadline_board
from dutygraph.graph.queries import select

from . import deps
from .duty_lists import templates
from .security import term_problem

router = APIRouter(include_in_schema=False)


def today() -> date:
    """A dependency, so that a test can fix the day (app.dependency_overrides[today])."""
    return date.today()


@router.get("/deadlines", response_class=HTMLResponse)
async def deadlines(db: deps.Store, answers: deps.Answers, day_today: Annotated[date, Depends(today)],
                    plan: str | None = None, as_of: str | None = None) -> HTMLResponse:
    problem = term_problem(plan)
    if problem:
        raise HTTPException(400, f"plan: {problem}")
    try:
        day = date.fromisoformat(as_of) if as_of else day_today
    except ValueError:
        raise HTTPException(400, "as_of: a date such as 2021-06-30") from None
    plans = {p["planId"]: p["title"] for p in await run_in_threadpool(answers.call, select, db, "stats")}
    if plan and plan not in plans:
        raise HTTPException(404, f"no plan {plan!r}")
    board = await run_in_threadpool(answers.call, deadline_board, db, day, plan or None)
    return HTMLResponse(templates().get_template("deadlines.html").render(
        board=board, plans=plans, plan=plan or "", as_of=as_of or "", real_today=day_today))
