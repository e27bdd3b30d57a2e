"""Alignment's term weights are fixed reference frequencies (graph/reference_terms.py): the shipped table is
what the samples give, scores on the samples are those of weights counted over the store, and a plan's
matches with another plan do not move when a third plan is loaded."""
from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from conftest import CHENGDU, LINTONG, ROOT

from dutygraph.graph.alignment import align, documents
from dutygraph.graph.analysis import cross_plan_inputs
from dutygraph.graph.corpus import generate
from dutygraph.graph.load import load_files
from dutygraph.graph.reference_terms import measure_samples, reference_frequencies, render
from dutygraph.graph.textsim import tfidf_matrix


def test_the_shipped_table_is_what_the_samples_give():
    shipped = (ROOT / "graph" / "reference_terms.json").read_text(encoding="utf-8")
    assert shipped == render(measure_samples(ROOT / "data" / "samples")), \
        "regenerate: python -m dutygraph.graph.reference_terms > graph/reference_terms.json"


@pytest.fixture(scope="module")
def sample_duties(loaded_store):
    return cross_plan_inputs(loaded_store)


def test_on_the_samples_reference_weights_are_the_store_weights(sample_duties):
    """The reference is the samples' own duties, so on them nothing changes from counting over the store
    (the hand-labelled alignment figures in docs/QUALITY.md stay valid)."""
    _, docs = documents(sample_duties)
    counted = tfidf_matrix(docs, max_df=0.3)
    fixed = tfidf_matrix(docs, max_df=0.3, reference=reference_frequencies())
    assert counted.shape == fixed.shape and abs(counted - fixed).max() < 1e-12


@pytest.fixture(scope="module")
def with_a_third_plan(tmp_path_factory, sample_duties):
    folder = tmp_path_factory.mktemp("third")
    labels = generate(1, 11, folder)
    store = ox.Store()
    load_files(store, [CHENGDU, LINTONG] + [folder / spec["file"] for spec in labels["plans"].values()],
               analyse=False)
    return cross_plan_inputs(store)


def test_a_third_plan_moves_only_the_matches_it_enters(sample_duties, with_a_third_plan):
    before = {e["task"]: e for e in align(sample_duties)}
    after = align(with_a_third_plan)
    samples = {t["plan"]["id"] for t in sample_duties}
    third = {t["plan"]["id"] for t in with_a_third_plan} - samples
    entered = unchanged = 0
    for entry in after:
        if entry["plan"] not in samples:
            continue
        if any(c["plan"] in third for c in entry["candidates"]):
            entered += 1
            continue
        assert entry == before[entry["task"]], json.dumps(entry, ensure_ascii=False)
        unchanged += 1
    assert entered and unchanged, (entered, unchanged)
