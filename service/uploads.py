"""Loading documents over HTTP (POST /api/load) while the service keeps answering, and the gate that makes
every answer come from one state of the store: the old plans or the new ones, never a mix.

The embedded store is held by this one process, so a running server cannot be loaded into by `dutygraph load`;
this route is how. The documents are parsed first, outside the gate (readers go on); only the write — the same
`load_plans` as the CLI, all or nothing — holds the gate exclusively. A question answer runs several SPARQL
queries, so it holds the gate shared for the whole request; /sparql is left out because one query already reads
one RocksDB snapshot.

Who may load: with --allow-load, whoever holds the bearer token; with page uploads on (`make run`, loopback
only), also our own /upload page, by its per-start token and its origin (`PageUploads`). A load may store the
documents of an earlier preview (`PendingUploads`, service/upload_page.py) instead of an upload."""
from __future__ import annotations

import contextlib
import hmac
import ipaddress
import pickle
import re
import secrets
import shutil
import tempfile
import threading
import time
import unicodedata
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from dutygraph.graph.load import load_plans, read_all
from dutygraph.loaders import LoadError, PlanRecord
from dutygraph.loaders.detect import SUPPORTED_SUFFIXES

from . import deps
from .security import bearer_token_ok

if TYPE_CHECKING:
    pass

MAX_NAME_BYTES = 200     # a name becomes one path component (255 bytes on most file systems) and the plan id
MAX_FILES = 1000
_UNPRINTABLE = {"Cc", "Cf", "Cs", "Zl", "Zp"}   # control, format (bidi overrides, zero-width), lone surrogates, separators


_FORM_SCHEMA = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["files"], "properties": {
        "files": {"type": "array", "items": {"type": "string", "format": "binary"},
                  "description": "documents (.txt .tsv .csv .docx .xlsx .pdf)"},
        "layout": {"type": "string", "description": "force a layout, as `dutygraph load --format`"}}}}}}}


load_router = APIRouter(prefix="/api", tags=["loading"])


@load_router.post("/load", summary="Load documents (multipart upload); all or nothing; replaces the plans they hold",
                  openapi_extra=_FORM_SCHEMA,
                  responses={400: {"description": "a document or its name is bad; nothing was loaded"},
                             401: {"description": "missing or wrong bearer token"},
                             403: {"description": "loading over HTTP is disabled, or a page upload from another site"},
                             404: {"description": "no such preview (stored already, or expired)"},
                             413: {"description": "upload too large"},
                             415: {"description": "not a multipart/form-data upload"}})
async def load(request: Request, db: deps.Store, writes: deps.Writes, settings: deps.Config,
               authorization: Annotated[str | None, Header()] = None,
               preview: Annotated[str | None, Query(description="store the documents of this /api/preview "
                                                                   "instead of an upload", max_length=100)] = None,
               ) -> dict[str, object]:
    """Same rule as `dutygraph load`: every document is parsed before the store is touched; a bad one
    answers 400 naming the file and line, and nothing is loaded. Needs `Authorization: Bearer <token>`,
    checked before a byte of the upload is read (the form is parsed here, not by FastAPI beforehand).
    Loads go through the service's one write path (gate, fence, write, forget kept answers); the /upload
    page loads without the token (`make run`, page uploads on), previews are kept in the pending uploads."""
    authorise(request, authorization, settings.token, settings.allow_load, request.app.state.page_uploads)
    if preview is not None:
        plans = await run_in_threadpool(request.app.state.pending_uploads.take, preview)
    else:
        plans = await _parsed_upload(request)
    report = await writes.run(load_plans, db, plans)
    return {"plans": report.summary(), "triples": report.triples,
            "warnings": [f"{p.file}: {w}" for p in plans for w in p.warnings]}


async def _parsed_upload(request: Request) -> list[PlanRecord]:
    folder = Path(tempfile.mkdtemp(prefix="dutygraph-upload-"))
    try:
        paths, layout = await receive_documents(request, folder)
        try:
            return await run_in_threadpool(read_all, paths, layout)
        except LoadError as exc:
            raise HTTPException(400, f"{exc}; nothing was loaded") from None
    finally:
        await run_in_threadpool(shutil.rmtree, folder, True)


