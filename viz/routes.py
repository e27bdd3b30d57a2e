"""The HTTP shell over the views: /viz (page), /viz/data (JSON), /viz/search, /viz/expand, /viz/static.
No `from __future__ import annotations` here: FastAPI must see the router-local dependency types."""

from collections.abc import Callable, Hashable
from importlib import resources
from typing import Annotated, Any, Protocol, TypeVar

import pyoxigraph as ox
from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import HTMLResponse, Response

from . import collect
from .model import EDGE_KINDS, VIEWS, Filters, FocusNotFound, VizError
from .render import STATIC_FILES, expand, facets, graph_data, page_html

MAX_EXPAND = 200
T = TypeVar("T")


class Keeper(Protocol):
    """What the views need of the service's AnswerCache (service/answer_cache.py): an answer per key, kept
    for the store generation it was computed in."""

    def get(self, key: Hashable, compute: Callable[[], T]) -> T: ...


class _NoCache:
    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        return compute()


def filters_from(plan: str | None, function: str | None, facility: str | None, edges: list[str]) -> Filters:
    """Filters from the query string or the CLI's options (edge kinds repeated or comma-separated)."""
    kinds = frozenset(k.strip() for value in edges for k in value.split(",") if k.strip())
    return Filters(plan=plan or None, function=function or None, facility=facility or None, edge_kinds=kinds)


_filters = filters_from


def _http_error(error: VizError) -> HTTPException:
    return HTTPException(status_code=404 if isinstance(error, FocusNotFound) else 400, detail=str(error))


def build_viz_router(get_store: Callable[[], ox.Store], cache: Keeper | None = None) -> APIRouter:
    """Routes for the network views; `get_store` returns the app's open store. With `cache` (the app's
    AnswerCache) a view's data and the filter form's choices are computed once per store generation, so a
    repeat view costs only its template."""
    router = APIRouter(prefix="/viz", tags=["viz"])
    kept: Keeper = cache if cache is not None else _NoCache()
    StoreDep = Annotated[ox.Store, Depends(get_store)]

    class ViewQuery:
        """The query parameters every view takes (page and JSON alike)."""

        def __init__(
            self,
            view: Annotated[str | None, Query(description=f"one of {', '.join(VIEWS)}; default start, or focus when focus is given")] = None,
            focus: Annotated[str | None, Query(description="IRI or Chinese name of a department, facility type or duty", max_length=500)] = None,
            depth: Annotated[int, Query(ge=1, le=3, description="edges out from the focus")] = 1,
            plan: Annotated[str | None, Query(description="plan id (file stem), e.g. chengdu_task_table")] = None,
            function: Annotated[str | None, Query(description="department function: IRI or name (应急管理)")] = None,
            facility: Annotated[str | None, Query(description="facility type: IRI or name (燃气管网); narrower types included")] = None,
            edges: Annotated[list[str], Query(description=f"edge kinds to keep (repeat or comma-separate): {', '.join(EDGE_KINDS)}")] = [],  # noqa: B006
        ) -> None:
            self.view, self.focus, self.depth = view or None, focus or None, depth
            self.filters_args = (plan, function, facility, edges)

        def filters(self) -> Filters:
            return _filters(*self.filters_args)

        def data(self, store: ox.Store) -> dict[str, Any]:
            """graph_data for these parameters, kept per store generation (key: view, focus, depth, filters)."""
            filters = self.filters()
            view = self.view or ("focus" if self.focus else "start")
            key = ("viz", "data", view, self.focus, self.depth, filters)
            return kept.get(key, lambda: graph_data(store, view, self.focus, self.depth, filters))

    @router.get("", response_class=HTMLResponse, summary="The interactive network page of a view")
    def page(store: StoreDep, q: Annotated[ViewQuery, Depends()]) -> HTMLResponse:
        try:
            data = q.data(store)
            choices = kept.get(("viz", "facets"), lambda: facets(store))
            html = page_html(data, choices, q.focus, api_base=router.prefix, link_base="")
        except VizError as error:
            raise _http_error(error) from error
        return HTMLResponse(html)

    @router.get("/data", summary="Nodes, edges, options and legend of a view (what the page draws)")
    def data(store: StoreDep, q: Annotated[ViewQuery, Depends()]) -> dict[str, Any]:
        try:
            return q.data(store)
        except VizError as error:
            raise _http_error(error) from error

    @router.get("/search", summary="Nodes whose name contains q (departments, facility types, regulations, plans, duties)")
    def search(store: StoreDep, q: Annotated[str, Query(min_length=1, max_length=100)]) -> dict[str, Any]:
        return {"query": q, "results": collect.search(store, q)}

    @router.get("/expand", summary="A node's neighbours, for a double-click (at most limit)")
    def expand_node(store: StoreDep, node: Annotated[str, Query(max_length=2000, description="node IRI")],
                    limit: Annotated[int, Query(ge=1, le=MAX_EXPAND)] = 50) -> dict[str, Any]:
        try:
            return expand(store, node, limit)
        except VizError as error:
            raise _http_error(error) from error

    @router.get("/static/{name}", summary="The vendored vis-network and the page's script and style")
    def static(name: str) -> Response:
        if name not in STATIC_FILES:
            raise HTTPException(status_code=404, detail=f"no static file {name!r}")
        folder, media_type = STATIC_FILES[name]
        body = resources.files(__package__).joinpath(folder, name).read_bytes()
        return Response(body, media_type=media_type, headers={"Cache-Control": "public, max-age=3600"})

    return router
