"""Scale benchmarks on S (the two samples), M (50 generated plans ≈ 15,000 duties) and L (500 ≈ 150,000):
ingest, the question queries on our store versus rdflib's SPARQL engine on the same quads, HTTP throughput of
`dutygraph serve` versus rdflib-endpoint, and duplicate detection / alignment versus a naive all-pairs
baseline. Writes .bench/<size>.json and regenerates docs/BENCHMARKS.md from every result present.

    make bench                                   # S and M (about 25 minutes on 2 cores)
    make bench-large                             # L as well (BENCH_SIZES=L)
    .venv/bin/python benchmarks/bench_scale.py S M L

Not part of `make test`. Each measurement that reports memory runs in its own process (peak RSS is per
process); the servers listen on 127.0.0.1 only. rdflib gets a time cap per phase and is reported as
"> cap" when it does not finish."""
from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from statistics import median
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
WORK = Path(os.environ.get("BENCH_DIR", ROOT / ".bench"))
PY = sys.executable
PLANS = {"S": 0, "M": 50, "L": 500}
RDFLIB_CAP = {"S": 120.0, "M": 300.0, "L": 300.0}        # seconds for rdflib's load + queries, per size
HTTP_SECONDS = float(os.environ.get("BENCH_HTTP_SECONDS", 20))
HTTP_THREADS = 8
REPEATS = 5
OURS_BUDGET = 20.0            # seconds of repeats per query on our side (slow queries are run fewer times)
SPARQL_PROBE = """PREFIX dg: <https://w3id.org/dutygraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?name (COUNT(?t) AS ?n) WHERE { ?t dg:lead ?d . ?d skos:prefLabel ?name } GROUP BY ?name ORDER BY DESC(?n) LIMIT 10"""


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


# ---------------------------------------------------------------- workers (each in its own process)

def worker_ingest(corpus: str, store_path: str) -> dict:
    import pyoxigraph as ox

    from dutygraph.graph.load import load_plans, read_folder

    start = time.perf_counter()
    plans, _ = read_folder([Path(corpus)])
    read_s = time.perf_counter() - start
    Path(store_path).mkdir(parents=True, exist_ok=True)
    store = ox.Store(store_path)
    report = load_plans(store, plans, analyse=False)
    total = time.perf_counter() - start
    tasks = sum(len(p.tasks) for p in plans)
    return {"plans": len(plans), "tasks": tasks, "triples": report.triples, "quads": len(store),
            "read_s": round(read_s, 2), "seconds": round(total, 2), "tasks_per_s": round(tasks / total),
            "triples_per_s": round(report.triples / total), "peak_rss_mb": peak_rss_mb()}


def worker_load_one(store_path: str, document: str) -> dict:
    """One more plan loaded into the analysed store (what a user does every day): parse, write the plan,
    re-analyse it, recompute alignment and centrality, write the analysis graphs that changed."""
    import pyoxigraph as ox

    from dutygraph.graph.load import load_plans, read_all

    store = ox.Store(store_path)
    before = len(store)
    start = time.perf_counter()
    report = load_plans(store, read_all([Path(document)]))
    return {"seconds": round(time.perf_counter() - start, 2), "triples_written": report.triples,
            "quads_before": before, "peak_rss_mb": peak_rss_mb()}


def worker_analyse(store_path: str) -> dict:
    import pyoxigraph as ox

    from dutygraph.graph.analysis import run_analysis

    start = time.perf_counter()
    result = run_analysis(ox.Store(store_path))
    return {"seconds": round(time.perf_counter() - start, 2), "phases": {k: round(v, 2) for k, v in result.seconds.items()},
            "triples": result.triples, "peak_rss_mb": peak_rss_mb()}


def question_queries(store) -> list[tuple[str, dict]]:
    """The .rq files the question API runs, with the bindings a typical request makes."""
    import pyoxigraph as ox

    from dutygraph.graph.queries import select

    plan = select(store, "stats")[0]["planId"]
    task = next(iter(select(store, "tasks", planId=plan)))["task"]
    unit = next(iter(select(store, "task_units", planId=plan)))["unit"]
    out = [(name, {}) for name in ("stats", "departments", "facility_types", "regulations", "orphans", "duplicates",
                                   "dependencies", "alignments", "centrality", "shared_facilities", "texts")]
    out += [("tasks", {"planId": plan}), ("task_units", {"planId": plan}), ("task_entities", {"planId": plan}),
            ("indicators", {"planId": plan}), ("tasks_by_department", {"name": ox.Literal("市应急局", language="zh")}),
            ("tasks_by_department", {"unit": ox.NamedNode(unit)}), ("alignments", {"task": ox.NamedNode(task)}),
            ("departments", {"unit": ox.NamedNode(unit)})]
    return out


