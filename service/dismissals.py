"""Dismissing findings over HTTP (/api/findings/…): thin routes over dutygraph.graph.dismissals.

The rule: dismissing is a write to the store, so it is allowed exactly when SPARQL Update is (`serve
--allow-update --token …`), and needs ``Authorization: Bearer <token>``. Otherwise 403 (disabled: use
`dutygraph dismiss`), and 401 for a missing or wrong token. The person is named in the request (`by`); the
dismissal records that it came with the token (via "http-token"). Writes go through the service's one write
path (service/writes.py), so kept answers are forgotten and pages show the change at once. These paths are
exempt from the reading gate (service/app.py): a write inside a held read would wait for itself."""
from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Header, HTTPException, Query
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from dutygraph.graph import dismissals as dm

from . import deps
from .security import bearer_token_ok
from .writes import WritePath

PREFIX = "/api/findings"
_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "the finding, reason or name cannot be used"},
    401: {"description": "missing or wrong bearer token"},
    403: {"description": "writing over HTTP is disabled (start the server with --allow-update and --token)"},
    404: {"description": "no such finding, or no dismissal of it"},
}


class DismissRequest(BaseModel):
    """Which finding (its IRI, or its duties and kind), why, and who."""

    finding: str | None = Field(None, max_length=2000, description="the finding's IRI (`finding` in /api/duplicates)")
    tasks: list[str] = Field(default_factory=list, max_length=100, description="or: its member duties' IRIs")
    kind: str | None = Field(None, max_length=40, description="the finding's kind, when duties make up several")
    reason: str = Field(..., min_length=1, max_length=dm.MAX_REASON_CHARS, description="why (Chinese text)")
    by: str = Field(..., min_length=1, max_length=dm.MAX_NAME_CHARS, description="who dismisses it")


router = APIRouter(prefix=PREFIX, tags=["findings"])


def _authorise(settings: deps.Config, authorization: Annotated[str | None, Header()] = None) -> None:
    """403 unless writing over HTTP is on (--allow-update with a token), 401 for a missing or wrong token."""
    if not settings.allow_update or not settings.token:
        raise HTTPException(403, "dismissing findings over HTTP is disabled: start the server with "
                                 "--allow-update --token …, or use `dutygraph dismiss` on the server")
    if not bearer_token_ok(authorization, settings.token):
        raise HTTPException(401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"})


Authorised = Depends(_authorise)


async def _write(writes: WritePath, store: Any, fn: Callable[..., dm.Dismissal], *args: Any) -> dict[str, Any]:
    try:
        return (await writes.run(fn, store, *args)).as_json()
    except dm.FindingNotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except dm.DismissalError as exc:
        raise HTTPException(400, str(exc)) from None


def _dismiss(store: ox.Store, body: DismissRequest) -> dm.Dismissal:
    found = dm.find_finding(store, body.finding, body.tasks, body.kind)
    return dm.dismiss(store, found, body.reason, body.by, via="http-token")


@router.post("/dismiss", summary="Dismiss a finding with a reason (bearer token; kept across reloads)",
             responses=_ERRORS, dependencies=[Authorised])
async def dismiss_finding(body: DismissRequest, db: deps.Store, writes: deps.Writes):
    return await _write(writes, db, _dismiss, body)


@router.delete("/dismiss", summary="Withdraw the dismissal of a finding named by its IRI or duties (bearer token)",
               responses=_ERRORS, dependencies=[Authorised])
async def undismiss_by_query(db: deps.Store, writes: deps.Writes,
                             finding: Annotated[str | None, Query(max_length=2000, description="the finding's IRI")] = None,
                             tasks: Annotated[list[str], Query(description="or: its member duties' IRIs")] = [],  # noqa: B006
                             kind: str | None = None):
    return await _write(writes, db, lambda store: dm.undismiss(store, finding, tasks, kind))


@router.delete("/dismiss/{finding:path}", summary="Withdraw the dismissal of a finding (bearer token)",
               responses=_ERRORS, dependencies=[Authorised])
async def undismiss_finding(finding: str, db: deps.Store, writes: deps.Writes):
    return await _write(writes, db, lambda store: dm.undismiss(store, finding))


@router.get("/dismissals", summary="Dismissed findings: which, why, who and when")
async def dismissal_list(db: deps.Store) -> list[dict[str, Any]]:
    return [d.as_json() for d in await run_in_threadpool(dm.dismissals, db)]
