"""The service under load, on loopback: readers during reloads see the old plan or the new one, never a mix;
N clients mixing question endpoints and /sparql get no errors; a runaway query answers 503 at its limit without
stopping the others, in each isolation mode (process, thread, fork). Figures go to test-artifacts/load-test.json
(docs/RELIABILITY.md quotes them).

`make soak` sets DUTYGRAPH_SOAK_SECONDS=60 (here 6 s)."""
from __future__ import annotations

import gc
import hashlib
import json
import os
import statistics
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from conftest import ARTIFACTS, CHENGDU, LINTONG, serving

from dutygraph.graph.load import load_files
from dutygraph.service.app import Settings, create_app
from dutygraph.service.sparql import SparqlSettings

pytestmark = pytest.mark.server
SECONDS = float(os.environ.get("DUTYGRAPH_SOAK_SECONDS", "6"))
CLIENTS = int(os.environ.get("DUTYGRAPH_SOAK_CLIENTS", "8"))
TOKEN = "reliability-token-0123456789"
PLAN = "chengdu_task_table"
COUNT = ("PREFIX dg: <https://w3id.org/dutygraph/ontology#> PREFIX dct: <http://purl.org/dc/terms/> "
         "SELECT (COUNT(DISTINCT ?t) AS ?n) (SAMPLE(?s) AS ?any) WHERE { ?t dg:partOf ?p . ?p dct:identifier "
         f'"{PLAN}" . OPTIONAL {{ ?t dg:statement ?s FILTER(CONTAINS(STR(?s), "RELOAD-MARK")) }} }}')
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _record(name: str, figures: dict) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "load-test.json"
    data = json.loads(target.read_text()) if target.exists() else {}
    data[name] = figures
    target.write_text(json.dumps(data, ensure_ascii=False, indent=2))


def _percentiles(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    pick = lambda q: round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)  # noqa: E731
    return {"p50_ms": pick(0.50), "p95_ms": pick(0.95), "p99_ms": pick(0.99), "max_ms": round(1000 * ordered[-1], 1),
            "mean_ms": round(1000 * statistics.fmean(ordered), 1)}


def _digest(response: httpx.Response) -> str:
    return hashlib.sha256(response.content).hexdigest()[:16]


# ------------------------------------------------------------------ readers during reloads

@pytest.fixture(scope="module")
def versions(tmp_path_factory) -> dict[str, bytes]:
    """The sample plan, and a modified version: rows dropped and one statement marked."""
    lines = CHENGDU.read_text(encoding="utf-8").rstrip("\n").split("\n")
    modified = "\n".join(lines[:-12]).replace("制定防洪规划", "制定防洪规划RELOAD-MARK", 1)
    return {"old": CHENGDU.read_bytes(), "new": modified.encode("utf-8")}


@pytest.mark.parametrize("isolation", ["process", "thread"])
def test_readers_during_reloads_see_old_or_new_never_a_mix(versions, isolation):
    """With "process" the /sparql answers come from worker snapshots, which every load retires."""
    store = ox.Store()
    load_files(store, [CHENGDU, LINTONG])
    app = create_app(Settings(timeout_s=10, allow_load=True, token=TOKEN, query_isolation=isolation), store=store)
    with serving(app) as url, httpx.Client(base_url=url, timeout=60) as http:
        def upload(version: str) -> None:
            response = http.post("/api/load", headers={"Authorization": f"Bearer {TOKEN}"},
                                 files=[("files", (f"{PLAN}.txt", versions[version], "text/plain"))])
            assert response.status_code == 200, response.text

        def answers(client: httpx.Client) -> tuple[str, str]:
            tasks = client.get("/api/tasks", params={"plan": PLAN})
            count = client.post("/sparql", data={"query": COUNT}, headers={"Accept": "application/sparql-results+json"})
            assert tasks.status_code == 200 and count.status_code == 200, (tasks.text[:200], count.text[:200])
            row = count.json()["results"]["bindings"][0]
            return _digest(tasks), f"{row['n']['value']}/{'any' in row}"

        expected = {"old": answers(http)}
        upload("new")
        expected["new"] = answers(http)
        assert expected["old"][0] != expected["new"][0] and expected["old"][1] != expected["new"][1]
        seen: Counter[str] = Counter()
        mixed: list[tuple[str, str]] = []
        stop = threading.Event()

        def reader() -> None:
            by_tasks = {v[0]: k for k, v in expected.items()}
            by_count = {v[1]: k for k, v in expected.items()}
            with httpx.Client(base_url=url, timeout=60) as client:
                while not stop.is_set():
                    tasks = client.get("/api/tasks", params={"plan": PLAN})
                    seen["api " + by_tasks.get(_digest(tasks), "MIXED")] += 1
                    if _digest(tasks) not in by_tasks:
                        mixed.append(("api", tasks.text[:200]))
                    count = client.post("/sparql", data={"query": COUNT},
                                        headers={"Accept": "application/sparql-results+json"})
                    row = count.json()["results"]["bindings"][0]
                    key = f"{row['n']['value']}/{'any' in row}"
                    seen["sparql " + by_count.get(key, "MIXED")] += 1
                    if key not in by_count:
                        mixed.append(("sparql", key))

        readers = [threading.Thread(target=reader) for _ in range(4)]
        for thread in readers:
            thread.start()
        reloads, started = 0, time.monotonic()
        try:
            while time.monotonic() - started < SECONDS or reloads < 4:
                upload("old" if reloads % 2 == 0 else "new")
                reloads += 1
        finally:
            stop.set()
            for thread in readers:
                thread.join(timeout=60)
        _record(f"reload_consistency_{isolation}", {"reloads": reloads, "answers": dict(seen), "mixed": len(mixed),
                                       "seconds": round(time.monotonic() - started, 1)})
        assert mixed == []
        assert seen["api old"] and seen["api new"] and seen["sparql old"] and seen["sparql new"], seen


