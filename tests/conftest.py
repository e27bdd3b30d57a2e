"""Shared fixtures: the two real sample documents, parsed once, and a store loaded with both."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest

from dutygraph.graph.load import load_files
from dutygraph.loaders import PlanRecord, read_document

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
CHENGDU = SAMPLES / "chengdu_task_table.txt"
LINTONG = SAMPLES / "lintong_plan.txt"
GOLD = Path(__file__).resolve().parent / "gold"
ARTIFACTS = ROOT / "test-artifacts"


CD, LT = CHENGDU.stem, LINTONG.stem       # the plan ids of the two samples


def t(plan: str, number: int, kind: str = "task") -> str:
    """A sample duty's IRI, e.g. t(CD, 29) for Chengdu row 29."""
    from dutygraph.graph.namespaces import task_iri

    return task_iri(plan, kind, number)


def gold_rows(name: str) -> list[dict]:
    return json.loads((GOLD / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def chengdu() -> PlanRecord:
    return read_document(CHENGDU)


@pytest.fixture(scope="session")
def lintong() -> PlanRecord:
    return read_document(LINTONG)


@pytest.fixture(scope="session")
def loaded_store() -> ox.Store:
    """An in-memory store with both samples; read-only by convention (tests that write make their own)."""
    store = ox.Store()
    load_files(store, [CHENGDU, LINTONG])
    return store


@contextmanager
def serving(app) -> Iterator[str]:
    """A real uvicorn server for `app` in a thread on a free loopback port; yields its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def dutygraph_serve(folder: Path, *flags: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A real `dutygraph serve --store FOLDER FLAGS…` on a free loopback port, as `make run` starts it: yields its
    URL and process once /healthz answers, and stops it (SIGINT, then kill) afterwards."""
    import httpx

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUTYGRAPH_")}   # the flags alone decide
    process = subprocess.Popen([sys.executable, "-m", "dutygraph.service.cli", "serve", "--store", str(folder),
                                "--port", str(port), *flags], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, process.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
        try:
            if httpx.get(url + "/healthz", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.2)
    try:
        yield url, process
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class LoopbackListener:
    """A loopback TCP listener that counts the connections made to it: the target of SERVICE queries that must
    never leave the server. With `answer`, each connection is handed to it on a thread of its own (a fake
    engine); without, it is closed at once."""

    def __init__(self, answer: Callable[[socket.socket], None] | None = None) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.answer = answer
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                connection, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            if self.answer is None:
                connection.close()
            else:
                threading.Thread(target=self.answer, args=(connection,), daemon=True).start()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        self.sock.close()
