"""The deadlines page (/deadlines): duties by month and by department, those whose deadline has passed as of a
day (today unless ?as_of= names one), and the open-ended ones apart — for the plan chosen in the pages' one
plan selector (or 全部计划). A thin shell over graph/deadlines.py, fed each plan's kept duty list."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from dutygraph.graph.deadlines import board
from dutygraph.graph.plan_choice import ALL

from . import i18n
from .page_kit import Ctx, PageContext, Reader, render
from .security import term_problem

router = APIRouter(include_in_schema=False)
LISTED = 200    # duties listed per month or group when several plans are shown (the counts cover all)


def today() -> date:
    """A dependency, so that a test can fix the day (app.dependency_overrides[today])."""
    return date.today()


@router.get("/deadlines", response_class=HTMLResponse)
async def deadlines(request: Request, ctx: Ctx, day_today: Annotated[date, Depends(today)],
                    as_of: str | None = None) -> Response:
    asked = request.query_params.get("plan")
    problem = term_problem(asked)
    if problem:
        raise HTTPException(400, f"plan: {problem}")
    try:
        day = date.fromisoformat(as_of) if as_of else day_today
    except ValueError:
        raise HTTPException(400, "as_of: a date such as 2021-06-30") from None
    if asked and asked != ALL and asked not in {p.id for p in await run_in_threadpool(ctx.src.plans)}:
        raise HTTPException(404, f"no plan {asked!r}")
    return await ctx.page(request, deadline_page, vary=(day, day_today), day=day, as_of=as_of, day_today=day_today)


async def deadline_page(ctx: PageContext, reading: Reader, day: date, as_of: str | None, day_today: date) -> Response:
    plans = reading.plan_ids
    tasks = await run_in_threadpool(ctx.src.tasks, [p.id for p in reading.plans if plans is None or p.id in plans])
    one = reading.plan if plans else None          # None: 全部计划
    made = await run_in_threadpool(board, tasks.values(), day, one)
    lang = reading.t.lang
    return render(ctx.env, reading, "deadlines.html", board=made, one=one, titles=reading.titles(), many=reading.many,
                  day=lambda value: i18n.day(value, lang), month=lambda group: group.label if lang == "zh" else group.key,
                  listed=LISTED if reading.many else None, as_of=as_of or "", real_today=day_today)