# ------------------------------------------------------------------ N clients for SECONDS

@pytest.fixture(scope="module")
def loaded() -> ox.Store:
    store = ox.Store()
    load_files(store, [CHENGDU, LINTONG])
    return store


REQUESTS = [
    ("GET", "/api/tasks", {"plan": "lintong_plan"}),
    ("GET", "/api/tasks", {"department": "市应急局"}),
    ("GET", "/api/tasks", {"q": "燃气管道"}),
    ("GET", "/api/departments", {}),
    ("GET", "/api/shared-facilities", {}),
    ("GET", "/api/orphans", {}),
    ("GET", "/api/search", {"q": "消防"}),
    ("GET", "/api/centrality", {}),
    ("GET", "/healthz", {}),
    ("POST", "/sparql", {"query": "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n) LIMIT 20"}),
    ("GET", "/sparql", {"query": "SELECT * WHERE { ?s a <https://w3id.org/dutygraph/ontology#Task> } LIMIT 200"}),
]


def _hammer(url: str, seconds: float, clients: int, runaway_at: float | None = None) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    per_route: Counter[str] = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(index: int) -> None:
        with httpx.Client(base_url=url, timeout=30, headers={"Accept": "application/json"}) as http:
            turn = index
            while time.monotonic() < deadline:
                method, path, params = REQUESTS[turn % len(REQUESTS)]
                turn += 1
                started = time.perf_counter()
                try:
                    if method == "GET":
                        response = http.get(path, params=params)
                    else:
                        response = http.post(path, data=params, headers={"Accept": "application/sparql-results+json"})
                    ok = response.status_code == 200
                    problem = f"{path} {response.status_code} {response.text[:120]}"
                except httpx.HTTPError as error:
                    ok, problem = False, f"{path} {type(error).__name__}"
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    per_route[path] += 1
                    if not ok:
                        errors.append(problem)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    return {"clients": clients, "seconds": round(wall, 1), "requests": len(latencies), "errors": len(errors),
            "error_samples": errors[:5], "throughput_rps": round(len(latencies) / wall, 1),
            **_percentiles(latencies), "per_route": dict(per_route)}


def test_n_clients_mixing_questions_and_sparql_get_no_errors(loaded):
    with serving(create_app(Settings(timeout_s=10), store=loaded)) as url:
        figures = _hammer(url, SECONDS, CLIENTS)
    _record("mixed_load", figures)
    assert figures["errors"] == 0, figures["error_samples"]
    assert figures["requests"] > 10 * CLIENTS


@pytest.mark.parametrize("isolation", ["process", "thread", "fork"])
def test_a_runaway_query_neither_stops_the_others_nor_outlives_its_limit(loaded, isolation):
    limit = 2.0
    gc.collect()  # earlier tests' apps: their pools' finalizers end their workers
    earlier = set(_children())  # workers of pools still referenced
    with serving(create_app(Settings(timeout_s=limit, query_isolation=isolation), store=loaded)) as url:
        outcome: dict = {}

        def runaway() -> None:
            with httpx.Client(base_url=url, timeout=30) as http:
                started = time.perf_counter()
                response = http.post("/sparql", data={"query": RUNAWAY}, headers={"Accept": "application/sparql-results+json"})
                outcome.update(status=response.status_code, seconds=time.perf_counter() - started,
                               detail=response.json().get("detail", ""))

        _hammer(url, 1.0, 4)       # a server that has been up a while: its query workers are forked already
        thread = threading.Thread(target=runaway)
        thread.start()
        others = _hammer(url, limit + 1.0, 4)
        thread.join()
        children = sorted(set(_children()) - earlier)
        busy = _busy(children)
    _record(f"runaway_{isolation}", {"runaway_status": outcome["status"], "runaway_seconds": round(outcome["seconds"], 2),
                                     "limit_s": limit, "others": others, "children_after": len(children)})
    assert outcome["status"] == 503 and "time limit" in outcome["detail"]
    assert outcome["seconds"] < limit + 2.0          # answered at its limit (slack for a loaded 2-core CI)
    assert others["errors"] == 0 and others["requests"] > 10, others
    assert others["p95_ms"] < 1000 * limit, "the others waited for the runaway query"
    if isolation == "process":  # the pool's workers stay, idle, and no more of them than the query slots
        assert len(children) <= SparqlSettings().max_concurrent_queries, children
        assert busy == [], "a worker is still evaluating the runaway query"
    else:
        assert children == [], "a forked query outlived its limit"


def _busy(pids: list[int], window_s: float = 0.5) -> list[int]:
    """The processes among `pids` that used more than a fifth of a core over `window_s` (a runaway uses all of one)."""
    def ticks(pid: int) -> int:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0
        return int(fields[11]) + int(fields[12])  # utime + stime

    before = {pid: ticks(pid) for pid in pids}
    time.sleep(window_s)
    per_second = os.sysconf("SC_CLK_TCK")
    return [pid for pid in pids if ticks(pid) - before[pid] > 0.2 * window_s * per_second]


def _children() -> list[int]:
    """Child processes of this (test + server) process, after a moment for the kill to be reaped."""
    time.sleep(0.3)
    found: list[int] = []
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        with open(task / "children") as handle:
            found += [int(pid) for pid in handle.read().split()]
    return found
