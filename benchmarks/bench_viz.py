"""Every network view on the two samples and on a generated corpus of 50 plans, opened in headless
Chromium from a real server: what is drawn (nodes, edges, labels overlapping another, aspect, the same
positions on two loads) and how long it takes (server: graph_data, computed afresh; browser: navigation
start → first picture drawn, the page's own viz-state marker, on the first load — the view computed — and
on the loads after it, when the app's AnswerCache holds the view's data).

    .venv/bin/python benchmarks/bench_viz.py                       # samples + a 50-plan corpus (generated)
    .venv/bin/python benchmarks/bench_viz.py --corpus-store DIR    # reuse a store loaded with the corpus

Not part of `make test`: generating and loading 50 plans takes several minutes. Prints Markdown tables
(copy into docs/VIZ.md), each with the machine's load average before and after it (other runs on the same
cores slow the first pictures). Targets (issue 19): first picture < 2 s on the samples, < 5 s at 50 plans."""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
from fastapi import FastAPI

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from browser import Browser  # noqa: E402
from conftest import CHENGDU, LINTONG, serving  # noqa: E402

from dutygraph.graph.load import load_files  # noqa: E402
from dutygraph.service.answer_cache import AnswerCache  # noqa: E402
from dutygraph.viz import build_viz_router, graph_data  # noqa: E402
from dutygraph.viz.routes import _filters  # noqa: E402

SAMPLE_VIEWS = {
    "start (/viz)": "",
    "all": "view=all",
    "all, Lintong plan": "view=all&plan=lintong_plan",
    "sharing": "view=sharing",
    "focus 市应急局, depth 1": "focus=" + quote("市应急局") + "&depth=1",
    "focus 市应急局, depth 2": "focus=" + quote("市应急局") + "&depth=2",
    "focus 学校": "focus=" + quote("学校"),
    "quality": "view=quality",
    "dependencies": "view=dependencies",
}
CORPUS_VIEWS = {
    "start (/viz)": "",
    "all": "view=all",
    "sharing": "view=sharing",
    "quality": "view=quality",
    "dependencies": "view=dependencies",
    "focus 学校": "focus=" + quote("学校"),
    "focus 市应急局, depth 2": "focus=" + quote("市应急局") + "&depth=2",
    "quality, one plan": "view=quality&plan=p0002_xianyang",
}
RUNS = 3


def open_view(browser: Browser, url: str) -> dict:
    page = browser.new_page()
    try:
        page.goto(url)
        page.wait_for("document.getElementById('viz-state') && document.getElementById('viz-state').dataset.ready === '1'", 120)
        result = page.evaluate("window.vizMeasure()")
        result["first"] = float(page.evaluate("document.getElementById('viz-state').dataset.since_navigation")) / 1000
        result["errors"] = page.errors
        return result
    finally:
        page.ws.close()


def server_seconds(store: ox.Store, query: str) -> float:
    params = dict(p.split("=", 1) for p in query.split("&") if p)
    from urllib.parse import unquote

    params = {k: unquote(v) for k, v in params.items()}
    filters = _filters(params.get("plan"), params.get("function"), params.get("facility"), [])
    started = time.perf_counter()
    graph_data(store, params.get("view"), params.get("focus"), int(params.get("depth", 1)), filters)
    return time.perf_counter() - started


def bench(browser: Browser, store: ox.Store, views: dict[str, str], title: str) -> None:
    app = FastAPI()
    app.include_router(build_viz_router(lambda: store, AnswerCache()))     # as service/app.py does
    rows = []
    load_before = os.getloadavg()
    with serving(app) as url:
        for name, query in views.items():
            server = statistics.median(server_seconds(store, query) for _ in range(RUNS))
            loads = [open_view(browser, f"{url}/viz?{query}") for _ in range(RUNS)]
            first = loads[0]
            stable = all(load["positions"] == first["positions"] for load in loads)
            rows.append((name, first["nodes"], first["edges"], first["overlaps"], first["aspect"], stable, server,
                         first["first"], statistics.median(load["first"] for load in loads[1:]), first["errors"]))
            print(rows[-1][:-1], flush=True)
    loads_seen = ", ".join(f"{a:.1f}/{b:.1f}/{c:.1f}" for a, b, c in (load_before, os.getloadavg()))
    print(f"\n{title} — load average (1/5/15 min) before and after: {loads_seen}\n")
    print("| view | nodes | edges | labels overlapping | aspect (w/h) | same positions on reload | server s |"
          " first picture s | cached picture s |")
    print("|---|---:|---:|---:|---:|---|---:|---:|---:|")
    for name, nodes, edges, overlaps, aspect, stable, server, first, cached, errors in rows:
        flag = " (errors!)" if errors else ""
        print(f"| {name} | {nodes} | {edges} | {overlaps}/{nodes} | {aspect:.2f} | {'yes' if stable else 'NO'} |"
              f" {server:.2f} | {first:.2f} | {cached:.2f}{flag} |")


def corpus_store(path: str | None) -> ox.Store:
    if path:
        return ox.Store.read_only(path)
    folder = Path(tempfile.mkdtemp(prefix="dutygraph-corpus-"))
    cli = Path(sys.executable).with_name("dutygraph")
    subprocess.run([str(cli), "gen-corpus", "--plans", "50", "--seed", "1", "-o", str(folder)], check=True)
    store = ox.Store()
    load_files(store, sorted(folder.glob("*.txt")))
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus-store", help="a store already loaded with `gen-corpus --plans 50 --seed 1`")
    parser.add_argument("--samples-only", action="store_true")
    parser.add_argument("--corpus-only", action="store_true", help="skip the samples (the 50-plan table only)")
    args = parser.parse_args()
    browser = Browser()
    try:
        if not args.corpus_only:
            samples = ox.Store()
            load_files(samples, [CHENGDU, LINTONG])
            bench(browser, samples, SAMPLE_VIEWS, "Samples (chengdu_task_table + lintong_plan)")
        if not args.samples_only:
            bench(browser, corpus_store(args.corpus_store), CORPUS_VIEWS, "Generated corpus, 50 plans (seed 1)")
    finally:
        browser.close()


if __name__ == "__main__":
    main()
