"""The FastAPI application: /healthz, the SPARQL 1.1 endpoint, and (growing) the question API and pages.
The store is opened once per process and shared; everything read goes through SPARQL."""
from __future__ import annotations

import logging
import os
from importlib import resources
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pyoxigraph as ox
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException

from dutygraph.graph.store import named_graphs, open_store

from . import security
from .answer_cache import AnswerCache, warm_up

log = logging.getLogger("dutygraph")


@dataclass(frozen=True)
class Settings:
    """The service's knobs (the CLI's `serve` flags); unsafe combinations are refused at start-up."""

    store: str | None = None
    allow_update: bool = False  # SPARQL Update on /sparql, with the bearer token
    allow_load: bool = False  # POST /api/load, with the bearer token
    token: str | None = None  # bearer token for updates and loads
    timeout_s: float = 10.0
    max_rows: int = 100_000
    samples_dir: Path | None = None
    cors_origins: tuple[str, ...] = ()  # sites whose pages may call the API; none by default
    max_body_bytes: int = 1 << 20  # any request body, /sparql included
    max_upload_bytes: int = 64 << 20  # POST /api/load
    query_isolation: Literal["process", "thread", "fork"] = "process"  # see service/sparql.py on the time limit
    cache: bool = True  # keep answers until the next write (embedded store only; service/answer_cache.py)
    warm: bool = False  # `serve` turns it on: compute the whole-store listings in the background at start and after each load
    cache_mb: int = 256  # memory budget of the kept answers (MiB); least recently used dropped first
    # `make run`: the /upload page may load without the token, from our own page over loopback only (service/uploads.py)
    local_uploads: bool = field(default_factory=lambda: os.environ.get("DUTYGRAPH_LOCAL_UPLOADS") == "1")
    preview_minutes: float = 30.0  # how long an upload previewed on /upload waits for confirmation
    query_memory_mb: int = 1024  # per /sparql query with query_isolation="process" (service/query_pool.py)
    service_allowlist: tuple[str, ...] = ()  # SERVICE IRIs /sparql may call; none by default (no SSRF)

    def __post_init__(self) -> None:
        if (self.allow_update or self.allow_load) and not self.token:
            raise ValueError("allow_update and allow_load need a token: an open write endpoint is refused")
        if self.token is not None and len(self.token) < 16:
            raise ValueError("the token must be at least 16 characters")
        if self.max_body_bytes < 1024 or self.max_upload_bytes < 1024:
            raise ValueError("max_body_bytes and max_upload_bytes must be at least 1024")
        if "*" in self.cors_origins:
            raise ValueError("cors_origins: list the sites; '*' would let any page read the answers")


def _load_samples_if_empty(store: ox.Store, samples_dir: Path) -> None:
    """`make run`: a fresh store gets the bundled sample documents; an existing one is left alone."""
    from dutygraph.graph.load import load_files

    if any("/graph/plan/" in g for g in named_graphs(store)):
        return
    files = sorted(p for p in samples_dir.iterdir() if p.is_file() and not p.name.startswith(".") and p.suffix != ".md")
    if files:
        report = load_files(store, files)
        log.info("loaded %d sample plan(s), %d triples", len(report.plans), report.triples)


def app_from_env() -> FastAPI:
    """The uvicorn factory behind `dutygraph serve --workers N` (remote engines only): each worker process
    builds its app from the environment and holds no state besides its HTTP connections."""
    env = os.environ
    return create_app(Settings(
        store=env["DUTYGRAPH_STORE"], timeout_s=float(env.get("DUTYGRAPH_TIMEOUT", "10")),
        allow_update=bool(env.get("DUTYGRAPH_ALLOW_UPDATE")), allow_load=bool(env.get("DUTYGRAPH_ALLOW_LOAD")),
        token=env.get("DUTYGRAPH_TOKEN") or None, cors_origins=tuple(env.get("DUTYGRAPH_CORS_ORIGINS", "").split()),
        max_body_bytes=int(env.get("DUTYGRAPH_MAX_BODY_BYTES", str(1 << 20))),
        max_upload_bytes=int(env.get("DUTYGRAPH_MAX_UPLOAD_BYTES", str(64 << 20)))))


