"""Loading from the browser: POST /api/preview keeps the documents under a short-lived id and answers what was
read; POST /api/load?preview=<id> stores exactly that. With page uploads on (`make run`) our own /upload page may
do both without the bearer token, over loopback, from its own origin and with its per-start token; any other
request keeps today's rule (--allow-load and the bearer token). The whole flow in headless Chromium."""
from __future__ import annotations

import glob
import tempfile
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from conftest import ARTIFACTS, LINTONG, ROOT, serving
from fastapi.testclient import TestClient

from dutygraph.graph.load import load_files
from dutygraph.service.app import Settings, create_app
from dutygraph.service.uploads import PAGE_TOKEN_HEADER, PendingUploads

TOKEN = "upload-page-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
NEW_DOC = ROOT / "tests" / "realdocs" / "chaozhou_2019_lantian.txt"      # a plan the samples' store does not hold
SHOTS = ARTIFACTS / "pages"


def _files(*paths: Path) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (p.name, p.read_bytes(), "text/plain")) for p in paths]


def _kept_folders() -> set[str]:
    return set(glob.glob(str(Path(tempfile.gettempdir()) / "dutygraph-preview-*")))


@pytest.fixture(scope="module")
def loaded() -> ox.Store:
    s = ox.Store()
    load_files(s, [LINTONG])
    return s


@pytest.fixture()
def store(loaded) -> ox.Store:
    """A fresh copy of a store holding the Lintong sample (a load with its analyses costs seconds; a copy does not)."""
    s = ox.Store()
    s.bulk_extend(loaded)
    return s


# ------------------------------------------------------------------ today's rule, with a preview step

def test_preview_then_confirm_stores_what_was_shown(store):
    client = TestClient(create_app(Settings(allow_load=True, token=TOKEN), store=store))
    before = _kept_folders()
    answer = client.post("/api/preview", files=_files(NEW_DOC, LINTONG), headers=AUTH).json()
    [new, old] = answer["documents"]
    assert (new["plan"], new["replaces"], old["replaces"]) == ("chaozhou_2019_lantian", False, True)
    first = new["duties"][0]
    assert first["lead"] == ["市生态环境局"] and "市自然资源局" in first["co_responsible"]
    assert "市生态环境局" in new["unknown_units"]                  # 潮州's units are not in the curated vocabulary
    assert not any("/chaozhou_2019_lantian" in g.value for g in store.named_graphs())   # nothing stored yet
    assert len(_kept_folders() - before) == 1
    stored = client.post("/api/load", params={"preview": answer["preview"]}, headers=AUTH)
    assert stored.status_code == 200, stored.text
    assert [p["plan"] for p in stored.json()["plans"]] == ["chaozhou_2019_lantian", "lintong_plan"]
    assert stored.json()["plans"][0]["tasks"] == len(new["duties"])
    assert _kept_folders() - before == set()                        # cleaned after confirmation
    again = client.post("/api/load", params={"preview": answer["preview"]}, headers=AUTH)
    assert again.status_code == 404


def test_a_cancelled_preview_is_gone(store):
    client = TestClient(create_app(Settings(allow_load=True, token=TOKEN), store=store))
    key = client.post("/api/preview", files=_files(NEW_DOC), headers=AUTH).json()["preview"]
    assert client.delete(f"/api/preview/{key}", headers=AUTH).status_code == 204
    assert client.post("/api/load", params={"preview": key}, headers=AUTH).status_code == 404
    assert client.delete(f"/api/preview/{key}", headers=AUTH).status_code == 404


def test_previews_expire(tmp_path):
    pending = PendingUploads(minutes=0)
    folder = tmp_path / "kept"
    folder.mkdir()
    key = pending.keep(folder, [])
    with pytest.raises(Exception, match="no such preview"):
        pending.take(key)
    assert not folder.exists()


