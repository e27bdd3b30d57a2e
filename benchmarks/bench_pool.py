"""/sparql (query worker processes, service/query_pool.py) against Oxigraph's own server on the same data:
the same distinct SELECT queries from 8 client threads, loopback only, each server measured alone.

    .venv/bin/python benchmarks/bench_pool.py --plans 50 --docs docs/BENCHMARKS.md   # what `make bench` runs
    .venv/bin/python benchmarks/bench_pool.py --render test-artifacts/bench-pool-50.json --docs docs/BENCHMARKS.md

Each server gets its own copy of the store (two processes cannot open one RocksDB folder read-write):
`dutygraph load` writes one, `dutygraph export --format nq` + `oxigraph load` the other (the `oxigraph` CLI
comes with requirements.lock). Prints a JSON summary (p50/p95 per server and their ratio), writes it to
test-artifacts/bench-pool-<plans>.json and, with --docs, replaces its own section of that file (bench_scale.py
re-renders the rest of docs/BENCHMARKS.md, so `make bench` runs this after it)."""
from __future__ import annotations

import argparse
import json
import os
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
TARGET_RATIO = 2.0  # issue 21: /sparql within 2x of Oxigraph's own server
BEGIN, END = "<!-- bench_pool.py: begin -->", "<!-- bench_pool.py: end -->"
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


def _figures(name: str, result: dict[str, Any]) -> str:
    ratio = (f"{result['ratio_p50']:.2f}× | {result['ratio_p95']:.2f}×" if "ratio_p50" in result else "— | —")
    same = {True: "yes", False: "**no**"}.get(result.get("same_answers"), "—")
    return (f"| {name} | {result['queries']} | {result['errors']} | {result['seconds']} | {result['p50_ms']} | "
            f"{result['p95_ms']} | {result['max_ms']} | {ratio} | {same} |")


def section(summary: dict[str, Any]) -> str:
    """The BENCHMARKS.md section for one run (figures from the summary only, never typed by hand)."""
    ours = {k: v for k, v in summary.items() if k.startswith("dutygraph-")}
    process = ours.get("dutygraph-process")
    if process is None:
        verdict = "not measured with `--query-isolation process`"
    else:
        worst = max(process["ratio_p50"], process["ratio_p95"])
        met = worst <= TARGET_RATIO and process["errors"] == 0 and process.get("same_answers")
        verdict = (f"worst ratio {worst:.2f}× (p50 {process['ratio_p50']:.2f}×, p95 {process['ratio_p95']:.2f}×), "
                   f"{process['errors']} errors, same answers: {'yes' if process.get('same_answers') else 'no'} — "
                   + ("**met**" if met else "**not met**"))
    rows = [_figures(f"`dutygraph serve --query-isolation {name.split('-', 1)[1]}` (`/sparql`)", result)
            for name, result in ours.items()]
    rows.append(_figures("`oxigraph serve-read-only --union-default-graph` (`/query`)", summary["oxigraph"]))
    context = ", ".join(f"{k} {summary[k]}" for k in ("measured", "load_average") if k in summary)
    return "\n".join([
        BEGIN,
        "## /sparql against Oxigraph's own server (issue 21)",
        "",
        f"Target: `/sparql` within {TARGET_RATIO:g}× of Oxigraph's own server on distinct queries, "
        f"{summary['clients']} clients, {summary['plans']} plans: {verdict}.",
        "",
        f"{summary['distinct_queries']} distinct SELECT queries (per plan: its duties, its predicate histogram, its "
        "lead departments; ten text filters over the whole store), each sent once from "
        f"{summary['clients']} client threads over loopback, after 16 warm-up queries; each server alone on the "
        "machine's cores, on its own copy of the same quads; dutygraph with `--no-cache --no-warm --timeout 60`, "
        "so every query is evaluated (in a pre-forked worker with `process`). Ratio = dutygraph ÷ oxigraph; "
        "*same answers*: every query returned the same number of rows from both."
        + (f" Run: {context}." if context else ""),
        "",
        "| server | queries | errors | seconds | p50 ms | p95 ms | max ms | ratio p50 | ratio p95 | same answers |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"`make bench` runs `benchmarks/bench_pool.py --plans {summary['plans']} --docs docs/BENCHMARKS.md` after "
        f"bench_scale.py; figures in `test-artifacts/bench-pool-{summary['plans']}.json`.",
        END,
    ])


def write_section(path: Path, summary: dict[str, Any]) -> None:
    """Replace this benchmark's section of `path` (between its markers), or append it."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    new = section(summary)
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + new + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + new + "\n"
    path.write_text(text, encoding="utf-8")


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Prepare both stores, measure each server alone, and summarise."""
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
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    theirs_ = results["oxigraph"]
    summary: dict[str, Any] = {"plans": args.plans, "clients": args.clients, "distinct_queries": len(texts),
                               "measured": time.strftime("%Y-%m-%d"),
                               "load_average": " ".join(f"{x:.1f}" for x in os.getloadavg())}
    for name, result in results.items():
        summary[name] = {k: v for k, v in result.items() if k != "rows"}
        if name != "oxigraph":
            summary[name].update(same_answers=result["rows"] == theirs_["rows"],
                                 ratio_p50=round(result["p50_ms"] / theirs_["p50_ms"], 2),
                                 ratio_p95=round(result["p95_ms"] / theirs_["p95_ms"], 2))
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plans", type=int, default=50)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--budget-s", type=float, default=300.0, help="per server")
    parser.add_argument("--isolation", default="process,thread", help="dutygraph modes to measure, comma-separated")
    parser.add_argument("--docs", type=Path, help="replace this benchmark's section of this file (docs/BENCHMARKS.md)")
    parser.add_argument("--render", type=Path, help="no measuring: write --docs from a summary this script wrote")
    args = parser.parse_args()
    if args.render:
        summary = json.loads(args.render.read_text(encoding="utf-8"))
    else:
        if not (BIN / "oxigraph").exists():
            raise SystemExit("the oxigraph CLI is missing: .venv/bin/pip install -r requirements.lock")
        summary = measure(args)
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        (ROOT / "test-artifacts").mkdir(exist_ok=True)
        (ROOT / "test-artifacts" / f"bench-pool-{args.plans}.json").write_text(json.dumps(summary, indent=2))
    if args.docs:
        write_section(args.docs, summary)
        print(f"wrote the bench_pool section of {args.docs}")


if __name__ == "__main__":
    main()
