"""Dismissing a finding: kept in its own graph with who, when and why (PROV-O), still matching its finding after
the plan is loaded again, withdrawn by undo; from the library, the CLI and HTTP with the token; shown greyed on
the duplicates page."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from conftest import CHENGDU
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from dutygraph.graph import dismissals as dm
from dutygraph.graph import namespaces as ns
from dutygraph.graph import reports
from dutygraph.graph.load import load_files
from dutygraph.service.app import Settings, create_app
from dutygraph.service.cli import app as cli

TOKEN = "a-token-of-sixteen-chars"
AT = datetime(2024, 5, 1, 8, 30, tzinfo=UTC)
HOSTILE = '不是重复"} ; DROP ALL ; INSERT DATA { <urn:x> <urn:y> "z" } #'


@pytest.fixture(scope="module")
def store() -> ox.Store:
    """Chengdu alone, in a store of its own (the tests write to it)."""
    db = ox.Store()
    load_files(db, [CHENGDU])
    return db


def _first(store: ox.Store, kind: str = "duplicate") -> dict:
    return next(d for d in reports.duplicates(store, kind=kind) if not d["dismissed"])


def test_dismissal_survives_a_reload_and_undo_withdraws_it(store):
    item = _first(store)
    finding = dm.find_finding(store, item["finding"])
    made = dm.dismiss(store, finding, HOSTILE, "张三", AT)
    assert (made.reason, made.by, made.at, made.via) == (HOSTILE, "张三", "2024-05-01T08:30:00Z", "cli")
    load_files(store, [CHENGDU])                      # the plan and its analysis graphs are replaced
    assert [d.as_json() for d in dm.dismissals(store)] == [made.as_json()]
    again = next(d for d in reports.duplicates(store) if d["finding"] == item["finding"])
    assert again["dismissed"] == {"reason": HOSTILE, "by": "张三", "at": "2024-05-01T08:30:00Z", "via": "cli"}
    assert dm.find_finding(store, tasks=item["tasks"], kind=item["kind"]) == finding
    assert dm.undismiss(store, tasks=item["tasks"]).iri == made.iri
    assert dm.dismissals(store) == []
    assert next(d for d in reports.duplicates(store) if d["finding"] == item["finding"])["dismissed"] is None


def test_the_dismissal_is_prov_in_its_own_reserved_graph(store):
    item = _first(store, "parallel")
    made = dm.dismiss(store, dm.find_finding(store, item["finding"]), "模板相同，对象不同", "李四", AT)
    graph = ox.NamedNode(dm.DISMISSALS_GRAPH)
    assert ns.is_reserved_graph(dm.DISMISSALS_GRAPH)
    subject = ox.NamedNode(made.iri)
    props = {q.predicate.value: q.object for q in store.quads_for_pattern(subject, None, None, graph)}
    assert props[ns.PROV + "generatedAtTime"].datatype == ox.NamedNode(ns.XSD + "dateTime")
    assert props[ns.RDFS + "comment"].language == "zh"
    agent = props[ns.PROV + "wasAttributedTo"]
    assert next(store.quads_for_pattern(agent, ox.NamedNode(ns.RDFS + "label"), None, graph)).object.value == "李四"
    assert not list(store.quads_for_pattern(ox.NamedNode("urn:x"), None, None, None))
    dm.undismiss(store, item["finding"])


def test_finding_iris_do_not_depend_on_the_store():
    """Dismissals rely on it: the same document loaded into two stores mints the same findings."""
    one, two = ox.Store(), ox.Store()
    load_files(one, [CHENGDU])
    load_files(two, [CHENGDU])
    assert [d["finding"] for d in reports.duplicates(one)] == [d["finding"] for d in reports.duplicates(two)]


@pytest.mark.parametrize("finding, tasks, reason, by, error", [
    (None, [], "理由", "张三", dm.DismissalError),
    ("not an iri", [], "理由", "张三", dm.DismissalError),
    (ns.ID + "finding/none", [], "理由", "张三", dm.FindingNotFound),
    (None, [ns.ID + "task/none/task/1"], "理由", "张三", dm.FindingNotFound),
    ("FIRST", [], "  ", "张三", dm.DismissalError),
    ("FIRST", [], "理由", "", dm.DismissalError),
    ("FIRST", [], "a\x00b", "张三", dm.DismissalError),
])
def test_bad_dismissals_are_typed_errors(store, finding, tasks, reason, by, error):
    with pytest.raises(error):
        found = dm.find_finding(store, _first(store)["finding"] if finding == "FIRST" else finding, tasks)
        dm.dismiss(store, found, reason, by, AT)


def test_cli_dismiss_and_undo(tmp_path: Path, monkeypatch):
    path = tmp_path / "store"
    db = ox.Store(str(path))
    load_files(db, [CHENGDU])
    item = _first(db)
    del db
    monkeypatch.setenv("USER", "王五")
    refs = [dm.task_ref(t) for t in item["tasks"]]          # plan/kind/number, as the page shows the command
    assert all("://" not in r and dm.task_of_ref(r) == t for r, t in zip(refs, item["tasks"]))
    result = CliRunner().invoke(cli, ["dismiss", *refs, "--reason", "同一任务拆成两条", "--store", str(path)])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert (shown["finding"], shown["by"], shown["via"]) == (item["finding"], "王五", "cli")
    result = CliRunner().invoke(cli, ["dismiss", item["finding"], "--undo", "--store", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["withdrawn"] is True
    result = CliRunner().invoke(cli, ["dismiss", item["finding"], "--store", str(path)])
    assert result.exit_code == 2 and "reason is empty" in result.output


def _client(store: ox.Store, **settings) -> TestClient:
    return TestClient(create_app(Settings(timeout_s=5, **settings), store=store), raise_server_exceptions=False)


def test_http_refuses_without_the_token(store):
    body = {"finding": _first(store)["finding"], "reason": "误报", "by": "赵六"}
    with _client(store) as client:                    # no token, no --allow-update
        assert client.post("/api/findings/dismiss", json=body).status_code == 403
        assert client.delete("/api/findings/dismiss/" + quote(body["finding"], safe="")).status_code == 403
    with _client(store, allow_update=True, token=TOKEN) as client:
        assert client.post("/api/findings/dismiss", json=body).status_code == 401
        wrong = client.post("/api/findings/dismiss", json=body, headers={"Authorization": "Bearer wrong-token-xxxxxxxx"})
        assert wrong.status_code == 401
    assert dm.dismissals(store) == []


def test_http_dismiss_shows_on_the_page_and_undo(store):
    item = _first(store)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with _client(store, allow_update=True, token=TOKEN) as client:
        page = client.get("/questions/duplicates?plan=chengdu_task_table").text
        assert 'class="dismiss"' in page and "dutygraph dismiss" not in page
        made = client.post("/api/findings/dismiss", json={"tasks": item["tasks"], "reason": "两条各有侧重", "by": "赵六"},
                           headers=auth)
        assert made.status_code == 200, made.text
        assert (made.json()["finding"], made.json()["via"], made.json()["by"]) == (item["finding"], "http-token", "赵六")
        listed = next(d for d in client.get("/api/duplicates").json() if d["finding"] == item["finding"])
        assert listed["dismissed"]["reason"] == "两条各有侧重"
        assert [d["finding"] for d in client.get("/api/findings/dismissals").json()] == [item["finding"]]
        page = client.get("/questions/duplicates?plan=chengdu_task_table").text
        assert "已忽略：两条各有侧重" in page and 'class="pair dismissed"' in page
        missing = client.post("/api/findings/dismiss", json={"finding": ns.ID + "finding/x", "reason": "r", "by": "b"},
                              headers=auth)
        assert missing.status_code == 404
        gone = client.delete("/api/findings/dismiss/" + quote(item["finding"], safe=""), headers=auth)
        assert gone.status_code == 200, gone.text
        assert "已忽略：两条各有侧重" not in client.get("/questions/duplicates?plan=chengdu_task_table").text
        client.post("/api/findings/dismiss", json={"finding": item["finding"], "reason": "再次", "by": "赵六"}, headers=auth)
        gone = client.delete("/api/findings/dismiss", params={"tasks": item["tasks"]}, headers=auth)
        assert gone.status_code == 200 and dm.dismissals(store) == []
    with _client(store) as client:                    # a read-only service shows the command instead of the form
        page = client.get("/questions/duplicates?plan=chengdu_task_table").text
        assert "dutygraph dismiss" in page and 'class="dismiss"' not in page
