"""Whole-store listings page: ?limit and ?offset give a slice of the same list, X-Total-Count its length,
over a real uvicorn serving both samples."""
from __future__ import annotations

import csv
import io

import httpx
import pytest
from conftest import serving

from dutygraph.service.app import Settings, create_app

LISTS = ["/api/tasks", "/api/departments", "/api/facility-types", "/api/regulations", "/api/indicators",
         "/api/shared-facilities", "/api/orphans", "/api/duplicates", "/api/dependencies", "/api/alignments",
         "/api/centrality"]


@pytest.fixture(scope="module")
def http(loaded_store):
    with serving(create_app(Settings(timeout_s=5), store=loaded_store)) as url, \
            httpx.Client(base_url=url, timeout=60) as client:
        yield client


@pytest.mark.parametrize("path", LISTS)
def test_pages_are_slices_of_the_whole_list(http, path):
    whole = http.get(path)
    items = whole.json()
    assert len(items) > 6, "the samples give every list more than one page"
    assert whole.headers["X-Total-Count"] == str(len(items))
    pages = []
    for offset in range(0, len(items), 5):
        page = http.get(path, params={"limit": 5, "offset": offset})
        assert page.headers["X-Total-Count"] == str(len(items))
        pages += page.json()
    assert pages == items
    assert http.get(path, params={"offset": len(items)}).json() == []
    assert http.get(path, params={"offset": 3}).json() == items[3:]


@pytest.mark.parametrize("params", [{"limit": 0}, {"offset": -1}, {"limit": "x"}])
def test_bad_paging_is_refused_with_422(http, params):
    assert http.get("/api/departments", params=params).status_code == 422


def test_a_csv_page_has_the_same_rows_as_the_json_page(http):
    page = http.get("/api/departments", params={"limit": 4, "offset": 2}).json()
    body = http.get("/api/departments", params={"limit": 4, "offset": 2, "format": "csv"}).content
    assert body.startswith(b"\xef\xbb\xbf")        # the BOM: Excel on Chinese Windows reads the file as UTF-8
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [r["id"] for r in rows] == [d["id"] for d in page]


def test_a_filtered_list_pages_over_its_own_count(http):
    lead = http.get("/api/tasks", params={"department": "市应急局"})
    total = int(lead.headers["X-Total-Count"])
    assert total == len(lead.json()) and 0 < total < int(http.get("/api/tasks").headers["X-Total-Count"])
    assert http.get("/api/tasks", params={"department": "市应急局", "limit": 2, "offset": 1}).json() == lead.json()[1:3]


def test_large_lists_come_gzipped_to_clients_that_accept_it(http):
    """A big JSON body is sent gzip-compressed (compressed once and kept); the decoded body is the same."""
    plain = http.get("/api/departments", headers={"Accept-Encoding": "identity"})
    packed = http.get("/api/departments", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in plain.headers and packed.headers["content-encoding"] == "gzip"
    assert packed.headers["vary"] == "Accept-Encoding" and packed.headers["X-Total-Count"] == plain.headers["X-Total-Count"]
    assert int(packed.headers["content-length"]) * 4 < len(plain.content)
    assert packed.json() == plain.json()
    small = http.get("/api/departments", params={"limit": 1}, headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers and len(small.json()) == 1
