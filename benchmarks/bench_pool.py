"""/sparql (query worker processes, service/query_pool.py) against Oxigraph's own server on the same data:
the same distinct SELECT queries from 8 client threads, loopback only, each server measured alone.

    .venv/bin/pip install oxigraph==0.5.13    # the `oxigraph` CLI, for this benchmark only
    .venv/bin/python benchmarks/bench_pool.py --plans 50

Each server gets its own copy of the store (two processes cannot open one RocksDB folder read-write):
`dutygraph load` writes one, `dutygraph export --format nq` + `oxigraph load` the other. Prints a JSON
summary (p50/p95 per server and their ratio) and writes it to test-artifacts/bench-pool.json."""
from __future__ import annotations

import argparse
import json
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PREFIXES = "PREFIX dg: <https://w3id.org/dutygraph/ontology#> PREFIX dct: <http://purl.org/dc/terms/> "
ACCEPT = {"Accept": "application/sparql-results+json"}


def _run(*args: str | Path) -> None:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, args))} failed:\n{done.stderr[-2000:]}")


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare(folder: Path, plans: int) -> tuple[Path, Path]:
    """Two stores with the same quads: one for dutygraph, one for oxigraph."""
    corpus, ours, theirs, dump = folder / "corpus", folder / "dutygraph-store", folder / "oxigraph-store", folder / "all.nq"
    _run(BIN / "dutygraph", "gen-corpus", "--plans", str(plans), "--seed", "1", "-o", corpus)
    (corpus / "labels.json").unlink(missing_ok=True)
    _run(BIN / "dutygraph", "load", "--store", ours, corpus)
    _run(BIN / "dutygraph", "export", "--store", ours, "--format", "nq", "-o", dump)
    _run(BIN / "oxigraph", "load", "--location", theirs, "--file", dump)
    return ours, theirs


def start(command: list[str], url: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.post(url, data={"query": "ASK {}"}, headers=ACCEPT, timeout=5).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{command[0]} did not start")
        time.sleep(0.2)


def queries(url: str) -> list[str]:
    """Distinct queries: per plan, its duties, its predicate histogram and its lead departments; and text filters."""
    rows = httpx.post(url, data={"query": PREFIXES + "SELECT ?id WHERE { ?p a dg:Plan ; dct:identifier ?id }"},
                      headers=ACCEPT, timeout=60).json()["results"]["bindings"]
    found = []
    for row in rows:
        plan = json.dumps(row["id"]["value"], ensure_ascii=False)
        found += [
            PREFIXES + f"SELECT ?t ?s WHERE {{ ?p dct:identifier {plan} . ?t dg:partOf ?p ; dg:statement ?s }} LIMIT 500",
            PREFIXES + f"SELECT ?pred (COUNT(*) AS ?n) WHERE {{ ?p dct:identifier {plan} . ?t dg:partOf ?p ; ?pred ?o }} "
                       "GROUP BY ?pred ORDER BY DESC(?n)",
            PREFIXES + f"SELECT DISTINCT ?d WHERE {{ ?p dct:identifier {plan} . ?t dg:partOf ?p ; dg:leadDepartment ?d }}",
        ]
    for word in ("防汛", "地震", "消防", "燃气", "应急", "救援", "排查", "培训", "演练", "物资"):
        found.append(PREFIXES + f'SELECT ?t WHERE {{ ?t dg:statement ?s FILTER(CONTAINS(?s, "{word}")) }} LIMIT 100')
    return found


def hammer(url: str, texts: list[str], clients: int, budget_s: float) -> dict[str, Any]:
    """Every query once, from `clients` threads; stops early at `budget_s`."""
    todo: queue.Queue[tuple[int, str]] = queue.Queue()
    for item in enumerate(texts):
        todo.put(item)
    latencies: list[float] = []
    sizes: dict[int, int] = {}
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + budget_s

    def client() -> None:
        with httpx.Client(timeout=60, headers=ACCEPT) as http:
            while time.monotonic() < deadline:
                try:
                    index, text = todo.get_nowait()
                except queue.Empty:
                    return
                started = time.perf_counter()
                response = http.post(url, data={"query": text})
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if response.status_code == 200:
                        sizes[index] = len(response.json()["results"]["bindings"])
                    else:
                        errors.append(f"{response.status_code} {response.text[:100]}")

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = sorted(latencies)
    pick = lambda q: round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)  # noqa: E731
    return {"queries": len(ordered), "errors": len(errors), "error_samples": errors[:3],
            "seconds": round(time.monotonic() - started, 2), "p50_ms": pick(0.5), "p95_ms": pick(0.95),
            "max_ms": round(1000 * ordered[-1], 1), "rows": sizes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plans", type=int, default=50)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--budget-s", type=float, default=300.0, help="per server")
    parser.add_argument("--isolation", default="process,thread", help="dutygraph modes to measure, comma-separated")
    args = parser.parse_args()
    if not (BIN / "oxigraph").exists():
        raise SystemExit("install the oxigraph CLI first: .venv/bin/pip install oxigraph==0.5.13")
    folder = Path(tempfile.mkdtemp(prefix="dutygraph-bench-pool-"))
    try:
        ours, theirs = prepare(folder, args.plans)
        port = _port()
        servers = {f"dutygraph-{mode}": ([str(BIN / "dutygraph"), "serve", "--store", str(ours), "--port", str(port),
                                          "--no-cache", "--no-warm", "--timeout", "60", "--query-isolation", mode],
                                         f"http://127.0.0.1:{port}/sparql") for mode in args.isolation.split(",")}
        servers["oxigraph"] = ([str(BIN / "oxigraph"), "serve-read-only", "--location", str(theirs), "--bind",
                                f"127.0.0.1:{port}", "--union-default-graph"], f"http://127.0.0.1:{port}/query")
        results: dict[str, dict[str, Any]] = {}
        texts: list[str] = []
        for name, (command, url) in servers.items():  # one at a time: they share the cores
            process = start(command, url)
            try:
                texts = texts or queries(url)
                hammer(url, texts[:16], args.clients, 60)  # warm-up: store pages into the cache, workers forked
                results[name] = hammer(url, texts, args.clients, args.budget_s)
            finally:
                process.terminate()
                process.wait(timeout=30)
        theirs_ = results["oxigraph"]
        summary: dict[str, Any] = {"plans": args.plans, "clients": args.clients, "distinct_queries": len(texts)}
        for name, result in results.items():
            summary[name] = {k: v for k, v in result.items() if k != "rows"}
            if name != "oxigraph":
                summary[name].update(same_answers=result["rows"] == theirs_["rows"],
                                     ratio_p50=round(result["p50_ms"] / theirs_["p50_ms"], 2),
                                     ratio_p95=round(result["p95_ms"] / theirs_["p95_ms"], 2))
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        (ROOT / "test-artifacts").mkdir(exist_ok=True)
        (ROOT / "test-artifacts" / f"bench-pool-{args.plans}.json").write_text(json.dumps(summary, indent=2))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
