"""The deadlines page (/deadlines): duties by month and by department, those whose deadline has passed as of a
day (today unless ?as_of= names one), and the open-ended ones apart. A thin shell over graph/deadlines.py."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pyoxigraph as ox
from fastapi import APIRouter, HTTPException
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from dutygraph.graph.deadlines import deadline_board
from dutygraph.graph.queries import select

from .answer_cache import AnswerCache
from .duty_lists import templates
from .security import term_problem


def build_deadlines_router(get_store: Callable[[], ox.Store], cache: AnswerCache | None = None,
                           today: Callable[[], date] = date.today) -> APIRouter:
    """`today` is injectable so that tests see the same deadlines pass whatever day they run."""
    router = APIRouter(include_in_schema=False)
    env = templates()
    answers = cache or AnswerCache(enabled=False)

    @router.get("/deadlines", response_class=HTMLResponse)
    async def deadlines(plan: str | None = None, as_of: str | None = None) -> HTMLResponse:
        problem = term_problem(plan)
        if problem:
            raise HTTPException(400, f"plan: {problem}")
        try:
            day = date.fromisoformat(as_of) if as_of else today()
        except ValueError:
            raise HTTPException(400, "as_of: a date such as 2021-06-30") from None
        plans = {p["planId"]: p["title"] for p in await run_in_threadpool(answers.call, select, get_store(), "stats")}
        if plan and plan not in plans:
            raise HTTPException(404, f"no plan {plan!r}")
        board = await run_in_threadpool(answers.call, deadline_board, get_store(), day, plan or None)
        return HTMLResponse(env.get_template("deadlines.html").render(
            board=board, plans=plans, plan=plan or "", as_of=as_of or "", real_today=today()))

    return router
