"""Question rows kept per plan (service/pages_rows.py, graph/question_rows.py: PlanRows, merged): the 全部计划
rows are every plan's kept rows merged back into the whole-store order, identical to the rows built over all
plans at once; a write forgets them; the duty page's index, the matrix and the store-sized budget. Over the
two sample documents; no timing here (benchmarks/bench_pages.py measures)."""
from __future__ import annotations

import io

import openpyxl
import pyoxigraph as ox
import pytest
from conftest import CD, CHENGDU, LINTONG, LT
from fastapi.testclient import TestClient

from dutygraph.graph import question_rows as qr
from dutygraph.graph import reports
from dutygraph.graph.load import load_files
from dutygraph.graph.plan_choice import chosen, plans
from dutygraph.graph.tasks import list_tasks
from dutygraph.service.answer_cache import MIB, AnswerCache, store_budget, text_index, warm_up
from dutygraph.service.app import Settings, create_app
from dutygraph.service.pages_questions import QUESTIONS, question_rows, warm_all_plans, warm_default_plan
from dutygraph.service.pages_rows import BY_PLAN, Source, duty_index, relabel

TOKEN = "per-plan-rows-token-0123"
PER_PLAN = sorted(BY_PLAN)


@pytest.fixture()
def src(loaded_store: ox.Store) -> Source:
    return Source(AnswerCache(max_bytes=512 * MIB), loaded_store)


def _everything(src: Source) -> dict[str, dict]:
    return {t["id"]: t for p in (CD, LT) for t in list_tasks(src.store, plan=p)}


@pytest.mark.parametrize("name", PER_PLAN)
def test_all_plans_rows_are_each_plans_rows_merged_in_whole_store_order(src: Source, name: str) -> None:
    """Each plan's rows appear in the 全部计划 rows in their own order, and nothing else does."""
    whole = question_rows(src, QUESTIONS[name], None)
    parts = {p: question_rows(src, QUESTIONS[name], frozenset({p})) for p in (CD, LT)}
    assert all(parts.values()) and len(whole) == sum(len(rows) for rows in parts.values())
    for plan, rows in parts.items():
        assert [r for r in whole if r["plan"] == plan] == rows
    assert whole == qr.merged(src.answers.get(("question-rows", name, name, frozenset({p})), lambda: None)
                              for p in (CD, LT))


@pytest.mark.parametrize("name", ["orphans", "dependencies", "alignments"])
def test_all_plans_rows_equal_the_rows_built_over_all_plans_at_once(src: Source, name: str) -> None:
    """The rows as they were built before they were kept per plan: one pass over the whole-store report."""
    store, tasks, titles = src.store, _everything(src), src.titles()
    built = {"orphans": lambda: qr.orphan_rows(reports.orphans(store), tasks, None, titles),
             "dependencies": lambda: qr.dependency_rows(reports.dependencies(store), tasks, None),
             "alignments": lambda: qr.alignment_rows(reports.alignments(store), tasks, None)}[name]()
    assert question_rows(src, QUESTIONS[name], None) == relabel(built, titles)


def test_all_plans_duplicates_keep_kind_then_confidence_order(src: Source) -> None:
    """Duplicates are ranked (kind, most confident first), the report's order breaking ties, as before."""
    store, tasks = src.store, _everything(src)
    built = qr.duplicate_rows(reports.duplicates(store), tasks, None)
    order = {"duplicate": 0, "overlap": 1, "restates": 2, "parallel": 3}
    built.sort(key=lambda r: (order.get(r["kind"], 9), -(r["confidence"] or 0)))
    whole = question_rows(src, QUESTIONS["duplicates"], None)
    assert [(r["a_id"], r["b_id"], r["kind"]) for r in whole] == [(r["a_id"], r["b_id"], r["kind"]) for r in built]
    assert all(r["finding"] and "dismissed" in r for r in whole)


def test_per_plan_rows_are_kept_and_all_plans_are_never_one_answer(src: Source) -> None:
    """A 全部计划 page reads the kept per-plan rows (no miss the second time) and keeps no all-plans rows."""
    for name in PER_PLAN:
        question_rows(src, QUESTIONS[name], None)
    misses = src.answers.stats()["misses"]
    for name in PER_PLAN:
        question_rows(src, QUESTIONS[name], None)
        question_rows(src, QUESTIONS[name], frozenset({CD}))
    assert src.answers.stats()["misses"] == misses
    keys = [k for k in src.answers._entries if k[0] == "question-rows"]
    assert keys and all(k[3] is not None and len(k[3]) == 1 for k in keys)


def test_duty_index_matches_scanning_the_whole_lists(src: Source) -> None:
    store = src.store
    index = duty_index(src)
    deps, orphans = reports.dependencies(store), reports.orphans(store)
    for task in {d["from"] for d in deps} | {o["task"] for o in orphans if o["task"]}:
        assert index.dependencies.get(task, []) == [d for d in deps if task in (d["from"], d["to"])]
        assert index.reasons.get(task, []) == next((o["reasons"] for o in orphans if o["task"] == task), [])


