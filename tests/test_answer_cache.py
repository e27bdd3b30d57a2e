"""Answers kept until the next write (service/answer_cache.py): computed once, never served stale after a
SPARQL Update or an HTTP load, and bounded."""
from __future__ import annotations

import gzip
import json
import threading
import time

import pyoxigraph as ox
import pytest
from conftest import CHENGDU, LINTONG
from fastapi.testclient import TestClient

from dutygraph.graph import listings
from dutygraph.graph.load import load_files
from dutygraph.service.answer_cache import GZIP_FROM, AnswerCache, json_page, warm_up
from dutygraph.service.app import Settings, create_app

TOKEN = "answer-cache-token-0123"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DG = "https://w3id.org/dutygraph/ontology#"


def test_concurrent_misses_compute_once() -> None:
    cache, calls = AnswerCache(), []

    def slow() -> list[int]:
        calls.append(1)
        time.sleep(0.2)
        return [1, 2, 3]

    answers: list[list[int]] = []
    threads = [threading.Thread(target=lambda: answers.append(cache.get("k", slow))) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and answers == [[1, 2, 3]] * 6
    assert cache.get("k", lambda: [9]) == [1, 2, 3]


def test_answer_computed_across_a_write_is_not_kept() -> None:
    cache = AnswerCache()

    def during_write() -> str:
        cache.invalidate()          # a write commits while this answer is being read
        return "old"

    assert cache.get("k", during_write) == "old"
    assert cache.get("k", lambda: "new") == "new"


def test_error_is_not_kept_and_reaches_every_waiter() -> None:
    cache = AnswerCache()
    with pytest.raises(ZeroDivisionError):
        cache.get("k", lambda: 1 / 0)
    assert cache.get("k", lambda: "fine") == "fine"


def test_bounded_by_entries_and_by_answer_size() -> None:
    cache = AnswerCache(max_entries=2, max_items=3)
    for key in ("a", "b", "c"):
        cache.get(key, lambda key=key: key)
    assert cache.stats()["entries"] == 2
    assert cache.get("a", lambda: "recomputed") == "recomputed"       # the oldest went first
    cache.get("big", lambda: [0] * 4)
    assert cache.get("big", lambda: ["fresh"]) == ["fresh"]           # too large to keep


def test_disabled_cache_always_computes() -> None:
    cache = AnswerCache(enabled=False)
    assert [cache.get("k", lambda i=i: i) for i in range(3)] == [0, 1, 2]


def test_call_shares_one_answer_whatever_defaults_are_spelled() -> None:
    cache, calls = AnswerCache(), []

    def listing(store: object, plan: str | None = None, limit: int = 10) -> list[str]:
        calls.append((plan, limit))
        return ["x"]

    cache.call(listing, "store")
    cache.call(listing, "store", plan=None, limit=10)
    cache.call(listing, "store", None, 10)
    cache.call(listing, "store", plan="p")
    assert calls == [(None, 10), ("p", 10)]


@pytest.fixture()
def served_store() -> ox.Store:
    store = ox.Store()
    load_files(store, [CHENGDU, LINTONG])
    return store


def _client(store: ox.Store, **settings: object) -> TestClient:
    return TestClient(create_app(Settings(allow_update=True, allow_load=True, token=TOKEN, **settings), store=store))


def test_sparql_update_is_seen_by_the_next_answer(served_store: ox.Store) -> None:
    """A department renamed by SPARQL Update shows under its new name at once in /api/departments, the
    department page and a repeated /sparql query — no answer kept from before the write is served."""
    client = _client(served_store)
    unit = next(d for d in client.get("/api/departments").json() if d["name"] == "市应急局")
    probe = {"query": f"SELECT ?n WHERE {{ <{unit['id']}> <{SKOS}prefLabel> ?n }}"}
    before = client.get("/sparql", params=probe, headers={"Accept": "application/sparql-results+json"}).json()
    assert [b["n"]["value"] for b in before["results"]["bindings"]] == ["市应急局"]
    assert client.get("/api/departments").json()[0]["name"]            # kept now
    update = (f"DELETE {{ GRAPH ?g {{ <{unit['id']}> <{SKOS}prefLabel> ?n }} }} "
              f"INSERT {{ GRAPH ?g {{ <{unit['id']}> <{SKOS}prefLabel> \"市应急管理局（改）\"@zh }} }} "
              f"WHERE {{ GRAPH ?g {{ <{unit['id']}> <{SKOS}prefLabel> ?n }} }}")
    response = client.post("/sparql", data={"update": update}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 204
    names = {d["id"]: d["name"] for d in client.get("/api/departments").json()}
    assert names[unit["id"]] == "市应急管理局（改）"
    after = client.get("/sparql", params=probe, headers={"Accept": "application/sparql-results+json"}).json()
    assert [b["n"]["value"] for b in after["results"]["bindings"]] == ["市应急管理局（改）"]
    assert client.app.state.cache.stats()["generation"] == 1


def test_http_load_is_seen_by_the_next_answer() -> None:
    store = ox.Store()
    load_files(store, [CHENGDU])
    client = _client(store)
    before = client.get("/api/tasks", params={"plan": LINTONG.stem}).json()
    assert before == []
    with LINTONG.open("rb") as doc:
        response = client.post("/api/load", files=[("files", (LINTONG.name, doc, "text/plain"))],
                               headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    after = client.get("/api/tasks", params={"plan": LINTONG.stem}).json()
    kinds = [t["kind"] for t in after]
    assert (kinds.count("measure"), kinds.count("task"), kinds.count("schedule")) == (21, 104, 20)


def test_volatile_queries_are_not_kept(served_store: ox.Store) -> None:
    client = _client(served_store)
    query = {"query": "SELECT (STRUUID() AS ?u) WHERE {}"}
    first = client.get("/sparql", params=query, headers={"Accept": "text/csv"}).text
    second = client.get("/sparql", params=query, headers={"Accept": "text/csv"}).text
    assert first != second


def test_warm_up_fills_the_listings(served_store: ox.Store) -> None:
    cache = AnswerCache()
    thread = warm_up(cache, served_store)
    assert thread is not None
    thread.join(120)
    bodies = [value for key, value in cache._entries.items() if key[0] == "json"]
    packed = [key for key in cache._entries if key[0] == "json.gz"]
    assert len(bodies) == 9                           # nine answers, each also as its JSON body …
    assert len(packed) == sum(len(raw) >= GZIP_FROM for raw, _ in bodies) > 0     # … and the big ones gzipped
    assert cache.stats()["entries"] == 18 + len(packed) + 2     # and the plan list, and the text index
    assert cache.stats()["index_bytes"] > 0
    misses = cache.stats()["misses"]                  # the body a whole-list request asks for is the one warmed
    body, total, encoding = json_page(cache, (0, None), listings.departments, served_store, gzipped=True)
    assert cache.stats()["misses"] == misses and encoding == "gzip"
    assert total == len(json.loads(gzip.decompress(body))) > 0
    client = TestClient(create_app(Settings(), store=served_store))
    assert client.app.state.cache.enabled


def test_search_index_follows_an_update_that_keeps_the_store_size(served_store: ox.Store) -> None:
    """The text index is kept per store generation; an update that rewrites a statement (same number of
    quads — the size check an earlier version relied on would miss it) is searchable at once."""
    client = _client(served_store)
    hit = client.get("/api/search", params={"q": "燃气"}).json()[0]
    before = client.get("/api/search", params={"q": "氢能加注站"}).json()
    assert hit["task"] not in [h["task"] for h in before]
    update = (f"DELETE {{ GRAPH ?g {{ <{hit['task']}> <{DG}statement> ?s }} }} "
              f"INSERT {{ GRAPH ?g {{ <{hit['task']}> <{DG}statement> \"开展氢能加注站安全检查\"@zh }} }} "
              f"WHERE {{ GRAPH ?g {{ <{hit['task']}> <{DG}statement> ?s }} }}")
    size = len(served_store)
    assert client.post("/sparql", data={"update": update}, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 204
    assert len(served_store) == size
    found = client.get("/api/search", params={"q": "氢能加注站"}).json()
    assert found[0]["task"] == hit["task"]
    assert "".join(seg["text"] for seg in found[0]["text"]) == "开展氢能加注站安全检查"
    assert client.get("/api/tasks", params={"q": "氢能加注站"}).json()[0]["id"] == hit["task"]


def test_without_the_answer_cache_the_text_index_is_still_kept_and_follows_updates(served_store: ox.Store) -> None:
    """`serve --no-cache` evaluates every answer, but builds the text index once per store generation: two
    searches keep one entry (the index) and no answer; after an update the new text is found at once."""
    client = _client(served_store, cache=False)
    cache = client.app.state.cache
    assert not cache.enabled and cache.keep_indexes
    hit = client.get("/api/search", params={"q": "燃气"}).json()[0]
    client.get("/api/search", params={"q": "电梯"})
    client.get("/api/departments")
    assert cache.stats()["entries"] == 1 and cache.stats()["hits"] >= 1
    update = (f"DELETE {{ GRAPH ?g {{ <{hit['task']}> <{DG}statement> ?s }} }} "
              f"INSERT {{ GRAPH ?g {{ <{hit['task']}> <{DG}statement> \"开展氢能加注站安全检查\"@zh }} }} "
              f"WHERE {{ GRAPH ?g {{ <{hit['task']}> <{DG}statement> ?s }} }}")
    assert client.post("/sparql", data={"update": update}, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 204
    assert client.get("/api/search", params={"q": "氢能加注站"}).json()[0]["task"] == hit["task"]