def _label(name: str, bindings: dict) -> str:
    return name + ("(" + ",".join(sorted(bindings)) + ")" if bindings else "")


def worker_sparql(store_path: str, nquads: str) -> dict:
    """Our store: each question query REPEATS times; then the store's quads as N-Quads for rdflib."""
    import pyoxigraph as ox

    from dutygraph.graph.queries import select

    store = ox.Store(store_path)
    results = {}
    for name, bindings in question_queries(store):
        times, rows = [], 0
        for _ in range(REPEATS):
            start = time.perf_counter()
            rows = len(select(store, name, **bindings))
            times.append(time.perf_counter() - start)
            if sum(times) > OURS_BUDGET:
                break
        log("  ours", _label(name, bindings), f"{median(times):.3f} s", rows)
        results[_label(name, bindings)] = {"p50_ms": round(median(times) * 1000, 2), "p95_ms": round(pct(times, 0.95) * 1000, 2),
                                           "rows": rows}
    store.dump(output=nquads, format=ox.RdfFormat.N_QUADS)
    return {"queries": results, "plan": select(store, "stats")[0]["planId"]}


def worker_rdflib(nquads: str, store_path_unused: str, cap: str) -> None:
    """rdflib Dataset (default graph = union) running the same query texts with the same bindings;
    prints one JSON line per finished step, so a parent that kills it at the cap keeps what finished."""
    import pyoxigraph as ox
    import rdflib

    from dutygraph.graph.queries import query_text

    deadline = time.perf_counter() + float(cap)
    start = time.perf_counter()
    data = rdflib.Dataset(default_union=True)
    data.parse(nquads, format="nquads")
    print(json.dumps({"load_s": round(time.perf_counter() - start, 2), "peak_rss_mb": peak_rss_mb()}), flush=True)
    store = ox.Store()
    store.load(path=nquads, format=ox.RdfFormat.N_QUADS)
    for name, bindings in question_queries(store):
        init = {k: (rdflib.URIRef(v.value) if isinstance(v, ox.NamedNode) else rdflib.Literal(v)
                    if isinstance(v, str) else rdflib.Literal(v.value, lang=v.language)) for k, v in bindings.items()}
        times = []
        for _ in range(REPEATS):
            if time.perf_counter() > deadline:
                break
            t = time.perf_counter()
            rows = len(list(data.query(query_text(name), initBindings=init)))
            times.append(time.perf_counter() - t)
        if times:
            print(json.dumps({"query": _label(name, bindings), "p50_ms": round(median(times) * 1000, 2),
                              "p95_ms": round(pct(times, 0.95) * 1000, 2), "rows": rows}), flush=True)


def worker_duplicates(store_path: str, mode: str, what: str) -> dict:
    """Duplicate detection (per plan) or alignment (all plans) with our sparse top-k, or with a naive
    all-pairs baseline (every pair's cosine, dense, then the same top-k selection)."""
    import pyoxigraph as ox

    from dutygraph.graph import alignment, duplicates, textsim
    from dutygraph.graph.analysis import _all_tasks

    tasks = _all_tasks(ox.Store(store_path))         # plan by plan: one query over L's union needs > 24 GB
    if mode == "naive":
        duplicates.top_k_pairs = alignment.top_k_pairs = naive_top_k_pairs
        alignment.NEIGHBOUR_PLANS = 1 << 30          # every other plan: no blocking by plan
    start = time.perf_counter()
    if what == "duplicates":
        by_plan: dict[str, list] = {}
        for task in tasks:
            by_plan.setdefault(task["plan"]["id"], []).append(task)
        found = sorted(tuple(f.tasks) for items in by_plan.values() for f in duplicates.find_in_plan(items))
    else:
        found = sorted((a["task"], c["task"]) for a in alignment.align(tasks) for c in a["candidates"])
    seconds = time.perf_counter() - start
    del textsim
    pairs_file = Path(store_path).parent / f"pairs-{Path(store_path).name}-{what}-{mode}.json"
    pairs_file.write_text(json.dumps(found), encoding="utf-8")
    return {"seconds": round(seconds, 2), "pairs": len(found), "peak_rss_mb": peak_rss_mb(), "file": str(pairs_file)}


