"""Markup in documents is data: a plan whose cells hold `<img src=x onerror=alert(1)>`, `</script><script>…`
and `{{7*7}}` is loaded, and every page, the network view and the exported standalone view show them as text in
headless Chromium — no dialog, no script run, no template evaluated."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from conftest import ARTIFACTS, CHENGDU, serving

from dutygraph.graph import namespaces as ns
from dutygraph.graph.load import load_files
from dutygraph.service.app import Settings, create_app

pytestmark = [pytest.mark.browser, pytest.mark.server]
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>window.pwned=1</script>"
TEMPLATE = "{{7*7}}"
UNIT = "<img/src=x/onerror=alert(1)></script><script>window.pwned=1</script>局"
PLAN = "hostile_plan"
HOOK = "window.alert = window.confirm = window.prompt = () => { window.pwned = 'dialog'; };"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """The Chengdu table with the payloads in the text, requirements and unit cells of its first rows."""
    lines = CHENGDU.read_text(encoding="utf-8").split("\n")
    out, done = [], 0
    for line in lines:
        cells = line.split("\t")
        if len(cells) == 5 and cells[0].strip().isdigit() and done < 3:
            cells[1] = f"{cells[1]} {IMG} {SCRIPT} {TEMPLATE}"
            cells[2] = f"{SCRIPT} 要求 {TEMPLATE}"
            cells[3] = f"{cells[3]}、{UNIT}、{TEMPLATE}局"  # unit lists split on spaces, hence no space
            done += 1
        out.append("\t".join(cells))
    path = tmp_path_factory.mktemp("hostile") / f"{PLAN}.txt"
    path.write_text("\n".join(out), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def live(hostile):
    store = ox.Store()
    load_files(store, [hostile])
    with serving(create_app(Settings(timeout_s=10), store=store)) as url:
        yield url, store


@pytest.fixture(scope="module")
def chrome():
    from browser import Browser

    browser = Browser()
    yield browser
    browser.close()


def _unit_iri(store: ox.Store) -> str:
    query = 'SELECT ?u WHERE { ?u <http://www.w3.org/2004/02/skos/core#prefLabel> ?l FILTER(CONTAINS(STR(?l), "onerror")) }'
    return next(iter(store.query(query, use_default_graph_as_union=True)))["u"].value


def _pages(store: ox.Store) -> dict[str, str]:
    task = ns.task_iri(PLAN, "task", 1)
    return {
        "home": "/",
        "task": "/tasks/" + quote(task, safe=""),
        "department": "/departments/" + quote(_unit_iri(store), safe=""),
        "departments": "/departments",
        "search": "/search?q=" + quote("onerror"),
        "search-template": "/search?q=" + quote(TEMPLATE),
        "orphans": "/questions/orphans",
        "viz-focus": "/viz?focus=" + quote(task, safe=""),
        "viz-department": "/viz?focus=" + quote(_unit_iri(store), safe=""),
        "viz": "/viz?view=all",
    }


def _check(page, url: str, shot: Path, expect_text: bool) -> None:
    page.call("Page.addScriptToEvaluateOnNewDocument", source=HOOK)
    page.goto(url)
    page.wait_for("document.readyState === 'complete' && document.body && document.body.innerText.length > 10")
    page.pump(1.0)
    page.screenshot(shot)
    assert page.evaluate("typeof window.pwned") == "undefined", url
    assert page.dialogs == [], url
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0, url
    if expect_text:
        text = page.evaluate("document.body.innerText")
        assert "onerror=alert(1)" in text and "49" not in text.replace("2049", ""), url
        assert TEMPLATE in text or "window.pwned=1" in text, url


@pytest.mark.parametrize("name", ["home", "task", "department", "departments", "search", "search-template", "orphans",
                                  "viz-focus", "viz-department", "viz"])
def test_markup_in_documents_is_shown_as_text(chrome, live, name):
    url, store = live
    page = chrome.new_page()
    try:
        _check(page, url + _pages(store)[name], ARTIFACTS / f"markup-{name}.png",
               expect_text=name in ("task", "department", "search"))
    finally:
        page.ws.close()


def test_the_exported_view_is_inert_too(chrome, live, tmp_path):
    from dutygraph.viz import Filters, render_view

    _, store = live
    html = render_view(store, None, focus=ns.task_iri(PLAN, "task", 1), depth=2, filters=Filters(), standalone=True)
    assert SCRIPT not in html and IMG not in html
    path = tmp_path / "view.html"
    path.write_text(html, encoding="utf-8")
    page = chrome.new_page()
    try:
        _check(page, path.as_uri(), ARTIFACTS / "markup-export.png", expect_text=False)
    finally:
        page.ws.close()
