"""One way to answer a list: JSON by default, CSV or XLSX by ?format= or Accept, and ?explain=1 shows the
SPARQL queries behind the answer (the .rq files, with the values that were bound)."""
from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from dutygraph.graph.queries import query_text

from . import output


def wants(request: Request, fmt: str | None) -> str:
    if fmt:
        return fmt.lower()
    accept = request.headers.get("accept", "")
    if "text/csv" in accept:
        return "csv"
    if "spreadsheetml" in accept:
        return "xlsx"
    return "json"


def answer(request: Request, items: Any, name: str, queries: list[str], fmt: str | None = None,
           explain: bool = False, bindings: dict[str, Any] | None = None) -> Response:
    if explain:
        return JSONResponse({"queries": [{"file": f"graph/queries/{q}.rq", "text": query_text(q)} for q in queries],
                             "bindings": {k: v for k, v in (bindings or {}).items() if v is not None}})
    kind = wants(request, fmt)
    rows = items if isinstance(items, list) else [items]
    if kind == "csv":
        return Response(output.to_csv(rows), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    if kind == "xlsx":
        return Response(output.to_xlsx(rows, sheet=name),
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
    if kind != "json":
        return JSONResponse({"detail": f"unknown format {kind!r}: use json, csv or xlsx"}, status_code=400)
    return JSONResponse(items)


def json_bytes(items: Any) -> bytes:
    """The body JSONResponse would send, for answers kept as bytes (see service/api.py)."""
    return JSONResponse(items).body