def kept_fraction(fast: dict, naive: dict | None) -> float | None:
    """How many of the all-pairs baseline's pairs the sparse, blocked search also finds."""
    if naive is None:
        return None
    ours = {tuple(p) for p in json.loads(Path(fast["file"]).read_text(encoding="utf-8"))}
    theirs = {tuple(p) for p in json.loads(Path(naive["file"]).read_text(encoding="utf-8"))}
    return round(len(ours & theirs) / len(theirs), 4) if theirs else 1.0


def naive_top_k_pairs(a, b, k, threshold, chunk=512):
    """All pairs: dense cosine of every row of a against every row of b (chunked only to bound memory)."""
    import numpy as np

    bt = b.T.tocsc()
    for start in range(0, a.shape[0], chunk):
        block = (a[start:start + chunk] @ bt).toarray()         # every pair's score, zeros included
        for i in range(block.shape[0]):
            row = block[i]
            nonzero = np.flatnonzero(row)
            order = nonzero[np.lexsort((nonzero, -row[nonzero]))][:k]
            for j in order:
                if row[j] >= threshold:
                    yield start + i, int(j), float(row[j])


WORKERS = {"ingest": worker_ingest, "analyse": worker_analyse, "load_one": worker_load_one, "sparql": worker_sparql,
           "duplicates": worker_duplicates}


def run_worker(name: str, *args: str, timeout: float | None = None) -> dict | None:
    try:
        done = subprocess.run([PY, __file__, "_" + name, *args], capture_output=True, text=True, timeout=timeout,
                              cwd=ROOT)
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_rdflib(nquads: str, cap: float) -> dict:
    """rdflib in a child process killed at the cap; what it printed before is kept."""
    proc = subprocess.Popen([PY, __file__, "_rdflib", nquads, "-", str(cap)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)
    reader.start()
    reader.join(cap + 30)
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    out: dict = {"cap_s": cap, "queries": {}}
    for line in lines:
        item = json.loads(line)
        if "query" in item:
            out["queries"][item.pop("query")] = item
        else:
            out.update(item)
    return out


# ---------------------------------------------------------------- HTTP

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen, limit: float) -> bool:
    import httpx

    end = time.time() + limit
    while time.time() < end and proc.poll() is None:
        try:
            if httpx.get(url, timeout=5).status_code < 500:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    return False


def hammer(urls: list[str], seconds: float, threads: int = HTTP_THREADS) -> dict:
    """`threads` clients, each cycling through `urls` for `seconds`; per-URL latencies and requests/s."""
    import httpx

    latencies: dict[str, list[float]] = {u: [] for u in urls}
    errors = [0]
    stop = time.perf_counter() + seconds

    def client(offset: int) -> None:
        with httpx.Client(timeout=60) as http:
            i = offset
            while time.perf_counter() < stop:
                url = urls[i % len(urls)]
                t = time.perf_counter()
                try:
                    ok = http.get(url).status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    latencies[url].append(time.perf_counter() - t)
                else:
                    errors[0] += 1
                i += 1

    pool = [threading.Thread(target=client, args=(k,)) for k in range(threads)]
    began = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - began
    done = sum(len(v) for v in latencies.values())
    return {"requests_per_s": round(done / elapsed, 1), "errors": errors[0], "requests": done, "seconds": round(elapsed, 1),
            "per_url": {u: {"n": len(v), "p50_ms": round(median(v) * 1000, 1) if v else None,
                            "p95_ms": round(pct(v, 0.95) * 1000, 1) if v else None} for u, v in latencies.items()}}


def _serve_dutygraph(store_path: str, port: int, *flags: str) -> subprocess.Popen:
    return subprocess.Popen([str(Path(PY).parent / "dutygraph"), "serve", "--store", store_path, "--host", "127.0.0.1",
                             "--port", str(port), "--timeout", "60", *flags], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=ROOT)


def _wait_warm(base: str, limit: float) -> float:
    """Seconds until the service's background warm-up (whole-store listings) has finished."""
    import httpx

    began = time.perf_counter()
    while time.perf_counter() - began < limit:
        if not httpx.get(base + "/healthz", timeout=30).json().get("answers", {}).get("warming"):
            break
        time.sleep(0.5)
    return round(time.perf_counter() - began, 1)


LISTINGS = ("departments", "facility-types", "regulations", "shared-facilities", "orphans", "duplicates",
            "alignments")


