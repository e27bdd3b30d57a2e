"""The persistent store: stable IRIs, replace-on-reload, all-or-nothing, export, the task contract."""
from __future__ import annotations

import json
import subprocess
import sys

import pyoxigraph as ox
from conftest import CHENGDU, LINTONG

from dutygraph.graph import namespaces as ns
from dutygraph.graph.load import load_files
from dutygraph.graph.store import named_graphs, open_store
from dutygraph.graph.tasks import list_tasks

CONTRACT_KEYS = {"id", "plan", "kind", "number", "section", "text", "requirements", "departments",
                 "lead_department", "collective_units", "open_ended", "deadline", "source"}


def _quads(store):
    return sorted(str(q) for q in store)


def test_same_documents_same_graph(tmp_path):
    a, b = ox.Store(), ox.Store(str(tmp_path / "s"))
    load_files(a, [CHENGDU, LINTONG])
    load_files(b, [LINTONG, CHENGDU])
    assert _quads(a) == _quads(b)
    assert not any(isinstance(q.subject, ox.BlankNode) for q in a)


def test_iris_are_readable_and_stable(loaded_store):
    tasks = list_tasks(loaded_store, plan="chengdu_task_table")
    assert tasks[0]["id"] == ns.task_iri("chengdu_task_table", "task", 1)
    assert tasks[0]["id"] == "https://w3id.org/dutygraph/id/task/chengdu_task_table/task/1"


def test_reload_replaces_the_plan(tmp_path):
    store = ox.Store()
    load_files(store, [CHENGDU, LINTONG])
    first = _quads(store)
    load_files(store, [CHENGDU])
    assert _quads(store) == first
    assert len([g for g in named_graphs(store) if "/graph/plan/" in g]) == 2


def test_reload_of_an_edited_document_drops_old_rows(tmp_path):
    edited = tmp_path / CHENGDU.name
    lines = CHENGDU.read_text(encoding="utf-8").split("\n")
    edited.write_text("\n".join(line for line in lines if not line.startswith("288\t")), encoding="utf-8")
    store = ox.Store()
    load_files(store, [CHENGDU])
    load_files(store, [edited])
    assert len(list_tasks(store)) == 287


def test_store_persists_and_reopens(tmp_path):
    path = tmp_path / "store"
    store = open_store(path)
    load_files(store, [LINTONG])
    count = len(store)
    del store
    again = open_store(path)
    assert len(again) == count and len(list_tasks(again)) == 145


def test_task_contract(loaded_store):
    tasks = list_tasks(loaded_store)
    assert len(tasks) == 288 + 145
    for task in tasks:
        assert CONTRACT_KEYS <= set(task)
        assert task["kind"] in ("task", "measure", "schedule")
        assert task["lead_department"] == (task["departments"][0] if task["departments"] else None)
    row14 = next(t for t in tasks if t["plan"]["id"] == "chengdu_task_table" and t["number"] == 14)
    assert row14["departments"] == ["市应急局", "市经信局"]
    assert row14["deadline"] == {"raw": "长期", "start": None, "end": None, "ongoing": True}
    assert row14["source"] == {"file": "chengdu_task_table.txt", "lines": [27, 27]}
    lintong1 = next(t for t in tasks if t["plan"]["id"] == "lintong_plan" and t["kind"] == "task" and t["number"] == 1)
    assert lintong1["deadline"]["start"] == "2020-10" and lintong1["deadline"]["end"] == "2021-07"
    assert lintong1["section"] == "一、城市安全状况显著改善"
    assert lintong1["plan"]["title"] == "西安市临潼区国家安全发展示范城市创建工作实施方案"


def _cli(*args, store):
    return subprocess.run([sys.executable, "-m", "dutygraph.service.cli", *args, "--store", str(store)],
                          capture_output=True, text=True, timeout=300)


def test_cli_round_trip(tmp_path):
    store = tmp_path / "store"
    assert _cli("load", str(CHENGDU), str(LINTONG), store=store).returncode == 0
    out = _cli("tasks", "--format", "json", store=store)
    tasks = json.loads(out.stdout)
    assert len(tasks) == 433
    csv_out = _cli("tasks", "--plan", "lintong_plan", "--kind", "schedule", "--format", "csv", store=store)
    assert csv_out.stdout.count("\n") == 21
    query = _cli("query", "PREFIX dg: <https://w3id.org/dutygraph/ontology#> SELECT (COUNT(?t) AS ?n) WHERE { ?t a dg:TableTask }",
                 "--format", "json", store=store)
    assert json.loads(query.stdout) == [{"n": 392}]
    stats = json.loads(_cli("stats", "--format", "json", store=store).stdout)
    assert {(s["planId"], s["kind"], s["tasks"]) for s in stats} == {
        ("chengdu_task_table", "task", 288), ("lintong_plan", "task", 104),
        ("lintong_plan", "schedule", 20), ("lintong_plan", "measure", 21)}
    for fmt, parse_as in [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")]:
        target = tmp_path / f"export.{fmt}"
        assert _cli("export", "--format", fmt, "-o", str(target), store=store).returncode == 0
        import rdflib
        graph = rdflib.Graph().parse(str(target), format=parse_as)
        assert len(graph) > 10_000


def test_query_refuses_updates(tmp_path):
    store = tmp_path / "store"
    _cli("load", str(LINTONG), store=store)
    result = _cli("query", "DELETE WHERE { ?s ?p ?o }", store=store)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert len(json.loads(_cli("tasks", "--format", "json", store=store).stdout)) == 145
