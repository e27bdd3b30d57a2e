"""`dutygraph query` and /sparql answer one query over one dataset: the query's FROM / FROM NAMED when it
names graphs, else the union of all graphs. ASK answers a boolean on both."""
from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from dutygraph.service.app import Settings, create_app
from dutygraph.service.cli import app as cli

G1, G2 = "http://example.org/g1", "http://example.org/g2"
QUERIES = {
    "union": ("SELECT ?g WHERE { ?s <http://example.org/in> ?g } ORDER BY ?g", [G1, G2]),
    "from g1": ("SELECT ?g FROM <http://example.org/g1> WHERE { ?s <http://example.org/in> ?g } ORDER BY ?g", [G1]),
    "from named g2": ("SELECT ?g FROM NAMED <http://example.org/g2> WHERE { GRAPH ?x { ?s <http://example.org/in> ?g } }",
                      [G2]),
}


def _fill(store: ox.Store) -> ox.Store:
    for graph in (G1, G2):
        store.add(ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/in"),
                          ox.NamedNode(graph), ox.NamedNode(graph)))
    store.flush()
    return store


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The CLI's store on disk (closed again, so the CLI can open it)."""
    path = tmp_path_factory.mktemp("cli-sparql") / "store"
    del_me = _fill(ox.Store(str(path)))
    del del_me
    return path


def _cli(store_path: Path, query: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(cli, ["query", query, "--store", str(store_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("name", QUERIES)
def test_cli_and_http_answer_over_the_same_dataset(store_path: Path, name: str) -> None:
    query, expected = QUERIES[name]
    assert [row["g"] for row in _cli(store_path, query)] == expected
    with TestClient(create_app(Settings(cache=False), store=_fill(ox.Store()))) as client:
        answer = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200, answer.text
    assert [b["g"]["value"] for b in answer.json()["results"]["bindings"]] == expected


def test_cli_ask_answers_a_boolean(store_path: Path) -> None:
    assert _cli(store_path, "ASK { ?s ?p ?o }") == [{"result": True}]
    assert _cli(store_path, "ASK FROM <http://example.org/none> WHERE { ?s ?p ?o }") == [{"result": False}]
