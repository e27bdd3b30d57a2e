"""Loading documents from the browser: the /upload page, and POST /api/preview, which reads the documents as a
load would, answers what was read (per duty: lead, co-responsible, deadline, warnings; units the vocabularies
do not know marked) and keeps them under a short-lived id until `POST /api/load?preview=<id>` stores them.

Who may preview is who may load (service/uploads.py, `authorise`): with `make run` the page itself, on loopback,
with its per-start token; on any other bind only --allow-load and the bearer token."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from dutygraph.graph import namespaces as ns
from dutygraph.graph.candidates import classify_names
from dutygraph.graph.load import read_all
from dutygraph.graph.store import named_graphs
from dutygraph.loaders import LoadError, PlanRecord
from dutygraph.loaders.detect import SUPPORTED_SUFFIXES
from dutygraph.loaders.preview import plan_preview

from . import deps
from .duty_lists import templates
from .uploads import _FORM_SCHEMA, PAGE_TOKEN_HEADER, PREVIEW_PREFIX, PageUploads, PendingUploads, authorise, receive_documents


def preview_payload(plans: list[PlanRecord], stored: set[str]) -> list[dict[str, Any]]:
    """Each document's preview (loaders/preview.py) with its plan id, whether it replaces a stored plan, and the
    unit names the vocabularies do not know (their function is only guessed from the name) with the guess."""
    documents = []
    for plan in plans:
        preview = plan_preview(plan).as_dict()
        names = sorted({n for d in preview["duties"] for n in (*d["lead"], *d["co_responsible"])})
        unknown = {row["name"]: {"confidence": round(row["confidence"], 2), "functions": row["functions"]}
                   for row in classify_names(names, plan.jurisdiction, plan.issuer_level or plan.level)
                   if not row["curated"]}
        documents.append({**preview, "plan": plan.plan_id, "replaces": ns.plan_graph(plan.plan_id) in stored,
                          "unknown_units": unknown})
    return documents


router = APIRouter()
Pending = Annotated[PendingUploads, Depends(deps.pending_uploads)]
PageTokens = Annotated[PageUploads | None, Depends(deps.page_uploads)]


def _authorise(request: Request, settings: deps.Config, page: PageTokens,
               authorization: Annotated[str | None, Header()] = None) -> None:
    """uploads.authorise with this app's settings: the page's own token, or --allow-load and the bearer token."""
    authorise(request, authorization, settings.token, settings.allow_load, page)


Authorised = Depends(_authorise)


@router.get("/upload", response_class=HTMLResponse, include_in_schema=False)
async def upload_page(request: Request, settings: deps.Config, page: PageTokens, pending: Pending) -> HTMLResponse:
    mode = "page" if page is not None and page.is_local(request) else "token" if settings.allow_load else "disabled"
    return HTMLResponse(templates().get_template("upload.html").render(
        mode=mode, page_token=page.token if page is not None and mode == "page" else "", token_header=PAGE_TOKEN_HEADER,
        suffixes=SUPPORTED_SUFFIXES, minutes=round(pending.seconds / 60)),
        headers={"Cache-Control": "no-store", "Referrer-Policy": "same-origin"})


@router.post("/api/preview", tags=["loading"], openapi_extra=_FORM_SCHEMA, dependencies=[Authorised],
             summary="Read documents as a load would and show what would be stored; keep them for /api/load?preview=",
             responses={400: {"description": "a document or its name is bad; nothing was kept"},
                        401: {"description": "missing or wrong bearer token"},
                        403: {"description": "loading over HTTP is disabled, or a page upload from another site"},
                        413: {"description": "upload too large"}, 415: {"description": "not multipart/form-data"}})
async def preview(request: Request, db: deps.Store, pending: Pending) -> dict[str, Any]:
    """Same limits and name checks as /api/load. Answers `preview` (the id to confirm with), `expires_in`
    (seconds) and `documents`: per document its plan, layout, title, warnings, duties (number, opening words,
    lead, co_responsible, collective, persons, deadline, lines, warnings) and `unknown_units`."""
    folder = Path(tempfile.mkdtemp(prefix=PREVIEW_PREFIX))
    try:
        paths, layout = await receive_documents(request, folder)
        plans = await run_in_threadpool(read_all, paths, layout)
        stored = set(await run_in_threadpool(named_graphs, db))
        documents = await run_in_threadpool(preview_payload, plans, stored)
        key = await run_in_threadpool(pending.keep, folder, plans)
    except LoadError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise HTTPException(400, f"{exc}; nothing was kept") from None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return {"preview": key, "expires_in": int(pending.seconds), "documents": documents}


@router.delete("/api/preview/{key}", tags=["loading"], status_code=204, response_class=Response, dependencies=[Authorised],
               summary="Forget a preview without storing it", responses={404: {"description": "no such preview"}})
async def cancel(key: str, pending: Pending) -> Response:
    if not await run_in_threadpool(pending.discard, key):
        raise HTTPException(404, "no such preview")
    return Response(status_code=204)
