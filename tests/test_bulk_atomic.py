"""Large loads (above the bulk threshold): they write what an ordinary one-transaction load writes, plans and
analyses alike, and store.bulk_replace is all or nothing — a failing stream leaves the store as it was, and
its bookkeeping graphs (journal, staging) are never listed. Killed loads: tests/test_reliability_crash.py."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import CHENGDU, LINTONG

from dutygraph.graph import load
from dutygraph.graph import store as store_module
from dutygraph.graph.load import load_files
from dutygraph.graph.store import JOURNAL_GRAPH, STAGING_PREFIX, GraphPayload, bulk_replace, named_graphs

G = "https://w3id.org/dutygraph/graph/"
P = ox.NamedNode("https://example.org/p")


def _quads(store: ox.Store) -> list[str]:
    return sorted(str(q) for q in store)


def _triples(n: int, tag: str) -> list[tuple]:
    return [(ox.NamedNode(f"https://example.org/{tag}/{i}"), P, ox.Literal(f"{tag} {i}")) for i in range(n)]


@pytest.fixture
def bulk(monkeypatch) -> None:
    """Every load of a few hundred duties takes the bulk path."""
    monkeypatch.setattr(store_module, "BULK_THRESHOLD", 1_000)
    monkeypatch.setattr(load, "BULK_THRESHOLD", 1_000)


@pytest.fixture
def edited(tmp_path: Path) -> Path:
    """Chengdu without its last 100 rows: re-loading it changes its graph, its analyses and Lintong's alignment."""
    path = tmp_path / "edited" / CHENGDU.name
    path.parent.mkdir()
    lines = CHENGDU.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(lines[:-100]), encoding="utf-8")
    return path


def test_a_large_load_writes_what_an_ordinary_load_writes(tmp_path, edited, monkeypatch):
    ordinary = ox.Store()
    load_files(ordinary, [CHENGDU, LINTONG])
    first = _quads(ordinary)
    load_files(ordinary, [edited])
    second = _quads(ordinary)
    monkeypatch.setattr(store_module, "BULK_THRESHOLD", 1_000)
    monkeypatch.setattr(load, "BULK_THRESHOLD", 1_000)
    large = ox.Store(str(tmp_path / "store"))
    load_files(large, [CHENGDU, LINTONG])
    assert _quads(large) == first
    load_files(large, [edited])     # replaces existing graphs: staging graphs moved over them in the switch
    assert _quads(large) == second
    assert not [g for g in large.named_graphs() if g.value.startswith((STAGING_PREFIX, JOURNAL_GRAPH))]


def test_a_failing_stream_leaves_the_store_as_it_was(tmp_path, bulk):
    store = ox.Store(str(tmp_path / "store"))
    bulk_replace(store, [G + "file/a"], [GraphPayload(G + "file/a", _triples(50, "old"))])
    before = _quads(store)

    def payloads():
        yield GraphPayload(G + "file/a", _triples(80, "new"))     # an existing graph: staged
        yield GraphPayload(G + "file/b", _triples(80, "new"))     # a new one: written in place
        raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        bulk_replace(store, [G + "file/a", G + "file/b"], payloads())
    assert _quads(store) == before
    assert [g.value for g in store.named_graphs()] == [G + "file/a"]


def test_a_graph_the_journal_does_not_name_is_refused_and_nothing_changes(tmp_path):
    store = ox.Store(str(tmp_path / "store"))
    with pytest.raises(ValueError, match="not journalled"):
        bulk_replace(store, [G + "file/a"], [GraphPayload(G + "file/a", _triples(5, "a")),
                                             GraphPayload(G + "file/z", _triples(5, "z"))])
    assert len(store) == 0


def test_empty_payloads_drop_and_graphs_without_payload_stay(tmp_path):
    store = ox.Store(str(tmp_path / "store"))
    bulk_replace(store, [G + "file/a", G + "file/b"], [GraphPayload(G + "file/a", _triples(3, "a")),
                                                       GraphPayload(G + "file/b", _triples(3, "b"))])
    written = bulk_replace(store, [G + "file/a", G + "file/b", G + "file/c"],
                           [GraphPayload(G + "file/a", []), GraphPayload(G + "file/c", _triples(2, "c"))])
    assert written == 2
    assert named_graphs(store) == [G + "file/b", G + "file/c"]


def test_bookkeeping_graphs_are_not_named_graphs():
    store = ox.Store()
    for graph in (G + "plan/x", JOURNAL_GRAPH, f"{STAGING_PREFIX}0123/0"):
        store.add(ox.Quad(ox.NamedNode("https://example.org/s"), P, ox.Literal("o"), ox.NamedNode(graph)))
    assert named_graphs(store) == [G + "plan/x"]


def test_re_loading_the_same_documents_writes_nothing(tmp_path, bulk):
    """Unchanged plan graphs, ontology and analyses are left as they are: the switch would copy them again."""
    store = ox.Store(str(tmp_path / "store"))
    assert load_files(store, [CHENGDU, LINTONG]).triples > 20_000
    before = _quads(store)
    assert load_files(store, [LINTONG, CHENGDU]).triples == 0
    assert _quads(store) == before
