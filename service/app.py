"""The FastAPI application: /healthz, the SPARQL 1.1 endpoint, the question API and pages. The store is opened
once per process and shared (everything read goes through SPARQL), and closed by the app's lifespan at shutdown;
the knobs are service/settings.py's `Settings`."""
from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException

from dutygraph.graph.store import named_graphs, open_store

from . import security
from .answer_cache import AnswerCache, text_index, warm_up
from .gate import GateMiddleware, StoreGate
from .settings import Settings
from .writes import WritePath

__all__ = ["Settings", "app_from_env", "create_app"]

log = logging.getLogger("dutygraph")
_WARM_JOIN_S = 30.0  # at shutdown, how long to wait for the warm-up before leaving the store to close after it


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
    builds its app from the settings `serve` put in $DUTYGRAPH_SETTINGS (else from the DUTYGRAPH_* variables)
    and holds no state besides its HTTP connections."""
    return create_app(Settings.from_env())


def create_app(settings: Settings | None = None, store: ox.Store | None = None) -> FastAPI:
    """The app over `store`, or over the store `settings.store` names, opened now (so a locked folder fails
    before a port is bound) and closed when the app shuts down; a store passed in stays the caller's."""
    settings = settings or Settings()
    # FastAPIOffline serves /docs and /redoc from assets inside the package (no CDN: users sit on intranets).
    app = FastAPIOffline(title="dutygraph", version="0.1.0", lifespan=_lifespan,
                         description="Duty-allocation tables (任务分工表) as a knowledge graph: SPARQL endpoint and question API.")
    app.state.settings = settings
    app.state.owns_store = store is None
    app.state.warming = None
    app.state.gate = StoreGate()
    _attach(app, store if store is not None else _open(settings))
    _include_routes(app)
    # Middleware added last runs first: the body limit before the gate, so a too-large upload never waits.
    app.add_middleware(GateMiddleware, gate=app.state.gate,
                       exempt=("/sparql", "/api/load", "/api/preview", "/api/findings/dismiss", "/upload", "/static", "/favicon.ico"))
    uploads = tuple((path, settings.max_upload_bytes) for path in ("/api/load", "/api/preview"))
    security.install(app, security.BodyLimits(settings.max_body_bytes, uploads), settings.cors_origins)
    static = resources.files("dutygraph.service").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    _service_routes(app)
    return app


def _open(settings: Settings) -> Any:
    """The store `settings.store` names (ox.Store or a RemoteStore), with samples loaded into an empty one."""
    db: Any = open_store(settings.store)
    if settings.samples_dir is not None:
        _load_samples_if_empty(db, settings.samples_dir)
    return db


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Open the store if an earlier shutdown of this app closed it, warm the answers, and close the store at
    shutdown: RocksDB's lock goes with the last reference to the store, so every route holding one goes too."""
    if app.state.store is None:
        _attach(app, _open(app.state.settings))
    if app.state.settings.warm:
        app.state.warming = _warm(app.state.cache, app.state.store)
    try:
        yield
    finally:
        _close(app)


def _warm(cache: AnswerCache, db: Any) -> Any:
    """The warm-up (answer_cache.warm_up), then what the pages read: the default plan's question rows (a new
    reader's first pages), the text index, and every plan's rows behind the 全部计划 pages."""
    from .pages_questions import warm_all_plans, warm_default_plan

    return warm_up(cache, db, steps=(warm_default_plan, text_index, warm_all_plans))


def _attach(app: FastAPI, db: Any) -> None:
    """Put `db` and what answers from it into the app's state (service/deps.py reads them per request): the
    routes hold no store, so a store closed at shutdown and opened again needs nothing remounted. The kept
    answers stay one object for the app's life (forgotten at each close and write)."""
    from dutygraph.graph.backend import capabilities
    from dutygraph.graph.store import with_timeout

    from .deps import provide

    settings: Settings = app.state.settings
    caps = capabilities(db)
    db = with_timeout(db, settings.timeout_s + 1)          # a remote engine's HTTP limit follows the service's
    sparql_settings = settings.sparql(remote=not caps.supports_fork)   # no process/fork isolation on a remote store
    cache = getattr(app.state, "cache", None)
    if cache is None:
        # Answers are kept until the next write where this process is the store's only writer (embedded).
        # Without --cache-mb / DUTYGRAPH_CACHE_MB the budget follows the store's size (each warm-up: AnswerCache.fit).
        cache = AnswerCache(enabled=settings.cache and caps.keeps_answers, keep_indexes=caps.keeps_answers,
                            max_bytes=settings.cache_mb << 20, sized="cache_mb" not in settings.model_fields_set)

    def after_write() -> None:
        cache.invalidate()
        if settings.warm and app.state.store is not None:
            app.state.warming = _warm(cache, app.state.store)

    writes = WritePath(gate=app.state.gate, after_write=after_write)  # the one write path: loads, uploads, Update
    app.state.on_shutdown = []
    provide(app, db, settings=settings, cache=cache, writes=writes, sparql=sparql_settings)


def _include_routes(app: FastAPI) -> None:
    """Every router, once: module-level ones read the store, kept answers and write path from the app's state
    (service/deps.py); the viz router is built over the same state (a store getter, the app's one answer cache)."""
    from dutygraph.viz import build_viz_router

    from . import api, deadlines_page, dismissals, duty_lists, pages, sparql, upload_page, uploads

    def get_store() -> Any:
        return app.state.store

    app.include_router(sparql.router)
    app.include_router(uploads.load_router)
    app.include_router(upload_page.router)
    app.include_router(api.router)
    app.include_router(dismissals.router)
    app.include_router(build_viz_router(get_store, app.state.cache))
    app.include_router(duty_lists.router)   # before the pages' /departments/{iri:path}
    app.include_router(deadlines_page.router)
    app.include_router(pages.router)        # last: its question pages are included in it (pages_questions.router)


def _close(app: FastAPI) -> None:
    """Wait for the warm-up (it holds the store), then, for a store this app opened, drop every reference to
    it — the /sparql worker pool keeps the store it forks from — so RocksDB closes."""
    warming = app.state.warming
    if warming is not None:
        warming.join(timeout=_WARM_JOIN_S)
        if warming.is_alive():
            log.warning("the warm-up is still running; the store closes when it ends")
    app.state.warming = None
    if not app.state.owns_store or app.state.store is None:
        return
    for stop in app.state.on_shutdown:
        stop()
    db, app.state.store = app.state.store, None
    if isinstance(db, ox.Store):
        db.flush()
    app.state.cache.invalidate()
    del db
    gc.collect()   # RocksDB closes when the last reference to the store goes


def _service_routes(app: FastAPI) -> None:
    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="4" cy="8" r="3" fill="#1f4e79"/>'
               '<circle cx="12" cy="4" r="3" fill="#2e8b57"/><circle cx="12" cy="12" r="3" fill="#c0392b"/></svg>')
        return Response(svg, media_type="image/svg+xml")

    @app.get("/healthz", tags=["service"])
    def healthz() -> JSONResponse:
        # Counting quads scans the whole store on RocksDB (3 s at 10 million): once per store generation.
        db, cache = app.state.store, app.state.cache
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