def bench_http(size: str, store_path: str, nquads: str, plan: str) -> dict:
    """dutygraph as served (answers kept until the next write, listings warmed at start), dutygraph with
    `--no-cache` (every request evaluated by the engine), then rdflib-endpoint, each on loopback."""
    import httpx

    from dutygraph.graph.vocabulary import vocabulary

    out: dict = {}
    for mode, flags in (("", ()), ("_nocache", ("--no-cache", "--no-warm"))):
        port = free_port()
        server = _serve_dutygraph(store_path, port, *flags)
        base = f"http://127.0.0.1:{port}"
        try:
            if not wait_until_up(base + "/healthz", server, 300):
                return {"error": "dutygraph serve did not start"}
            first = httpx.get(f"{base}/api/tasks", params={"plan": plan, "limit": 1}, timeout=300).json()[0]
            unit = first["department_ids"][0] if first.get("department_ids") else None
            school = quote(vocabulary().facility_labels["学校"], safe="")
            questions = [f"{base}/api/tasks?plan={plan}", f"{base}/api/tasks/{quote(first['id'], safe='')}",
                         f"{base}/api/tasks?plan={plan}&department=" + quote(first.get("lead_department") or "市应急局"),
                         f"{base}/api/tasks?plan={plan}&facility=" + quote("学校"),
                         f"{base}/api/search?q=" + quote("燃气管道") + f"&plan={plan}",
                         f"{base}/api/alignments?task={quote(first['id'], safe='')}",
                         f"{base}/api/facility-types/{school}", f"{base}/api/shared-facilities?facility={school}"]
            if unit:
                questions.append(f"{base}/api/departments/{quote(unit, safe='')}")
            pages, listings = [], []
            if not mode:           # with --no-cache every page would compute its whole listing again
                # whole-store listings as a client pages through them (the first and a later page of 50) …
                pages = [f"{base}/api/{name}?limit=50&offset={offset}" for name in LISTINGS for offset in (0, 1000)]
                out["warm_up_s"] = _wait_warm(base, 1800)
                # … and whole, tens of megabytes each at L: measured apart, not part of the latency target
                listings = [f"{base}/api/{name}" for name in LISTINGS]
            cold: dict[str, float] = {}
            for url in questions + pages + listings:  # the first request of each (after the warm-up, if any)
                t = time.perf_counter()
                body = httpx.get(url, timeout=600).content
                cold[url] = round((time.perf_counter() - t) * 1000, 1)
                if url in listings:
                    out.setdefault("listing_bytes", {})[url] = len(body)
            out["dutygraph_first_request_ms" + mode] = cold
            out["dutygraph_questions" + mode] = hammer(questions + pages, HTTP_SECONDS)
            if listings:
                out["dutygraph_listings"] = hammer(listings, HTTP_SECONDS)
            out["dutygraph_sparql" + mode] = hammer([f"{base}/sparql?query={quote(SPARQL_PROBE)}"], HTTP_SECONDS)
        finally:
            server.terminate()
            server.wait(30)
    port = free_port()
    launcher = ("import sys, uvicorn, rdflib; from rdflib_endpoint import SparqlEndpoint; "
                "g = rdflib.Dataset(default_union=True); g.parse(sys.argv[1], format='nquads'); "
                "uvicorn.run(SparqlEndpoint(graph=g, path='/sparql'), host='127.0.0.1', port=int(sys.argv[2]), log_level='warning')")
    other = subprocess.Popen([PY, "-c", launcher, nquads, str(port)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, cwd=ROOT)
    try:
        started = time.time()
        if not wait_until_up(f"http://127.0.0.1:{port}/sparql?query={quote('ASK {}')}", other, RDFLIB_CAP[size]):
            out["rdflib_endpoint_sparql"] = {"error": f"not serving after {RDFLIB_CAP[size]:.0f} s (load)"}
        else:
            out["rdflib_endpoint_load_s"] = round(time.time() - started, 1)
            out["rdflib_endpoint_sparql"] = hammer([f"http://127.0.0.1:{port}/sparql?query={quote(SPARQL_PROBE)}"],
                                                   HTTP_SECONDS)
    finally:
        other.kill()
        other.wait(30)
    return out


# ---------------------------------------------------------------- one size, then the report

def http_again(size: str) -> None:
    """Re-measure only the HTTP part on the store a previous run left (.bench/store/<size>), and merge it
    into .bench/<size>.json: `python benchmarks/bench_scale.py _http_again M`."""
    import pyoxigraph as ox

    from dutygraph.graph.queries import select

    store_path = WORK / "store" / size
    nquads = str(WORK / f"{size}.nq")
    store = ox.Store(str(store_path))
    plan = sorted({r["planId"] for r in select(store, "stats")})[0]
    store.dump(output=nquads, format=ox.RdfFormat.N_QUADS)
    del store
    result = json.loads((WORK / f"{size}.json").read_text(encoding="utf-8"))
    result["http"] = bench_http(size, str(store_path), nquads, plan)
    result["http_measured"] = time.strftime("%Y-%m-%d")
    (WORK / f"{size}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    os.remove(nquads)


def corpus_for(size: str) -> Path:
    if size == "S":
        return ROOT / "data" / "samples"
    folder = WORK / "corpus" / size
    if not (folder / "labels.json").exists():
        subprocess.run([str(Path(PY).parent / "dutygraph"), "gen-corpus", "--plans", str(PLANS[size]), "--seed", "1",
                        "-o", str(folder)], check=True)
    return folder


def bench_size(size: str) -> dict:
    corpus = corpus_for(size)
    store_path = WORK / "store" / size
    shutil.rmtree(store_path, ignore_errors=True)
    nquads = str(WORK / f"{size}.nq")
    result: dict = {"size": size, "corpus": str(corpus.relative_to(ROOT)) if corpus.is_relative_to(ROOT) else str(corpus)}
    log(size, "ingest")
    result["ingest"] = run_worker("ingest", str(corpus), str(store_path))
    log(size, "analyse", result["ingest"])
    result["analysis"] = run_worker("analyse", str(store_path))
    if size != "S":
        log(size, "load one more plan", result["analysis"])
        result["load_one"] = run_worker("load_one", str(store_path), str(ROOT / "data" / "samples" / "lintong_plan.txt"))
    log(size, "sparql", result["analysis"])
    ours = run_worker("sparql", str(store_path), nquads)
    log(size, "rdflib")
    result["sparql"] = {"dutygraph": ours["queries"], "rdflib": run_rdflib(nquads, RDFLIB_CAP[size])}
    log(size, "http")
    result["http"] = bench_http(size, str(store_path), nquads, ours["plan"])
    log(size, "pages")
    from bench_pages import measure as measure_pages  # every HTML page under 8 clients (issue 18)

    result["pages"] = measure_pages(str(store_path))
    if size != "S":
        for what in ("duplicates", "alignments"):
            log(size, what)
            fast = run_worker("duplicates", str(store_path), "sparse", what)
            naive = run_worker("duplicates", str(store_path), "naive", what, timeout=RDFLIB_CAP[size])
            result[what] = {"sparse": fast, "naive": naive, "cap_s": RDFLIB_CAP[size], "kept": kept_fraction(fast, naive)}
    os.remove(nquads)
    return result


def log(*parts: object) -> None:
    print(time.strftime("%H:%M:%S"), *parts, file=sys.stderr, flush=True)


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    from importlib.metadata import version

    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gib": round(mem / 1024 / 1024, 1), "python": platform.python_version(),
            **{pkg: version(pkg) for pkg in ("pyoxigraph", "rdflib", "rdflib-endpoint", "numpy", "scipy", "networkx")}}


def main(sizes: list[str]) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    for size in sizes:
        started = time.time()
        result = bench_size(size)
        log(size, "done")
        result["machine"] = machine()
        result["measured"] = time.strftime("%Y-%m-%d")
        result["wall_s"] = round(time.time() - started)
        (WORK / f"{size}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    from render_benchmarks import render

    results = [json.loads((WORK / f"{s}.json").read_text(encoding="utf-8")) for s in PLANS if (WORK / f"{s}.json").exists()]
    from bench_pages import section as pages_section

    (ROOT / "docs" / "BENCHMARKS.md").write_text(render(results) + pages_section(results), encoding="utf-8")
    print(f"wrote docs/BENCHMARKS.md from {', '.join(r['size'] for r in results)}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
        name = sys.argv[1][1:]
        if name == "rdflib":
            worker_rdflib(*sys.argv[2:])
        elif name == "http_again":
            http_again(sys.argv[2].upper())
        else:
            print(json.dumps(WORKERS[name](*sys.argv[2:])))
    else:
        sys.path.insert(0, str(Path(__file__).parent))
        main([s.upper() for s in (sys.argv[1:] or os.environ.get("BENCH_SIZES", "S M").split())])
