"""Crash safety: `dutygraph load --store P folder`, a real process, SIGKILLed at several points of its run, leaves
a store that opens and holds exactly the state before that load — or, killed after its last commit, exactly the
state after it; never a mix. The figures go to test-artifacts/crash-test.json.

`make soak` adds DUTYGRAPH_CRASH_PLANS=8 generated plans and 8 kill points (here a changed sample, 3 points)."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import ARTIFACTS, CHENGDU, LINTONG
from dutygraph.graph.load import load_files

PLANS = int(os.environ.get("DUTYGRAPH_CRASH_PLANS", "0"))
POINTS = int(os.environ.get("DUTYGRAPH_CRASH_POINTS", "3"))
CLI = [sys.executable, "-m", "dutygraph.service.cli"]
ANALYSIS = "https://w3id.org/dutygraph/graph/analysis"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=600)


def _state(path: Path) -> dict[str, frozenset[str]]:
    """The store's quads by graph (opening it is part of the check)."""
    store = ox.Store(str(path))
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
