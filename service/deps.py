"""What every route depends on — the store, the kept answers, the one write path, the settings — read from the
app's state at each request and injected with `Annotated[…, Depends(…)]`. Routers are module-level and hold no
store of their own, so the lifespan can close the store (RocksDB's lock goes with the last reference) and open it
again without remounting anything. `provide` fills the state: create_app does, and so do tests that mount one
router on a bare FastAPI app."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request

from .answer_cache import AnswerCache
from .settings import Settings
from .writes import WritePath

if TYPE_CHECKING:
    from .sparql import QueryRunner, SparqlSettings
    from .uploads import PageUploads, PendingUploads


def provide(app: FastAPI, store: Any, *, settings: Settings | None = None, cache: AnswerCache | None = None,
            writes: WritePath | None = None, sparql: SparqlSettings | None = None) -> None:
    """Everything the routes read from `app.state`, with the defaults a bare test app needs (no kept answers,
    a write path of its own, the SPARQL settings derived from `settings`)."""
    from .sparql import QueryRunner
    from .uploads import PageUploads, PendingUploads

    settings = settings or getattr(app.state, "settings", None) or Settings()
    cache = cache or AnswerCache(enabled=False)
    app.state.settings = settings
    app.state.store = store
    app.state.cache = cache
    app.state.writes = writes or WritePath(after_write=cache.invalidate)
    app.state.sparql_settings = sparql or settings.sparql()
    app.state.query_runner = QueryRunner(app.state.sparql_settings, app.state.writes.fence)
    if not hasattr(app.state, "pending_uploads"):
        app.state.pending_uploads = PendingUploads(settings.preview_minutes)
        app.state.page_uploads = PageUploads() if settings.local_uploads else None
    shutdown: list[Callable[[], None]] = getattr(app.state, "on_shutdown", None) or []
    shutdown.append(app.state.query_runner.close)
    app.state.on_shutdown = shutdown


def store(request: Request) -> Any:
    """The open store; 503 in the moment between a shutdown closing it and the app stopping."""
    db = request.app.state.store
    if db is None:
        raise HTTPException(503, "the store is closed (the server is shutting down)")
    return db


def cache(request: Request) -> AnswerCache:
    return request.app.state.cache


def writes(request: Request) -> WritePath:
    return request.app.state.writes


def settings(request: Request) -> Settings:
    return request.app.state.settings


def sparql_settings(request: Request) -> SparqlSettings:
    return request.app.state.sparql_settings


def query_runner(request: Request) -> QueryRunner:
    return request.app.state.query_runner


def pending_uploads(request: Request) -> PendingUploads:
    return request.app.state.pending_uploads


def page_uploads(request: Request) -> PageUploads | None:
    return request.app.state.page_uploads


Store = Annotated[Any, Depends(store)]
Answers = Annotated[AnswerCache, Depends(cache)]
Writes = Annotated[WritePath, Depends(writes)]
Config = Annotated[Settings, Depends(settings)]
