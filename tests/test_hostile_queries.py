"""Hostile /sparql requests against a real `dutygraph serve` process (issue 21): queries built to crash
pyoxigraph's parser, to make the server call other addresses, to eat its memory or its cores, and LOAD of
local files. Each is refused or stopped, and the server goes on answering. The lexer that measures query
text (service/query_guard.py) is tested on its own first."""
from __future__ import annotations

import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from conftest import CHENGDU, LINTONG, ROOT, LoopbackListener, dutygraph_serve

from dutygraph.graph.load import load_files
from dutygraph.service.query_guard import LimitExceeded, LoadRefused, QueryLimits, ServiceRefused, check_query, check_update, measure

TOKEN = "hostile-queries-token-0123"
LIMIT_S = 2.0
MEMORY_MB = 256
PLAIN = "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?type }"
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
DOUBLING = ('SELECT (STRLEN(?s40) AS ?n) WHERE { BIND("xxxxxxxxxxxxxxxx" AS ?s0) '
            + " ".join(f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(40)) + " }")
PROJECT_QUERIES = sorted([*ROOT.glob("graph/queries/*.rq"), *ROOT.glob("viz/queries/*.rq")])

# ------------------------------------------------------------------ the lexer


@pytest.mark.parametrize("text", [
    'SELECT * WHERE { ?s ?p "{{{{ ((( [[[" }',
    "SELECT * WHERE { ?s ?p '}}}{{{{{{' }",
    'SELECT * WHERE { ?s ?p """ {{{{ \n "" {{{ """ }',
    "SELECT * WHERE { ?s ?p '''{{{{ '' {{{''' }",
    r'SELECT * WHERE { ?s ?p "\" {{{{ \\" }',
    "SELECT * WHERE { ?s ?p ?o } # {{{{{{{{ OPTIONAL SERVICE <http://x/>",
    "SELECT * WHERE { # {{{{{{\n ?s ?p ?o }",
])
def test_braces_in_strings_and_comments_do_not_count(text: str) -> None:
    shape = measure(text)
    assert shape.depth == 1 and shape.optional == 0 and shape.services == ()


def test_the_lexer_counts_what_the_parser_will_see() -> None:
    text = ("PREFIX ex: <http://example.org/> SELECT * WHERE { { SELECT ?s WHERE { ?s ex:p [ ex:q (1 2) ] } } "
            "UNION { ?s ex:r ?o OPTIONAL { ?o ex:s ?t } OPTIONAL { ?o ex:u ?v FILTER(?v > 1 && ?v < 9) } } }")
    shape = measure(text)
    assert (shape.depth, shape.optional, shape.select, shape.union) == (5, 2, 2, 1)
    assert shape.operators == 4  # * > && <  (the comparison < is not mistaken for an IRI)


@pytest.mark.parametrize("path", PROJECT_QUERIES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_the_projects_own_queries_pass(path: Path) -> None:
    check_query(path.read_text(encoding="utf-8"), QueryLimits())


@pytest.mark.parametrize(("text", "message"), [
    ("SELECT * WHERE " + "{" * 3000 + "}" * 3000, "query nests 3000 levels deep; the limit is 64"),
    ("SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }", "the limit is 64"),
    ("SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o } " * 3000 + "}", "3000 OPTIONAL clauses; the limit is 128"),
    ("SELECT * WHERE { ?s ?p ?o " + "BIND(1 AS ?x) " * 3000 + "}", "groups and clauses; the limit is 512"),
    ("SELECT ?s WHERE { FILTER(" + " + ".join(["1"] * 8000) + " > 0) }", "8000 operators; the limit is 1024"),
    ("SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 300) + " }", "299 UNIONs; the limit is 256"),
])
def test_limits_name_the_limit_and_the_value(text: str, message: str) -> None:
    with pytest.raises(LimitExceeded, match=message.replace("(", r"\(")):
        check_query(text, QueryLimits())


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:8823/internal> { ?s ?p ?o } }",
    "PREFIX in: <http://127.0.0.1:8823/> SELECT * WHERE { service silent in:internal { ?s ?p ?o } }",
    r"SELECT * WHERE { SERVICE <http\u003A//127.0.0.1:8823/internal> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE ?where { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT $where { ?s ?p ?o } }",
])
def test_service_is_refused_unless_listed(text: str) -> None:
    with pytest.raises(ServiceRefused):
        check_query(text, QueryLimits())
    if "?where" not in text and "$where" not in text:
        check_query(text, QueryLimits(), services=("http://127.0.0.1:8823/internal",))
    else:
        with pytest.raises(ServiceRefused, match="must be an IRI written in the query"):
            check_query(text, QueryLimits(), services=("http://127.0.0.1:8823/internal",))


