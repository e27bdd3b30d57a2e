"""Crash safety: `dutygraph load --store P folder`, a real process, SIGKILLed at several points of its run, leaves
a store that opens and holds exactly the state before that load — or, killed after its last commit, exactly the
state after it; never a mix. The figures go to test-artifacts/crash-test.json.

`make soak` adds DUTYGRAPH_CRASH_PLANS=8 generated plans and 8 kill points (here a changed sample, 3 points).

A load above the bulk threshold (graph/store.py: bulk_replace) is killed at named points instead — while it
streams plans, while it analyses them, just before and just after its switch — with the threshold lowered in
the killed process so that a few hundred duties take that path."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import ARTIFACTS, CHENGDU, LINTONG

from dutygraph.graph.load import load_files
from dutygraph.graph.store import JOURNAL_GRAPH, STAGING_PREFIX, open_store

PLANS = int(os.environ.get("DUTYGRAPH_CRASH_PLANS", "0"))
POINTS = int(os.environ.get("DUTYGRAPH_CRASH_POINTS", "3"))
CLI = [sys.executable, "-m", "dutygraph.service.cli"]
ANALYSIS = "https://w3id.org/dutygraph/graph/analysis"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=600)


def _state(path: Path, opener: Callable[[Path], ox.Store] = lambda p: ox.Store(str(p))) -> dict[str, frozenset[str]]:
    """The store's quads by graph (opening it is part of the check)."""
    store = opener(path)
    try:
        graphs: dict[str, set[str]] = {}
        for quad in store:
            graphs.setdefault(str(quad.graph_name), set()).add(str(quad))
        return {g: frozenset(q) for g, q in graphs.items()}
    finally:
        del store


