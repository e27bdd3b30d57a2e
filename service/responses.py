"""One way to answer a list: JSON by default, CSV or XLSX by ?format= or Accept, and ?explain=1 shows the
SPARQL queries behind the answer (the .rq files, with the values that were bound)."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

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
    if kind in ("csv", "xlsx"):
        return download(kind, name, rows)
    if kind != "json":
        return JSONResponse({"detail": f"unknown format {kind!r}: use json, csv or xlsx"}, status_code=400)
    return JSONResponse(items)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"     # without it Excel on Chinese Windows reads UTF-8 as GBK and shows mojibake


def download(kind: str, name: str, rows: list[dict[str, Any]], columns: list[str] | None = None,
             headers: list[str] | None = None, filename: str | None = None) -> Response:
    """A CSV (UTF-8 with BOM) or Excel attachment of `rows`; `filename` may be Chinese (RFC 5987)."""
    stem = filename or name
    if kind == "csv":
        return csv_download(name, output.to_csv(rows, columns=columns, headers=headers), filename)
    return Response(output.to_xlsx(rows, sheet=stem, columns=columns, headers=headers), media_type=XLSX,
                    headers={"Content-Disposition": _attachment(name, stem, kind)})


def csv_download(name: str, text: str, filename: str | None = None) -> Response:
    """CSV text as an attachment, UTF-8 with BOM."""
    return Response((BOM + text).encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": _attachment(name, filename or name, "csv")})


def _attachment(name: str, stem: str, kind: str) -> str:
    return f'attachment; filename="{name}.{kind}"; filename*=UTF-8\'\'{quote(stem)}.{kind}'


def workbook_download(name: str, sheets: list[output.Sheet], filename: str | None = None) -> Response:
    stem = filename or name
    return Response(output.workbook(sheets), media_type=XLSX, headers={"Content-Disposition": _attachment(name, stem, "xlsx")})


def json_bytes(items: Any) -> bytes:
    """The body JSONResponse would send, for answers kept as bytes (see service/api.py)."""
    return bytes(JSONResponse(items).body)