def create_app(settings: Settings | None = None, store: ox.Store | None = None) -> FastAPI:
    settings = settings or Settings()
    db: Any = store if store is not None else open_store(settings.store)   # ox.Store or a RemoteStore
    if type(db).__name__ == "RemoteStore":           # the engine's HTTP limit follows the service's
        from dutygraph.graph.remote import with_timeout

        db = with_timeout(db, settings.timeout_s + 1)
    if settings.samples_dir is not None:
        _load_samples_if_empty(db, settings.samples_dir)

    # FastAPIOffline serves /docs and /redoc from assets inside the package (no CDN: users sit on intranets).
    app = FastAPIOffline(title="dutygraph", version="0.1.0",
                         description="Duty-allocation tables (任务分工表) as a knowledge graph: SPARQL endpoint and question API.")
    app.state.store = db
    app.state.settings = settings
    # Answers are kept until the next write; only the embedded store has no writer but this process.
    cache = AnswerCache(enabled=settings.cache and isinstance(db, ox.Store), keep_indexes=isinstance(db, ox.Store),
                        max_bytes=settings.cache_mb << 20)
    app.state.cache = cache

    from dutygraph.viz import build_viz_router

    from .api import build_api_router
    from .deadlines_page import build_deadlines_router
    from .dismissals import build_dismissals_router
    from .duty_lists import build_duty_lists_router
    from .pages import build_pages_router
    from .sparql import SparqlSettings, build_sparql_router
    from .upload_page import build_upload_router
    from .uploads import GateMiddleware, PageUploads, PendingUploads, build_load_router
    from .writes import WritePath

    def after_write() -> None:
        cache.invalidate()
        if settings.warm:
            app.state.warming = warm_up(cache, db)

    writes = WritePath(after_write=after_write)     # the one write path: loads, uploads and SPARQL Update
    gate = writes.gate
    app.state.gate = gate
    app.include_router(build_sparql_router(
        lambda: db,
        SparqlSettings(timeout_s=settings.timeout_s, max_rows=settings.max_rows,
                       allow_update=settings.allow_update, update_token=settings.token,
                       isolation=settings.query_isolation, memory_limit_mb=settings.query_memory_mb,
                       service_allowlist=settings.service_allowlist),
        cache, writes,
    ))
    page_uploads = PageUploads() if settings.local_uploads else None
    pending = PendingUploads(settings.preview_minutes)
    app.include_router(build_load_router(lambda: db, writes, settings.token, settings.allow_load, page_uploads, pending))
    app.include_router(build_upload_router(lambda: db, pending, settings.token, settings.allow_load, page_uploads))
    app.include_router(build_api_router(lambda: db, cache))
    app.include_router(build_dismissals_router(lambda: db, writes, settings.token, settings.allow_update))
    app.include_router(build_viz_router(lambda: db, cache))
    app.include_router(build_duty_lists_router(lambda: db, cache))   # before the pages' /departments/{iri:path}
    app.include_router(build_deadlines_router(lambda: db, cache))
    app.include_router(build_pages_router(lambda: db, cache))
    app.state.warming = warm_up(cache, db) if settings.warm else None
    # Middleware added last runs first: the body limit before the gate, so a too-large upload never waits.
    app.add_middleware(GateMiddleware, gate=gate,
                       exempt=("/sparql", "/api/load", "/api/preview", "/api/findings/dismiss", "/upload", "/static", "/favicon.ico"))
    uploads = tuple((path, settings.max_upload_bytes) for path in ("/api/load", "/api/preview"))
    security.install(app, security.BodyLimits(settings.max_body_bytes, uploads), settings.cors_origins)
    static = resources.files("dutygraph.service").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="4" cy="8" r="3" fill="#1f4e79"/>'
               '<circle cx="12" cy="4" r="3" fill="#2e8b57"/><circle cx="12" cy="12" r="3" fill="#c0392b"/></svg>')
        return Response(svg, media_type="image/svg+xml")

    @app.get("/healthz", tags=["service"])
    def healthz() -> JSONResponse:
        # Counting quads scans the whole store on RocksDB (3 s at 10 million): once per store generation.
        plans, quads = cache.get(("healthz",), lambda: (sum("/graph/plan/" in g for g in named_graphs(db)), len(db)))
        warming = app.state.warming is not None and app.state.warming.is_alive()
        return JSONResponse({"status": "ok", "plans": plans, "quads": quads,
                             "answers": {**cache.stats(), "warming": warming}})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e.get("loc", [])), "msg": e.get("msg", "")} for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s", request.url.path)
        return JSONResponse({"detail": "internal error"}, status_code=500)

    return app