@pytest.mark.parametrize("update", [
    "LOAD <file:///etc/passwd>",
    r"LOAD <\u0066ile:///etc/passwd>",
    "LOAD SILENT <FILE:///etc/passwd> INTO GRAPH <http://example.org/g>",
    "BASE <file:///etc/> LOAD <passwd>",
    "PREFIX etc: <file:///etc/> LOAD etc:passwd",
])
def test_load_never_reads_files(update: str) -> None:
    with pytest.raises(LoadRefused, match="never loaded"):
        check_update(update, QueryLimits(), loads=("https://data.example.org/", "file:///"))


def test_load_only_from_allowed_prefixes() -> None:
    check_update("LOAD <https://data.example.org/plans.ttl>", QueryLimits(), loads=("https://data.example.org/",))
    for source in ("http://127.0.0.1:8823/x", "https://data.example.org.evil.test/x"):
        with pytest.raises(LoadRefused):
            check_update(f"LOAD <{source}>", QueryLimits(), loads=("https://data.example.org/",))


# ------------------------------------------------------------------ a real server


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[dict]:
    """`dutygraph serve` over a store holding both samples, with a 2 s limit and a 256 MiB query budget."""
    folder = tmp_path_factory.mktemp("hostile") / "store"
    store = ox.Store(str(folder))
    load_files(store, [CHENGDU, LINTONG])
    del store  # closes it: the server opens it next
    with dutygraph_serve(folder, "--timeout", str(LIMIT_S), "--query-memory-mb", str(MEMORY_MB), "--no-cache",
                         "--no-warm", "--allow-update", "--token", TOKEN) as (url, process):
        yield {"url": url, "process": process}


def _query(server: dict, text: str, timeout: float = 30) -> httpx.Response:
    assert server["process"].poll() is None, "the server died"
    return httpx.post(server["url"] + "/sparql", data={"query": text}, timeout=timeout,
                      headers={"Accept": "application/sparql-results+json"})


def _answers_plain(server: dict, within_s: float = 5.0) -> None:
    started = time.monotonic()
    response = _query(server, PLAIN)
    assert response.status_code == 200, response.text
    assert int(response.json()["results"]["bindings"][0]["n"]["value"]) > 1000
    assert time.monotonic() - started < within_s


def _detail(response: httpx.Response) -> str:
    return str(response.json().get("detail", ""))


NESTED_SELECTS = "SELECT * WHERE { " + "{ SELECT * WHERE " * 3000 + "{ ?s ?p ?o }" + " }" * 3000 + " }"


@pytest.mark.server
@pytest.mark.parametrize(("text", "limit"), [
    ("SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000, "nests 3000 levels deep; the limit is 64"),
    ("SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 10_000 + "?o" + ")" * 10_000 + ") }", "the limit is 64"),
    ("SELECT * WHERE { ?s ?p ?o " + " ".join(f"OPTIONAL {{ ?s ?p ?o{i} }}" for i in range(3000)) + " }",
     "3000 OPTIONAL clauses; the limit is 128"),
    (NESTED_SELECTS, "the limit is 64"),
], ids=["braces", "parentheses", "optionals", "sub-selects"])
def test_queries_that_would_crash_the_engine_are_refused(server: dict, text: str, limit: str) -> None:
    response = _query(server, text)
    assert response.status_code == 400 and limit in _detail(response), response.text
    _answers_plain(server)