@pytest.mark.parametrize("settings, headers, status", [
    ({}, AUTH, 403),                                             # loading over HTTP is off
    ({"allow_load": True, "token": TOKEN}, {}, 401),
    ({"allow_load": True, "token": TOKEN}, {"Authorization": "Bearer wrong-token-0123456789"}, 401),
    ({"allow_load": True, "token": TOKEN, "local_uploads": True}, {PAGE_TOKEN_HEADER: "x"}, 403),   # not loopback
])
def test_preview_needs_what_a_load_needs(store, settings, headers, status):
    client = TestClient(create_app(Settings(**settings), store=store), raise_server_exceptions=False)
    assert client.post("/api/preview", files=_files(NEW_DOC), headers=headers).status_code == status
    assert client.post("/api/load", params={"preview": "anything"}, headers=headers).status_code == status


@pytest.mark.parametrize("name, message", [("../evil.txt", "would leave the upload folder"), ("plan.exe", "unsupported type"),
                                           (".hidden.txt", "empty or hidden")])
def test_preview_checks_names_like_a_load(store, name, message):
    client = TestClient(create_app(Settings(allow_load=True, token=TOKEN), store=store))
    response = client.post("/api/preview", files=[("files", (name, b"x", "text/plain"))], headers=AUTH)
    assert response.status_code == 400 and message in response.json()["detail"]


def test_a_bad_document_keeps_nothing(store):
    client = TestClient(create_app(Settings(allow_load=True, token=TOKEN), store=store))
    before = _kept_folders()
    response = client.post("/api/preview", files=[("files", ("bad.txt", "没有任务的一段文字。\n".encode(), "text/plain"))],
                           headers=AUTH)
    assert response.status_code == 400 and response.json()["detail"].endswith("nothing was kept")
    assert _kept_folders() == before


def test_preview_uploads_are_capped_like_loads(store):
    client = TestClient(create_app(Settings(allow_load=True, token=TOKEN, max_upload_bytes=4096), store=store))
    response = client.post("/api/preview", files=[("files", ("big.txt", b"x" * 10_000, "text/plain"))], headers=AUTH)
    assert response.status_code == 413


# ------------------------------------------------------------------ page uploads on loopback, without the token

@pytest.fixture()
def local(store):
    """A real server on 127.0.0.1 with page uploads on (what `make run` starts), and its page token."""
    app = create_app(Settings(local_uploads=True), store=store)
    with serving(app) as url:
        page = httpx.get(f"{url}/upload").text
        token = page.split("var PAGE_TOKEN = ")[1].split(";")[0].strip('"')
        assert len(token) > 30
        yield url, token


def test_our_own_page_previews_and_loads_without_the_bearer_token(local):
    url, token = local
    own = {PAGE_TOKEN_HEADER: token, "Origin": url}
    answer = httpx.post(f"{url}/api/preview", files=_files(NEW_DOC), headers=own)
    assert answer.status_code == 200, answer.text
    stored = httpx.post(f"{url}/api/load", params={"preview": answer.json()["preview"]}, headers=own)
    assert stored.status_code == 200, stored.text
    assert "chaozhou_2019_lantian" in httpx.get(f"{url}/").text


@pytest.mark.parametrize("case", ["no page token", "wrong page token", "foreign origin", "foreign referer",
                                  "no origin", "rebound host", "through a proxy"])
def test_cross_site_and_forged_page_uploads_are_403(local, case):
    url, token = local
    port = url.rsplit(":", 1)[1]
    headers = {"no page token": {"Origin": url},
               "wrong page token": {PAGE_TOKEN_HEADER: token[:-2] + "xx", "Origin": url},
               "foreign origin": {PAGE_TOKEN_HEADER: token, "Origin": "http://evil.example"},
               "foreign referer": {PAGE_TOKEN_HEADER: token, "Referer": "http://evil.example/page.html"},
               "no origin": {PAGE_TOKEN_HEADER: token},
               "rebound host": {PAGE_TOKEN_HEADER: token, "Host": f"evil.example:{port}", "Origin": f"http://evil.example:{port}"},
               "through a proxy": {PAGE_TOKEN_HEADER: token, "Origin": url, "X-Forwarded-For": "203.0.113.9"}}[case]
    for response in (httpx.post(f"{url}/api/preview", files=_files(NEW_DOC), headers=headers),
                     httpx.post(f"{url}/api/load", files=_files(NEW_DOC), headers=headers)):
        assert response.status_code == 403, (case, response.text)
    assert "chaozhou_2019_lantian" not in httpx.get(f"{url}/").text