@pytest.fixture(scope="module")
def setting(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("crash")
    corpus = root / "corpus"
    if PLANS:
        done = _run("gen-corpus", "--plans", str(PLANS), "--seed", "3", "-o", str(corpus))
        assert done.returncode == 0, done.stderr
        (corpus / "labels.json").unlink()
    corpus.mkdir(exist_ok=True)
    # a plan already in the store, changed: the load replaces it
    (corpus / CHENGDU.name).write_text(CHENGDU.read_text(encoding="utf-8").rsplit("\n", 6)[0], encoding="utf-8")
    base = root / "base"
    store = ox.Store(str(base))
    load_files(store, [CHENGDU, LINTONG])
    del store  # closes it: the subprocesses open it next
    after = root / "after"
    shutil.copytree(base, after)
    started = time.monotonic()
    full = _run("load", "--store", str(after), str(corpus))
    duration = time.monotonic() - started
    assert full.returncode == 0, full.stderr
    return {"root": root, "corpus": corpus, "base": base, "before": _state(base), "after": _state(after),
            "duration": duration}


def test_a_killed_load_leaves_the_state_before_it_or_after_it(setting):
    before, after = setting["before"], setting["after"]
    assert before != after
    results = []
    for point in range(1, POINTS + 1):
        fraction = point / (POINTS + 1)
        store = setting["root"] / f"killed{point}"
        shutil.copytree(setting["base"], store)
        process = subprocess.Popen([*CLI, "load", "--store", str(store), str(setting["corpus"])],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(setting["duration"] * fraction)
        finished_first = process.poll() is not None
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        state = _state(store)
        outcome = "before" if state == before else "after" if state == after else "MIXED"
        plans_only = {g: q for g, q in state.items() if not g.startswith(f"<{ANALYSIS}")}
        plan_outcome = ("before" if plans_only == {g: q for g, q in before.items() if not g.startswith(f"<{ANALYSIS}")}
                        else "after" if plans_only == {g: q for g, q in after.items() if not g.startswith(f"<{ANALYSIS}")} else "MIXED")
        results.append({"kill_at_s": round(setting["duration"] * fraction, 2), "finished_first": finished_first,
                        "store": outcome, "plan_graphs": plan_outcome})
        shutil.rmtree(store)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "crash-test.json").write_text(json.dumps(
        {"plans_in_load": PLANS + 1, "full_load_s": round(setting["duration"], 2), "kills": results}, indent=2))
    assert all(r["plan_graphs"] != "MIXED" for r in results), results
    assert all(r["store"] != "MIXED" for r in results), results   # plans and analysis commit together


# Runs the real CLI with the bulk threshold lowered, and SIGKILLs itself at the nth call of a function that a
# large load goes through: argv = point nth dutygraph-arguments…
KILLER = """
import os, signal, sys
from dutygraph.graph import analysis, load, store
load.BULK_THRESHOLD = store.BULK_THRESHOLD = 1_000
module, name, when = {"stream": (load, "plan_triples", "before"), "plan-analysis": (analysis, "plan_findings", "before"),
                      "cross-plan-analysis": (analysis, "cross_plan_findings", "before"),
                      "before-switch": (store, "_commit", "before"), "after-switch": (store, "_commit", "after"),
                      "none": (load, "plan_triples", "never")}[sys.argv[1]]
nth, original, calls = int(sys.argv[2]), getattr(module, name, None), []
def wrapper(*args, **kwargs):
    calls.append(1)
    if when == "before" and len(calls) == nth:
        os.kill(os.getpid(), signal.SIGKILL)
    value = original(*args, **kwargs)
    if when == "after" and len(calls) == nth:
        os.kill(os.getpid(), signal.SIGKILL)
    return value
setattr(module, name, wrapper)
from dutygraph.service.cli import app
app(args=sys.argv[3:], prog_name="dutygraph")
"""
KILL_POINTS = [("stream", 2), ("plan-analysis", 1), ("plan-analysis", 2), ("cross-plan-analysis", 1),
               ("before-switch", 1), ("after-switch", 1)]


def _recovered_state(path: Path) -> dict[str, frozenset[str]]:
    """The store's quads by graph once open_store has recovered it, as every reader opens it."""
    return _state(path, open_store)


def _killed_load(point: str, nth: int, store: Path, corpus: Path) -> subprocess.CompletedProcess:
    """One hash seed for every run, so that the reference and the killed loads compute the same analyses
    (the duplicate finder's results have depended on set order) and only atomicity is compared here."""
    return subprocess.run([sys.executable, "-c", KILLER, point, str(nth), "load", "--store", str(store), str(corpus)],
                          capture_output=True, text=True, timeout=600, env={**os.environ, "PYTHONHASHSEED": "0"})


@pytest.fixture(scope="module")
def large(tmp_path_factory) -> dict:
    """A store holding a short Chengdu plan (analysed); a load replacing it by a shorter version and adding
    Lintong, which changes Chengdu's alignment graph and the centrality graph too."""
    root = tmp_path_factory.mktemp("bulkcrash")
    lines = CHENGDU.read_text(encoding="utf-8").split("\n")
    (root / "seed").mkdir()
    (root / "seed" / CHENGDU.name).write_text("\n".join(lines[:80]), encoding="utf-8")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / CHENGDU.name).write_text("\n".join(lines[:60]), encoding="utf-8")
    shutil.copy(LINTONG, corpus / LINTONG.name)
    base = root / "base"
    store = ox.Store(str(base))
    load_files(store, [root / "seed" / CHENGDU.name])
    del store
    after = root / "after"
    shutil.copytree(base, after)
    clean = _killed_load("none", 0, after, corpus)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    return {"root": root, "corpus": corpus, "base": base, "before": _recovered_state(base), "after": _recovered_state(after)}


def test_the_large_reference_load_changed_plans_and_analyses_and_left_no_bookkeeping(large):
    before, after = large["before"], large["after"]
    changed = {g for g in before.keys() | after.keys() if before.get(g) != after.get(g)}
    assert any("/graph/plan/" in g for g in changed) and any("/graph/analysis" in g for g in changed), changed
    assert not [g for g in after if g.startswith((f"<{STAGING_PREFIX}", f"<{JOURNAL_GRAPH}"))]


@pytest.mark.parametrize("point,nth", KILL_POINTS, ids=[f"{p}-{n}" for p, n in KILL_POINTS])
def test_a_killed_large_load_leaves_the_state_before_it_or_after_it(large, point, nth):
    store = large["root"] / f"killed-{point}-{nth}"
    shutil.copytree(large["base"], store)
    done = _killed_load(point, nth, store, large["corpus"])
    assert done.returncode == -signal.SIGKILL, f"the load was not killed at {point}: {done.stdout}{done.stderr}"
    state = _recovered_state(store)
    expected = "after" if point == "after-switch" else "before"
    plans = {"before": large["before"], "after": large["after"]}
    mixed = sorted(g for g in state.keys() | plans[expected].keys() if state.get(g) != plans[expected].get(g))
    assert state == plans[expected], f"killed at {point} #{nth}: not the state {expected} the load; graphs that differ: {mixed}"
    shutil.rmtree(store)