@pytest.mark.server
def test_service_never_reaches_another_address(server: dict) -> None:
    listener = LoopbackListener()
    try:
        port = listener.sock.getsockname()[1]
        for text in (f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/internal> {{ ?s ?p ?o }} }}",
                     f"PREFIX in: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE SILENT in:x {{ ?s ?p ?o }} }}"):
            response = _query(server, text)
            assert response.status_code == 400, response.text
            assert "SERVICE is disabled on this endpoint" in _detail(response)
        time.sleep(0.5)
        assert listener.connections == 0
    finally:
        listener.close()
    for text in ("SELECT * WHERE { BIND(<http://127.0.0.1:9/> AS ?x) SERVICE ?x { ?s ?p ?o } }",
                 "SELECT * WHERE { SERVICE SILENT ?x { ?s ?p ?o } }"):
        response = _query(server, text)
        assert response.status_code == 400 and "SERVICE ?x is refused" in _detail(response), response.text


def _peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024


@pytest.mark.server
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_query_that_eats_memory_is_stopped_and_the_server_stays_small(server: dict) -> None:
    before = _peak_rss_mb(server["process"].pid)
    started = time.monotonic()
    response = _query(server, DOUBLING)
    assert response.status_code == 503, response.text
    assert _detail(response) in (f"query exceeded the memory limit of {MEMORY_MB} MiB",
                                 f"query exceeded the time limit of {LIMIT_S:g} s")
    assert time.monotonic() - started < LIMIT_S + 1.5
    time.sleep(2.0)  # a runaway left in the server would go on growing meanwhile
    grown = _peak_rss_mb(server["process"].pid) - before
    assert grown < 150, f"the server itself grew by {grown:.0f} MiB: the query ran in it"
    _answers_plain(server)


@pytest.mark.server
def test_runaway_queries_leave_no_work_behind(server: dict) -> None:
    with ThreadPoolExecutor(4) as pool:
        responses = list(pool.map(lambda _: _query(server, CROSS), range(4)))
    finished = time.monotonic()
    for response in responses:
        assert response.status_code == 503 and "time limit" in _detail(response), response.text
    response = _query(server, PLAIN)
    assert response.status_code == 200, response.text
    assert time.monotonic() - finished < 3.0, "the next query waited for the abandoned ones"


@pytest.mark.server
def test_load_of_a_local_file_is_refused_even_with_the_token(server: dict) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    for update in ("LOAD <file:///etc/passwd>", "LOAD <file:///etc/passwd> INTO GRAPH <http://example.org/g>",
                   "LOAD <http://127.0.0.1:9/x.ttl>"):
        response = httpx.post(server["url"] + "/sparql", data={"update": update}, headers=headers, timeout=30)
        assert response.status_code == 400 and f"LOAD <{update.split('<')[1].split('>')[0]}> is refused" \
            in _detail(response), response.text


@pytest.mark.server
def test_an_update_is_seen_by_the_next_query(server: dict) -> None:
    """The workers' snapshots are retired after a write: no stale answers."""
    marker = f"http://example.org/marker/{os.getpid()}"
    ask = f"ASK {{ <{marker}> ?p ?o }}"
    assert _query(server, ask).json()["boolean"] is False
    response = httpx.post(server["url"] + "/sparql", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30,
                          data={"update": f"INSERT DATA {{ GRAPH <http://example.org/g> {{ <{marker}> a <{marker}> }} }}"})
    assert response.status_code == 204, response.text
    for _ in range(8):  # every worker, not only the one that happens to answer first
        assert _query(server, ask).json()["boolean"] is True
