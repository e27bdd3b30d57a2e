"""Loading documents over HTTP (POST /api/load) while the service keeps answering, and the gate that makes
every answer come from one state of the store: the old plans or the new ones, never a mix.

The embedded store is held by this one process, so a running server cannot be loaded into by `dutygraph load`;
this route is how. The documents are parsed first, outside the gate (readers go on); only the write — the same
`load_plans` as the CLI, all or nothing — holds the gate exclusively. A question answer runs several SPARQL
queries, so it holds the gate shared for the whole request; /sparql is left out because one query already reads
one RocksDB snapshot."""
from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import tempfile
import unicodedata
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Annotated, Optional

import pyoxigraph as ox
from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.types import ASGIApp, Receive, Scope, Send

from dutygraph.graph.load import load_plans, read_all
from dutygraph.loaders import LoadError
from dutygraph.loaders.detect import SUPPORTED_SUFFIXES

from .security import bearer_token_ok

MAX_NAME_BYTES = 200     # a name becomes one path component (255 bytes on most file systems) and the plan id
MAX_FILES = 1000
_UNPRINTABLE = {"Cc", "Cf", "Cs", "Zl", "Zp"}   # control, format (bidi overrides, zero-width), lone surrogates, separators


class StoreGate:
    """A readers–writer lock on the event loop: many answers at once, or one load's write, never both.
    A waiting write goes first (new readers wait), so a steady stream of readers cannot starve a load."""

    def __init__(self) -> None:
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0
        self._changed = asyncio.Condition()

    @contextlib.asynccontextmanager
    async def reading(self) -> AsyncIterator[None]:
        async with self._changed:
            await self._changed.wait_for(lambda: not self._writing and not self._writers_waiting)
            self._readers += 1
        try:
            yield
        finally:
            async with self._changed:
                self._readers -= 1
                self._changed.notify_all()

    @contextlib.asynccontextmanager
    async def writing(self) -> AsyncIterator[None]:
        async with self._changed:
            self._writers_waiting += 1
            try:
                await self._changed.wait_for(lambda: not self._writing and self._readers == 0)
            finally:
                self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            async with self._changed:
                self._writing = False
                self._changed.notify_all()


class GateMiddleware:
    """Holds the gate shared for every HTTP request except the ones that need not or must not wait on it."""

    def __init__(self, app: ASGIApp, gate: StoreGate, exempt: tuple[str, ...]) -> None:
        self.app = app
        self.gate = gate
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.exempt):
            await self.app(scope, receive, send)
            return
        async with self.gate.reading():
            await self.app(scope, receive, send)


_FORM_SCHEMA = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["files"], "properties": {
        "files": {"type": "array", "items": {"type": "string", "format": "binary"},
                  "description": "documents (.txt .tsv .csv .docx .xlsx .pdf)"},
        "layout": {"type": "string", "description": "force a layout, as `dutygraph load --format`"}}}}}}}


def build_load_router(get_store: Callable[[], ox.Store], gate: StoreGate, token: str | None, enabled: bool,
                      after_write: Callable[[], None] = lambda: None) -> APIRouter:
    """`after_write` runs once the load has committed or failed (the service forgets its kept answers)."""
    router = APIRouter(prefix="/api", tags=["loading"])

    @router.post("/load", summary="Load documents (multipart upload); all or nothing; replaces the plans they hold",
                 openapi_extra=_FORM_SCHEMA,
                 responses={400: {"description": "a document or its name is bad; nothing was loaded"},
                            401: {"description": "missing or wrong bearer token"},
                            403: {"description": "loading over HTTP is disabled"},
                            413: {"description": "upload too large"},
                            415: {"description": "not a multipart/form-data upload"}})
    async def load(request: Request, authorization: Annotated[Optional[str], Header()] = None) -> dict[str, object]:
        """Same rule as `dutygraph load`: every document is parsed before the store is touched; a bad one
        answers 400 naming the file and line, and nothing is loaded. Needs `Authorization: Bearer <token>`,
        checked before a byte of the upload is read (the form is parsed here, not by FastAPI beforehand)."""
        if not enabled:
            raise HTTPException(403, "loading over HTTP is disabled (start the server with --allow-load --token T)")
        if not bearer_token_ok(authorization, token):
            raise HTTPException(401, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"})
        folder = Path(tempfile.mkdtemp(prefix="dutygraph-upload-"))
        try:
            paths, layout = await _received(request, folder)
            try:
                plans = await run_in_threadpool(read_all, paths, layout)
            except LoadError as exc:
                raise HTTPException(400, f"{exc}; nothing was loaded") from None
        finally:
            await run_in_threadpool(shutil.rmtree, folder, True)
        async with gate.writing():
            try:
                report = await run_in_threadpool(load_plans, get_store(), plans)
            finally:
                after_write()
        return {"plans": report.summary(), "triples": report.triples,
                "warnings": [f"{p.file}: {w}" for p in plans for w in p.warnings]}

    return router


async def _received(request: Request, folder: Path) -> tuple[list[Path], Optional[str]]:
    """The uploaded documents saved into `folder`, and the layout field."""
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise HTTPException(415, "send the documents as multipart/form-data, one files= part per document")
    async with request.form(max_files=MAX_FILES, max_fields=10, max_part_size=64 << 10) as form:
        layout = form.get("layout")
        if layout is not None and not isinstance(layout, str):
            raise HTTPException(400, "layout= is a form field, not a file")
        files = form.getlist("files")
        uploads = [f for f in files if isinstance(f, UploadFile)]
        if len(uploads) != len(files):
            raise HTTPException(400, "files= must be file uploads, not form text")
        return await _save(uploads, folder), layout or None


async def _save(files: list[UploadFile], folder: Path) -> list[Path]:
    """Each upload under its own name (the plan id is the file stem); names must be plain and distinct."""
    paths: list[Path] = []
    for upload in files:
        name = plain_name(upload.filename)
        path = folder / name
        if path.exists():
            raise HTTPException(400, f"{name}: given twice")
        with path.open("wb") as out:
            while chunk := await upload.read(1 << 20):
                out.write(chunk)
        paths.append(path)
    if not paths:
        raise HTTPException(400, "no documents given: send each one as a files= part of a multipart/form-data upload")
    return paths


def plain_name(raw: Optional[str]) -> str:
    """The document name a client sent, without any folder it came with (C:\\docs\\plan.txt → plan.txt), or a
    400 naming the problem: it is user input that becomes a file name and the plan id."""
    given = (raw or "").strip()
    parts = re.split(r"[/\\]", given)
    name = parts[-1].strip()
    problem = _name_problem(name, parts)
    if problem:
        shown = repr(given if len(given) <= 60 else given[:60] + "…")
        raise HTTPException(400, f"bad file name {shown}: {problem}; give each document a plain name such as plan.txt")
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        kind = f"unsupported type {suffix!r}" if suffix else "no type suffix"
        raise HTTPException(400, f"{name}: {kind}; documents are {' '.join(SUPPORTED_SUFFIXES)}")
    return name


def _name_problem(name: str, parts: list[str]) -> Optional[str]:
    if ".." in parts:
        return "a name with .. would leave the upload folder"
    if not name or name.startswith("."):
        return "empty or hidden"
    if any(unicodedata.category(ch) in _UNPRINTABLE for ch in name):
        return "it holds control or invisible formatting characters"
    size = len(name.encode("utf-8"))
    return f"{size} bytes in UTF-8, at most {MAX_NAME_BYTES}" if size > MAX_NAME_BYTES else None
