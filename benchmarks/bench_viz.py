"""Time to first render of the network page for synthetic graphs of 500, 5,000 and 20,000 nodes, and the
physics-versus-precomputed-layout comparison that sets viz.layout.LAYOUT_THRESHOLD.

    .venv/bin/python benchmarks/bench_viz.py            # prints a Markdown table (copy into docs/VIZ.md)

Not part of `make test`: it starts headless Chromium and takes a few minutes. Each graph is a store of
synthetic duties (70 % of the nodes), departments (20 %) and facility types (10 %): every duty has a lead,
one or two co-responsible departments and one facility type, like the sample plans. Server time is
graph_data + render_view (view=all); browser time is navigation start → first frame drawn after the
layout settled (the page's own `viz-state` marker), standalone HTML opened from disk."""
from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from browser import Browser  # noqa: E402

from dutygraph.viz import layout, render_view  # noqa: E402

DG = "https://w3id.org/dutygraph/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def synthetic_store(size: int, seed: int = 1) -> ox.Store:
    rng = random.Random(seed)
    store = ox.Store()
    n, lit = ox.NamedNode, ox.Literal
    g = n("urn:bench")
    plan = n("urn:bench:plan")
    quads = [(plan, TYPE, n(DG + "Plan")), (plan, n(DCT + "identifier"), lit("bench")),
             (plan, n(DCT + "title"), lit("合成方案"))]
    tasks, departments = int(size * 0.7), int(size * 0.2)
    facilities = size - 1 - tasks - departments        # the plan is a node too
    for d in range(departments):
        dept = n(f"urn:bench:dept:{d}")
        quads += [(dept, TYPE, n(DG + "Department")), (dept, n(SKOS + "prefLabel"), lit(f"部门{d}")),
                  (dept, n(DG + "function"), n(f"urn:bench:function:{d % 30}"))]
    for f in range(facilities):
        fac = n(f"urn:bench:facility:{f}")
        quads += [(fac, TYPE, n(DG + "FacilityType")), (fac, n(SKOS + "prefLabel"), lit(f"设施{f}"))]
    for t in range(tasks):
        task = n(f"urn:bench:task:{t}")
        quads += [(task, TYPE, n(DG + "Task")), (task, n(DG + "kind"), lit("task")), (task, n(DG + "partOf"), plan),
                  (task, n(DG + "number"), lit(str(t + 1), datatype=n("http://www.w3.org/2001/XMLSchema#integer"))),
                  (task, n(DG + "statement"), lit(f"第{t}项合成任务：加强燃气管网安全监管。"))]
        # duties point at a few busy departments more often than at the rest, as in real plans
        lead = min(int(rng.paretovariate(1.2)) - 1, departments - 1)
        for role, d in [("lead", lead)] + [("coResponsible", rng.randrange(departments)) for _ in range(rng.randint(1, 2))]:
            dept = n(f"urn:bench:dept:{d}")
            quads += [(task, n(DG + role), dept), (task, n(DG + "assignedTo"), dept)]
        quads.append((task, n(DG + "concernsFacility"), n(f"urn:bench:facility:{rng.randrange(facilities)}")))
    store.extend([ox.Quad(s, p, o, g) for s, p, o in quads])
    return store


def measure(browser: Browser, store: ox.Store, folder: Path, name: str) -> tuple[int, float, float, bool]:
    started = time.perf_counter()
    html = render_view(store, "all", standalone=True)
    server = time.perf_counter() - started
    path = folder / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    page = browser.new_page()
    try:
        page.goto(path.as_uri())
        page.wait_for("document.getElementById('viz-state').dataset.ready === '1'", 600)
        drawn = page.evaluate("window.vizNetwork.body.nodeIndices.length")
        first_render = page.evaluate("performance.now()") / 1000
        # performance.now() at the check, which polls every 50 ms: good to a tenth of a second
        fixed = page.evaluate("!window.vizNetwork.physics.physicsEnabled") and "precomputed layout" in html
        assert not page.errors, page.errors
    finally:
        page.ws.close()
    return drawn, server, first_render, fixed


def main() -> None:
    browser = Browser()
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            for size in (500, 5_000, 20_000):
                store = synthetic_store(size)
                rows.append(("default", size, *measure(browser, store, folder, f"n{size}")))
                print(rows[-1], flush=True)
            threshold = layout.LAYOUT_THRESHOLD
            for size in (150, 300, 500, 1_000, 2_000, 3_000):
                store = synthetic_store(size)
                layout.LAYOUT_THRESHOLD = 10**9          # physics in the browser
                rows.append(("physics", size, *measure(browser, store, folder, f"p{size}")))
                print(rows[-1], flush=True)
                layout.LAYOUT_THRESHOLD = 0              # networkx positions, physics off
                rows.append(("networkx", size, *measure(browser, store, folder, f"x{size}")))
                print(rows[-1], flush=True)
            layout.LAYOUT_THRESHOLD = threshold
    finally:
        browser.close()
    print("\n| layout | nodes | drawn | server s (graph_data + render) | first render s (browser) |")
    print("|---|---:|---:|---:|---:|")
    for mode, size, drawn, server, first, fixed in rows:
        label = mode if mode != "default" else ("default → networkx" if fixed else "default → physics")
        print(f"| {label} | {size:,} | {drawn:,} | {server:.2f} | {first:.2f} |")


if __name__ == "__main__":
    main()
