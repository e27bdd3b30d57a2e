"""The duplicate report scored against the hand-labelled pairs (tests/gold/pairs/sample_pairs.json, issue 17):
duplicate + overlap + restates together, "unsure" pairs left out, pairs unordered. On those pairs the figures
reached (docs/QUALITY.md: precision 0.993, recall 0.810, no parallel pair reported) are at or above the issue's
targets. They are not on everything the detector reports: tests/gold/pairs/reported_pairs.json labels, blind and
mixed with 30 unreported decoys, the 45 positive pairs it reported that sample_pairs.json does not label; over
both sets precision was 0.874 (146 of 167) with 4 parallel pairs reported as overlaps; after fixing their causes it
is 0.930 (146 of 157) with none, but those pairs then served for development: the next honest figure needs new
blind labels. The tests below hold the figures reached."""
from __future__ import annotations

import json

import pytest
from conftest import GOLD, t

from dutygraph.graph.duplicates import find_in_plan
from dutygraph.graph.tasks import list_tasks

POSITIVE = {"duplicate", "overlap", "restates"}
PAIRS = [p for p in json.loads((GOLD / "pairs" / "sample_pairs.json").read_text(encoding="utf-8"))["pairs"]
         if not p.get("unsure")]
REPORTED = [p for p in json.loads((GOLD / "pairs" / "reported_pairs.json").read_text(encoding="utf-8"))["pairs"]
            if not p.get("unsure")]


def _key(pair: dict) -> frozenset[str]:
    return frozenset(t(pair["plan"], side["number"], side["kind"]) for side in (pair["a"], pair["b"]))


@pytest.fixture(scope="module")
def reported(loaded_store) -> dict[frozenset[str], str]:
    out = {}
    for plan in ("chengdu_task_table", "lintong_plan"):
        for finding in find_in_plan(list_tasks(loaded_store, plan=plan)):
            out.setdefault(frozenset(finding.tasks), finding.kind)
    return out


def test_precision_and_recall_on_the_gold_pairs(reported):
    hits = [reported.get(_key(p)) in POSITIVE for p in PAIRS if p["label"] in POSITIVE]
    false = [p for p in PAIRS if p["label"] not in POSITIVE and reported.get(_key(p)) in POSITIVE]
    precision = sum(hits) / (sum(hits) + len(false))
    recall = sum(hits) / len(hits)
    assert precision >= 0.99 and recall >= 0.8, (precision, recall)


def _scores(pairs: list[dict], reported: dict[frozenset[str], str]) -> tuple[float, float]:
    hits = [reported.get(_key(p)) in POSITIVE for p in pairs if p["label"] in POSITIVE]
    false = [p for p in pairs if p["label"] not in POSITIVE and reported.get(_key(p)) in POSITIVE]
    return sum(hits) / (sum(hits) + len(false)), sum(hits) / len(hits)


def test_precision_and_recall_over_everything_reported(reported):
    """Both labelled sets together: the honest precision of what a reader is shown (issue bar: 0.9)."""
    precision, recall = _scores(PAIRS + REPORTED, reported)
    assert precision >= 0.92 and recall >= 0.8, (precision, recall)


def test_no_parallel_pair_among_everything_reported(reported):
    wrong = [(p["plan"], p["a"], p["b"]) for p in REPORTED
             if p["label"] == "parallel" and reported.get(_key(p)) in POSITIVE]
    assert not wrong, wrong


def test_no_parallel_pair_is_reported_as_a_duplicate(reported):
    wrong = [(p["plan"], p["a"], p["b"]) for p in PAIRS
             if p["label"] == "parallel" and reported.get(_key(p)) in POSITIVE]
    assert not wrong, wrong


def test_templates_are_reported_as_parallel(reported):
    parallel = [p for p in PAIRS if p["label"] == "parallel"]
    found = [p for p in parallel if reported.get(_key(p)) == "parallel"]
    assert len(found) / len(parallel) >= 0.55, len(found)


@pytest.mark.parametrize("pair", [p for p in PAIRS if p["label"] == "distinct" and "boilerplate" in p["evidence"]],
                         ids=lambda p: f"{p['plan']}-{p['a']['number']}-{p['b']['number']}")
def test_a_shared_boilerplate_requirement_decides_nothing(reported, pair):
    assert reported.get(_key(pair)) not in POSITIVE, pair["evidence"]