def authorise(request: Request, authorization: str | None, token: str | None, enabled: bool,
              page: PageUploads | None) -> None:
    """A write is allowed from our own /upload page (its per-start token in PAGE_TOKEN_HEADER, when page uploads
    are on), else with today's rule: --allow-load and the bearer token. Raises the HTTP error otherwise."""
    if page is not None and PAGE_TOKEN_HEADER in request.headers:
        refusal = page.refusal(request)
        if refusal:
            raise HTTPException(403, f"upload refused: {refusal}")
        return
    if not enabled:
        raise HTTPException(403, "loading over HTTP is disabled (start the server with --allow-load --token T)")
    if not bearer_token_ok(authorization, token):
        raise HTTPException(401, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"})


async def receive_documents(request: Request, folder: Path) -> tuple[list[Path], str | None]:
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


def plain_name(raw: str | None) -> str:
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


def _name_problem(name: str, parts: list[str]) -> str | None:
    if ".." in parts:
        return "a name with .. would leave the upload folder"
    if not name or name.startswith("."):
        return "empty or hidden"
    if any(unicodedata.category(ch) in _UNPRINTABLE for ch in name):
        return "it holds control or invisible formatting characters"
    size = len(name.encode("utf-8"))
    return f"{size} bytes in UTF-8, at most {MAX_NAME_BYTES}" if size > MAX_NAME_BYTES else None


# ------------------------------------------------------------------ uploads from our own page, and kept previews

PAGE_TOKEN_HEADER = "x-dutygraph-page-token"
PREVIEW_PREFIX = "dutygraph-preview-"       # the temporary folders of kept previews
_LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
_PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip")


def _loopback(host: str | None) -> bool:
    if not host:
        return False
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host.lower() in _LOOPBACK_NAMES


@dataclass(frozen=True)
class PageUploads:
    """Loads from the /upload page without the bearer token, for `make run`: one person on their own machine.
    A request must come over loopback, not through a proxy (whose clients would all look local), name a loopback
    Host (a DNS-rebound evil.example resolving to 127.0.0.1 would not), come from a page of this very origin
    (Origin, else Referer), and carry this start's random token, which only our own page holds."""

    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    def is_local(self, request: Request) -> bool:
        """Whether the request is one this page may serve the token to at all."""
        server = request.scope.get("server") or (None, None)
        host = urlsplit("//" + request.headers.get("host", "")).hostname
        return (_loopback(request.client.host if request.client else None) and _loopback(server[0])
                and not any(h in request.headers for h in _PROXY_HEADERS) and _loopback(host))

    def refusal(self, request: Request) -> str | None:
        """Why a page upload is refused, else None."""
        if not self.is_local(request):
            return "page uploads are only accepted over loopback (http://127.0.0.1), not through a proxy"
        own = f"{request.url.scheme}://{request.headers['host']}".lower()
        origin = request.headers.get("origin")
        if origin is None and request.headers.get("referer"):
            parts = urlsplit(request.headers["referer"])
            origin = f"{parts.scheme}://{parts.netloc}"
        if (origin or "").lower() != own:
            return f"the request comes from another site ({(origin or 'no Origin or Referer')[:80]}), not {own}"
        if not hmac.compare_digest(request.headers.get(PAGE_TOKEN_HEADER, "").encode(), self.token.encode()):
            return "the page token is missing or stale: reload the upload page"
        return None


@dataclass
class _Kept:
    folder: Path
    expires: float


class PendingUploads:
    """Previewed uploads waiting for confirmation, each in its own temporary folder (the documents and their
    parsed records, so that what is stored is exactly what was shown) under a random id; a preview is dropped
    when stored, cancelled, expired, or pushed out by newer ones beyond `capacity`."""

    def __init__(self, minutes: float = 30.0, capacity: int = 16) -> None:
        self.seconds = minutes * 60
        self.capacity = capacity
        self._kept: dict[str, _Kept] = {}
        self._lock = threading.Lock()
        weakref.finalize(self, lambda kept: _remove([k.folder for k in kept.values()]), self._kept)  # at exit too
        _remove(_stale_previews(max(self.seconds, 3600)))

    def keep(self, folder: Path, plans: list[PlanRecord]) -> str:
        (folder / "plans.pickle").write_bytes(pickle.dumps(plans, protocol=pickle.HIGHEST_PROTOCOL))
        key = secrets.token_urlsafe(16)
        with self._lock:
            self._kept[key] = _Kept(folder, time.monotonic() + self.seconds)
            dropped = self._expired() + self._overflow()
        _remove(dropped)
        return key

    def take(self, key: str) -> list[PlanRecord]:
        """The records of a kept preview, which is then forgotten (a second confirmation finds nothing)."""
        with self._lock:
            dropped = self._expired()
            kept = self._kept.pop(key, None)
        _remove(dropped)
        if kept is None:
            raise HTTPException(404, "no such preview: it was stored or cancelled already, or has expired; preview the documents again")
        try:
            return pickle.loads((kept.folder / "plans.pickle").read_bytes())   # our own file, in our own 0700 folder
        finally:
            _remove([kept.folder])

    def discard(self, key: str) -> bool:
        with self._lock:
            kept = self._kept.pop(key, None)
        _remove([kept.folder] if kept else [])
        return kept is not None

    def clear(self) -> None:
        with self._lock:
            folders = [k.folder for k in self._kept.values()]
            self._kept.clear()
        _remove(folders)

    def _expired(self) -> list[Path]:
        now = time.monotonic()
        gone = [k for k, v in self._kept.items() if v.expires < now]
        return [self._kept.pop(k).folder for k in gone]

    def _overflow(self) -> list[Path]:
        oldest = sorted(self._kept, key=lambda k: self._kept[k].expires)[:max(0, len(self._kept) - self.capacity)]
        return [self._kept.pop(k).folder for k in oldest]


def _stale_previews(seconds: float) -> list[Path]:
    """Preview folders a killed server left behind (none of a running server's is older than its expiry)."""
    stale = []
    for folder in Path(tempfile.gettempdir()).glob(PREVIEW_PREFIX + "*"):
        with contextlib.suppress(OSError):
            if time.time() - folder.stat().st_mtime > seconds:
                stale.append(folder)
    return stale


def _remove(folders: list[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