def test_the_page_token_is_only_given_to_local_pages(store):
    client = TestClient(create_app(Settings(local_uploads=True), store=store))       # TestClient is not loopback
    page = client.get("/upload").text
    assert "本服务器未开放上传" in page and "PAGE_TOKEN" not in page


# ------------------------------------------------------------------ the flow in a browser

def _choose(page, selector: str, path: Path) -> None:
    root = page.call("DOM.getDocument")["root"]["nodeId"]
    node = page.call("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
    page.call("DOM.setFileInputFiles", files=[str(path)], nodeId=node)


@pytest.mark.browser
def test_upload_flow_in_chromium(store):
    from browser import Browser

    browser = Browser()
    try:
        with serving(create_app(Settings(local_uploads=True), store=store)) as url:
            page = browser.new_page()
            page.goto(f"{url}/upload")
            page.wait_for("document.readyState === 'complete' && document.getElementById('files') !== null")
            page.screenshot(SHOTS / "upload.png")
            _choose(page, "#files", NEW_DOC)
            page.wait_for("!document.getElementById('preview-button').disabled")
            page.evaluate("document.getElementById('preview-button').click(), true")
            page.wait_for("document.querySelectorAll('.preview-table tr').length > 1", 60)
            head = page.evaluate("[...document.querySelectorAll('.preview-table th')].map(th => th.innerText)")
            assert head[:5] == ["序号", "任务（开头）", "牵头单位", "配合单位", "其他责任主体"] and "完成时限" in head
            first = page.evaluate("[...document.querySelectorAll('.preview-table tr')[1].cells].map(td => td.innerText)")
            assert "市生态环境局" in first[2] and "市自然资源局" in first[3]
            assert page.evaluate("document.querySelectorAll('.preview-table .unknown').length") > 0
            page.pump(0.3)
            page.screenshot(SHOTS / "upload-preview.png")
            page.evaluate("document.getElementById('confirm-button').click(), true")
            message = page.wait_for("document.querySelector('#message.ok') && document.querySelector('#message.ok').innerText", 60)
            assert "已入库" in message and "chaozhou_2019_lantian.txt" in message
            page.screenshot(SHOTS / "upload-done.png")
            page.goto(f"{url}/")
            page.wait_for("document.readyState === 'complete' && document.body.innerText.length > 20")
            assert "潮州市打赢蓝天保卫战实施方案" in page.evaluate("document.body.innerText")
            assert page.errors == []
            assert [u for u in page.requests if not u.startswith((url, "data:", "about:", "blob:"))] == []
            page.ws.close()
    finally:
        browser.close()


# ------------------------------------------------------------------ one store for the newcomer

def test_make_run_serves_the_store_the_readme_loads_into_on_any_port():
    import subprocess

    dry = subprocess.run(["make", "-n", "run", "PORT=8123"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    line = next(x for x in dry.splitlines() if " serve " in x)
    assert "--port 8123" in line and "--host 127.0.0.1" in line and "DUTYGRAPH_LOCAL_UPLOADS=1" in line
    assert f"--store {ROOT / '.store'}" in line


def test_store_commands_name_their_store_at_a_terminal(tmp_path):
    import json
    import os
    import pty
    import subprocess
    import sys

    store = tmp_path / "store"
    command = [sys.executable, "-m", "dutygraph.service.cli", "stats", "--format", "json", "--store", str(store)]
    main, child = pty.openpty()
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=child, timeout=120)
    os.close(child)
    said = os.read(main, 4096).decode()
    os.close(main)
    assert done.returncode == 0 and json.loads(done.stdout) == []
    assert f"使用数据库：{store.resolve()}" in said
    piped = subprocess.run(command, capture_output=True, text=True, timeout=120)      # logs and pipes stay clean
    assert piped.returncode == 0 and "使用数据库" not in piped.stderr
