"""`dutygraph load --graph IRI`: the triples of RDF files go into one named graph the user chooses, replacing
it, all or nothing; only for RDF files, only absolute http(s) IRIs, never one of dutygraph's own graphs."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import LINTONG
from typer.testing import CliRunner

from dutygraph.graph import namespaces as ns
from dutygraph.service.cli import app

GRAPH = "https://example.org/reference/units"
EX = "http://example.org/"


def run(*args: str):
    return CliRunner().invoke(app, ["load", *args])


def graphs(store: Path) -> dict[str, set[tuple[str, str, str]]]:
    """Every named graph in the store with its triples (blank nodes as '_'), read without keeping the store open."""
    db = ox.Store.read_only(str(store))
    found: dict[str, set[tuple[str, str, str]]] = {}
    for q in db:
        terms = tuple("_" if isinstance(t, ox.BlankNode) else str(t) for t in (q.subject, q.predicate, q.object))
        found.setdefault(q.graph_name.value, set()).add(terms)
    del db
    return found


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    made = {
        "a.ttl": f"@prefix ex: <{EX}> .\nex:a ex:p ex:b .\nex:a ex:q [ ex:r 1 ] .\n",
        "b.nt": f"<{EX}c> <{EX}p> <{EX}d> .\n",
        "v2.ttl": f"@prefix ex: <{EX}> .\nex:z ex:p ex:y .\n",
        "q.trig": f"@prefix ex: <{EX}> .\nex:t ex:p ex:u .\nex:g {{ ex:in ex:p ex:named . }}\n",
        "own.trig": f"@prefix ex: <{EX}> .\n<{ns.ONTOLOGY_GRAPH}> {{ ex:x ex:p ex:y . }}\n",
        "bad.ttl": f"@prefix ex: <{EX}> .\nex:a ex:p ex:b .\nex:a ex:p \"unterminated .\n",
    }
    for name, text in made.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return {name: tmp_path / name for name in made}


def test_triples_land_in_the_named_graph(tmp_path, files):
    store = tmp_path / "store"
    result = run("--store", str(store), "--graph", GRAPH, str(files["a.ttl"]), str(files["b.nt"]))
    assert result.exit_code == 0, result.output
    found = graphs(store)
    assert set(found) == {GRAPH}                       # nothing in …/graph/file/<name>
    assert found[GRAPH] == {(f"<{EX}a>", f"<{EX}p>", f"<{EX}b>"), (f"<{EX}a>", f"<{EX}q>", "_"),
                            ("_", f"<{EX}r>", '"1"^^<http://www.w3.org/2001/XMLSchema#integer>'),
                            (f"<{EX}c>", f"<{EX}p>", f"<{EX}d>")}


def test_without_graph_each_file_keeps_its_own_graph(tmp_path, files):
    store = tmp_path / "store"
    assert run("--store", str(store), str(files["a.ttl"]), str(files["b.nt"])).exit_code == 0
    assert set(graphs(store)) == {ns.file_graph("a.ttl"), ns.file_graph("b.nt")}


def test_reload_replaces_the_graph(tmp_path, files):
    store = tmp_path / "store"
    assert run("--store", str(store), "--graph", GRAPH, str(files["a.ttl"]), str(files["b.nt"])).exit_code == 0
    assert run("--store", str(store), "--graph", GRAPH, str(files["v2.ttl"])).exit_code == 0
    assert graphs(store) == {GRAPH: {(f"<{EX}z>", f"<{EX}p>", f"<{EX}y>")}}


def test_quad_files_keep_their_named_graphs(tmp_path, files):
    store = tmp_path / "store"
    result = run("--store", str(store), "--graph", GRAPH, str(files["q.trig"]))
    assert result.exit_code == 0, result.output
    assert graphs(store) == {GRAPH: {(f"<{EX}t>", f"<{EX}p>", f"<{EX}u>")},
                             f"{EX}g": {(f"<{EX}in>", f"<{EX}p>", f"<{EX}named>")}}


@pytest.mark.parametrize("iri", ["not an iri", "urn:x:y", "example.org/g", "ftp://example.org/g", "https://", "http://exa mple.org/"])
def test_bad_iri_is_refused(tmp_path, files, iri):
    store = tmp_path / "store"
    result = run("--store", str(store), "--graph", iri, str(files["a.ttl"]))
    assert result.exit_code == 2
    assert "--graph" in result.stderr and "nothing was loaded" in result.stderr
    assert not store.exists()


@pytest.mark.parametrize("iri", [ns.plan_graph("chengdu"), ns.ONTOLOGY_GRAPH, ns.GRAPH + "analysis", ns.GRAPH + "analysis/x"])
def test_reserved_graph_is_refused(tmp_path, files, iri):
    store = tmp_path / "store"
    result = run("--store", str(store), "--graph", iri, str(files["a.ttl"]))
    assert result.exit_code == 2
    assert f"<{iri}>" in result.stderr and "dutygraph's own graphs" in result.stderr
    assert not store.exists()


def test_quad_file_writing_into_an_own_graph_is_refused(tmp_path, files):
    store = tmp_path / "store"
    result = run("--store", str(store), str(files["own.trig"]))
    assert result.exit_code == 1
    assert "own.trig" in result.stderr and f"<{ns.ONTOLOGY_GRAPH}>" in result.stderr
    assert not store.exists()


def test_documents_and_rdf_together_are_refused(tmp_path, files):
    store = tmp_path / "store"
    result = run("--store", str(store), "--graph", GRAPH, str(files["a.ttl"]), str(LINTONG))
    assert result.exit_code == 2
    assert "only for RDF files" in result.stderr and LINTONG.name in result.stderr
    assert not store.exists()
    folder = run("--store", str(store), "--graph", GRAPH, str(tmp_path))     # a folder is not an RDF file either
    assert folder.exit_code == 2 and "only for RDF files" in folder.stderr


def test_bad_rdf_file_names_file_and_line_and_changes_nothing(tmp_path, files):
    store = tmp_path / "store"
    assert run("--store", str(store), "--graph", GRAPH, str(files["a.ttl"])).exit_code == 0
    before = graphs(store)
    result = run("--store", str(store), "--graph", GRAPH, str(files["v2.ttl"]), str(files["bad.ttl"]))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: bad.ttl:3: ") and "nothing was loaded" in result.stderr
    assert graphs(store) == before
