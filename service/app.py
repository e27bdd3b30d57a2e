"""The FastAPI application: /healthz, the SPARQL 1.1 endpoint, and (growing) the question API and pages.
The store is opened once per process and shared; everything read goes through SPARQL."""
from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, JSONResponse

from dutygraph.graph.store import named_graphs, open_store, resolve_store_path

log = logging.getLogger("dutygraph")


@dataclass(frozen=True)
class Settings:
    store: str | None = None
    allow_update: bool = False
    token: str | None = None
    timeout_s: float = 10.0
    max_rows: int = 100_000
    samples_dir: Path | None = None


def _load_samples_if_empty(store: ox.Store, samples_dir: Path) -> None:
    """`make run`: a fresh store gets the bundled sample documents; an existing one is left alone."""
    from dutygraph.graph.load import load_files

    if any("/graph/plan/" in g for g in named_graphs(store)):
        return
    files = sorted(p for p in samples_dir.iterdir() if p.is_file() and not p.name.startswith(".") and p.suffix != ".md")
    if files:
        report = load_files(store, files)
        log.info("loaded %d sample plan(s), %d triples", len(report.plans), report.triples)


def create_app(settings: Settings | None = None, store: ox.Store | None = None) -> FastAPI:
    settings = settings or Settings()
    db = store if store is not None else open_store(settings.store)
    if settings.samples_dir is not None:
        _load_samples_if_empty(db, settings.samples_dir)

    app = FastAPI(title="dutygraph", version="0.1.0",
                  description="Duty-allocation tables (任务分工表) as a knowledge graph: SPARQL endpoint and question API.")
    app.state.store = db
    app.state.settings = settings

    from .sparql import SparqlSettings, build_sparql_router

    app.include_router(build_sparql_router(
        lambda: db,
        SparqlSettings(timeout_s=settings.timeout_s, max_rows=settings.max_rows,
                       allow_update=settings.allow_update, update_token=settings.token),
    ))

    @app.get("/healthz")
    def healthz() -> JSONResponse:
        plans = [g for g in named_graphs(db) if "/graph/plan/" in g]
        return JSONResponse({"status": "ok", "plans": len(plans), "quads": len(db)})

    @app.get("/", response_class=HTMLResponse)
    def home() -> str:
        where = html.escape(str(settings.store or resolve_store_path(None)))
        return (
            "<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>dutygraph</title></head><body>"
            "<h1>dutygraph</h1><p>任务分工表知识图谱 — duty-allocation tables as a knowledge graph.</p>"
            "<ul><li><a href='/sparql'>/sparql</a> — SPARQL 1.1 endpoint (service description without a query)</li>"
            "<li><a href='/docs'>/docs</a> — API documentation</li><li><a href='/healthz'>/healthz</a></li></ul>"
            f"<p><small>store: {where}</small></p></body></html>"
        )

    return app
