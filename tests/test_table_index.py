"""Kept table indexes (graph/table_view.py: Indexed) answer every sort, filter and page exactly as the plain
definition does — every word of q in one of the searched keys, facet filters, facet counts over the text
filter's rows, a stable sort with empties last — over the real question rows of both samples, with one index
reused across all queries (as the pages keep it between requests)."""
from __future__ import annotations

import itertools

import pytest

from dutygraph.graph import table_view
from dutygraph.service.answer_cache import AnswerCache, estimate_bytes
from dutygraph.service.pages_questions import QUESTIONS, question_rows
from dutygraph.service.pages_rows import Source


def reference(rows: list[dict], query: table_view.TableQuery, searched: tuple[str, ...],
              facets: tuple[str, ...]) -> tuple[list[dict], int, dict]:
    """The definition, written the plain way — every row tested, every query sorted anew: (page rows, rows
    matched, facet counts)."""
    words = query.q.split() if searched else []
    found = [r for r in rows if all(any(w in table_view._text(r.get(k)) for k in searched) for w in words)]
    counts = table_view._facet_counts(found, facets)        # a value's text and a facet's tally as defined there
    for key, wanted in query.facets:
        found = [r for r in found if (wanted in r.get(key) if isinstance(r.get(key), (list, tuple, set))
                                      else r.get(key) is not None and str(r.get(key)) == wanted)]
    if query.sort:
        filled = [r for r in found if table_view.sort_key(r.get(query.sort))[0] < 2]
        empty = [r for r in found if table_view.sort_key(r.get(query.sort))[0] == 2]
        filled.sort(key=lambda r: table_view.sort_key(r.get(query.sort)), reverse=query.descending)
        found = filled + empty
    pages = max(1, -(-len(found) // query.size))
    start = (min(query.page, pages) - 1) * query.size
    return found[start:start + query.size], len(found), counts


@pytest.fixture(scope="module")
def source(loaded_store):
    return Source(AnswerCache(max_bytes=512 << 20), loaded_store)


NAMES = ["orphans", "duplicates", "dependencies", "alignments", "shared-facilities"]


@pytest.mark.parametrize("name", NAMES)
def test_a_kept_index_answers_every_query_as_the_definition(source, name):
    question = QUESTIONS[name]
    table = question.table
    rows = question_rows(source, question, None)          # both samples' rows, as 全部计划 shows them
    assert len(rows) > 20, name
    index = table_view.Indexed(rows, table.searched, table.facets)
    words = ["", "应急", "消防 安全", "市", "没有这个词"]
    facets: list[tuple] = [()] + [((key, value),) for key in table.facets
                                  for value in list(table_view._facet_counts(rows, [key])[key])[:2]]
    sorts = [(None, False)] + [(c.key, d) for c in table.columns if c.sortable for d in (False, True)]
    checked = 0
    for q, facet, (sort, desc), (page, size) in itertools.product(words, facets, sorts, [(1, 10), (3, 7), (99, 25)]):
        query = table_view.TableQuery(sort=sort, descending=desc, q=q, page=page, size=size, facets=facet)
        view = table_view.apply(index, query)
        want_rows, want_matched, want_counts = reference(rows, query, table.searched, table.facets)
        assert (view.rows, view.matched, view.total, view.facet_counts) == (want_rows, want_matched, len(rows), want_counts), query
        assert table_view.everything(index, query) == reference(rows, table_view.TableQuery(
            sort=sort, descending=desc, q=q, page=1, size=len(rows), facets=facet), table.searched, table.facets)[0]
        checked += 1
    assert checked >= 5 * 2 * 3


def test_orders_kept_are_bounded_and_the_cache_counts_the_index_not_the_rows(source):
    rows = question_rows(source, QUESTIONS["alignments"], None)
    index = table_view.Indexed(rows, ("text", "c_text"))
    for column in ["score", "rank", "number", "c_number", "text", "c_text", "plan_title", "kind"]:
        for desc in (False, True):
            table_view.apply(index, table_view.TableQuery(sort=column, descending=desc))
    assert len(index._orders) == table_view.MAX_ORDERS
    shared = estimate_bytes(index)
    owned = estimate_bytes(table_view.Indexed(rows, ("text", "c_text"), shares_rows=False))
    assert 0 < shared < owned < 4 * estimate_bytes(rows)


@pytest.mark.parametrize("kind", ["departments", "facility-types", "regulations"])
def test_listing_rows_from_kept_per_plan_counts_are_the_plain_counts(loaded_store, kind):
    from conftest import CD, LT

    from dutygraph.graph import listings
    from dutygraph.graph.namespaces import plan_of_task
    from dutygraph.service.pages_rows import list_rows, plan_tally

    items = {"departments": listings.departments, "facility-types": listings.facility_types,
             "regulations": listings.regulations}[kind](loaded_store)
    tally = plan_tally(items)
    for plans in (None, {CD}, {LT}, {CD, LT}, {"no_such_plan"}):
        rows = list_rows(kind, items, plans, tally)
        chosen = [i for i in items if any(plans is None or plan_of_task(t) in plans for t in i["tasks"])]
        assert [r["id"] for r in rows] == [i["id"] for i in chosen]
        for row, item in zip(rows, chosen):
            assert row["n_tasks"] == sum(plans is None or plan_of_task(t) in plans for t in item["tasks"])
            if kind == "departments":
                assert row["n_lead"] == sum(plans is None or plan_of_task(t) in plans for t in item["lead_tasks"])
    assert len(list_rows(kind, items, {CD}, tally)) < len(list_rows(kind, items, None, tally))


@pytest.mark.parametrize("name", ["orphans", "duplicates", "alignments"])
def test_a_download_joined_from_kept_csv_lines_is_the_download_written_afresh(source, name):
    from urllib.parse import urlencode

    from starlette.requests import Request

    from dutygraph.service.page_kit import reader, table_download
    from dutygraph.service.pages_questions import indexed_rows

    question = QUESTIONS[name]
    index = indexed_rows(source, question, None)
    asked = [{}, {"q": "消防"}, {"q": "市 安全"}, {"sort": "number", "dir": "desc"}, {"reasons": "no_deadline"},
             {"kind": "overlap", "sort": "confidence"}, {"sort": "score", "q": "应急", "lang": "en"}]
    for params in asked:
        query = urlencode({"plan": "all", "format": "csv", **params}).encode()
        request = Request({"type": "http", "method": "GET", "path": f"/questions/{name}", "query_string": query,
                           "headers": []})
        who = reader(request, source.plans())
        fresh = table_download(question.table, index, who, "csv", "f")
        joined = table_download(question.table, index, who, "csv", "f", kept=(source.answers, ("test", name)))
        assert joined.body == fresh.body and joined.headers == fresh.headers, params
        assert fresh.body.count(b"\n") >= 1