def _client(store: ox.Store) -> TestClient:
    return TestClient(create_app(Settings(allow_load=True, token=TOKEN), store=store))


def test_a_load_forgets_the_per_plan_rows() -> None:
    """Through the one write path (/api/load): the next 全部计划 page has the new plan's rows."""
    store = ox.Store()
    load_files(store, [CHENGDU])
    client = _client(store)
    before = client.get("/questions/orphans", params={"plan": "all", "format": "csv"}).text
    cache = client.app.state.cache
    generation = cache.generation
    with LINTONG.open("rb") as doc:
        loaded = client.post("/api/load", files=[("files", (LINTONG.name, doc, "text/plain"))],
                             headers={"Authorization": f"Bearer {TOKEN}"})
    assert loaded.status_code == 200, loaded.text
    assert cache.generation > generation
    assert not [k for k in cache._entries if k[0] == "question-rows"]
    after = client.get("/questions/orphans", params={"plan": "all", "format": "csv"}).text
    assert len(after.splitlines()) > len(before.splitlines())
    src = Source(cache, store)
    assert {r["plan"] for r in question_rows(src, QUESTIONS["orphans"], None)} == {CD, LT}


def test_the_matrix_of_all_plans_builds_no_matrix_but_the_download_has_every_plan(loaded_store: ox.Store) -> None:
    client = _client(loaded_store)
    page = client.get("/questions/shared-facilities/matrix", params={"plan": "all"})
    assert page.status_code == 200 and 'class="matrix"' not in page.text
    assert not [k for k in client.app.state.cache._entries if k[0] in ("matrix", "question-rows")]
    book = openpyxl.load_workbook(io.BytesIO(client.get("/questions/shared-facilities/matrix",
                                                        params={"plan": "all", "format": "xlsx"}).content))
    assert len(book.sheetnames) == 2
    one = client.get("/questions/shared-facilities/matrix", params={"plan": CD})
    assert 'class="matrix"' in one.text


def test_the_budget_follows_the_store_when_none_is_given() -> None:
    gib = 1 << 30
    assert store_budget(256 * MIB, 0, 16 * gib) == 256 * MIB                 # never below the default
    assert store_budget(256 * MIB, 50, 16 * gib) > 256 * MIB
    assert store_budget(256 * MIB, 500, 16 * gib) == 4 * gib                 # a quarter of the memory at most
    given = AnswerCache(max_bytes=64 * MIB)
    given.fit(500)
    assert given.max_bytes == 64 * MIB                                       # --cache-mb is kept as given
    sized = AnswerCache(max_bytes=256 * MIB, sized=True)
    sized.fit(50)
    assert sized.max_bytes == store_budget(256 * MIB, 50)
    assert not create_app(Settings(cache_mb=64), store=ox.Store()).state.cache.sized
    assert create_app(Settings(), store=ox.Store()).state.cache.sized


def test_warm_up_builds_the_default_plans_rows_and_the_text_index(loaded_store: ox.Store) -> None:
    cache = AnswerCache()
    thread = warm_up(cache, loaded_store, steps=(warm_default_plan, text_index, warm_all_plans))
    assert thread is not None
    thread.join(120)
    default = chosen(plans(loaded_store), None)
    kept = {k[1] for k in cache._entries if k[0] == "question-rows" and k[3] == frozenset({default})}
    assert kept == set(QUESTIONS) and ("matrix", default) in cache._entries
    assert cache.stats()["index_bytes"] > 0
    everyone = {k[3] for k in cache._entries if k[0] == "question-rows" and k[1] == "alignments"}
    assert everyone == {frozenset({CD}), frozenset({LT})}


def test_a_page_is_kept_per_url_reader_and_generation() -> None:
    """The same URL for the same language and plan is sent as kept (same bytes, cookies still set when the
    query chooses); another language is another page; a load forgets every kept page."""
    store = ox.Store()
    load_files(store, [CHENGDU])
    client = _client(store)
    cache = client.app.state.cache
    first = client.get("/questions/orphans", params={"plan": CD, "sort": "deadline"})
    hits = cache.hits
    again = client.get("/questions/orphans", params={"plan": CD, "sort": "deadline"})
    assert again.content == first.content and cache.hits > hits
    assert again.headers["content-type"] == first.headers["content-type"] and "plan=" in again.headers["set-cookie"]
    english = client.get("/questions/orphans", params={"plan": CD, "sort": "deadline", "lang": "en"})
    assert english.content != first.content
    assert client.get("/questions/orphans", params={"plan": CD, "format": "csv"}).headers.get("set-cookie") is None
    csv = client.get("/questions/orphans", params={"plan": CD, "format": "csv"})
    assert csv.headers.get("set-cookie") is None and csv.headers["content-disposition"]
    with LINTONG.open("rb") as doc:
        client.post("/api/load", files=[("files", (LINTONG.name, doc, "text/plain"))],
                    headers={"Authorization": f"Bearer {TOKEN}"})
    assert not [k for k in cache._entries if k[0] == "page"]
    assert LT in client.get("/questions/orphans", params={"plan": CD, "sort": "deadline"}).text
