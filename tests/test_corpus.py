"""The benchmark corpus generator (`dutygraph gen-corpus`): deterministic, loads through the real loaders,
and its labels say what is in the files."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dutygraph.loaders import read_document

PLANS = 9     # eight word-table plans and one renamed PDF-text plan


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    run = subprocess.run([sys.executable, "-m", "dutygraph.service.cli", "gen-corpus", "--plans", str(PLANS),
                          "--seed", "7", "-o", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"wrote {PLANS} plans" in run.stdout
    return out


@pytest.fixture(scope="module")
def labels(corpus: Path) -> dict:
    return json.loads((corpus / "labels.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def loaded(corpus: Path, labels: dict) -> dict:
    return {pid: read_document(corpus / spec["file"]) for pid, spec in labels["plans"].items()}


def test_same_seed_same_bytes_other_seed_other_plans(corpus: Path, tmp_path: Path):
    from dutygraph.graph.corpus import generate

    generate(PLANS, 7, tmp_path / "again")
    generate(PLANS, 8, tmp_path / "other")
    files = sorted(p.name for p in corpus.iterdir())
    assert files == sorted(p.name for p in (tmp_path / "again").iterdir())
    assert all((corpus / f).read_bytes() == (tmp_path / "again" / f).read_bytes() for f in files)
    assert (corpus / files[0]).read_bytes() != (tmp_path / "other" / files[0]).read_bytes()


def test_every_plan_loads_with_its_layout_and_place(labels: dict, loaded: dict):
    assert {s["layout"] for s in labels["plans"].values()} == {"word-table", "pdf-text"}
    for pid, spec in labels["plans"].items():
        plan = loaded[pid]
        assert (plan.plan_id, plan.layout, plan.jurisdiction) == (pid, spec["layout"], spec["jurisdiction"])
        assert len(plan.tasks) == spec["tasks"] and spec["tasks"] > 100
        assert plan.level == spec["level"]


def test_department_names_follow_the_plan_level(labels: dict, loaded: dict):
    for pid, spec in labels["plans"].items():
        names = [n for t in loaded[pid].tasks for n in t.departments]
        prefixed = [n for n in names if n[0] in "市区县"]
        assert sum(n[0] == spec["level"] for n in prefixed) / len(prefixed) > 0.95, pid
        if spec["style"] == "long":
            assert f"{spec['level']}应急管理局" in names and f"{spec['level']}应急局" not in names


def test_labelled_orphans_and_duplicates_are_in_the_files(labels: dict, loaded: dict):
    from dutygraph.graph.duplicates import clauses

    for pid, spec in labels["plans"].items():
        tasks = {t.number: t for t in loaded[pid].tasks}
        for orphan in spec["orphans"]:
            task = tasks[orphan["number"]]
            if orphan["reason"] == "collective_only":
                assert not task.departments and task.collective_units
            elif orphan["reason"] == "no_deadline":
                assert task.deadline is None
            else:
                assert task.open_ended
        for a, b in spec["duplicates"]:
            assert a < b
            assert set(clauses(tasks[a].text)) & set(clauses(tasks[b].text)) or tasks[a].text == tasks[b].text
        if spec["layout"] == "word-table":
            assert spec["duplicates"] and spec["orphans"]
