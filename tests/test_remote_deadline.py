"""A remote engine that trickles its answer cannot hold a caller past the store's time limit. httpx's own
timeout is per read, so an engine that sends a byte every second would otherwise never time out (a CI run
once stood still for an hour inside one remote query). No Virtuoso needed: a loopback HTTP server that
answers one byte at a time."""
from __future__ import annotations

import socket
import time

import pytest
from conftest import LoopbackListener

from dutygraph.graph.remote import RemoteConfig, RemoteStore, RemoteStoreError

ANSWER = (b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
          b'<head></head><boolean>true</boolean></sparql>')


class TricklingEngine:
    """Answers every request with a valid SPARQL XML result, `pause` seconds between its bytes."""

    def __init__(self, pause: float) -> None:
        self.pause = pause
        self.listener = LoopbackListener(answer=self._answer)
        self.stop = self.listener.stop
        self.url = f"http://127.0.0.1:{self.listener.port}/sparql"

    @staticmethod
    def _read_request(connection: socket.socket) -> None:
        """The whole request (closing with unread bytes would reset the connection)."""
        data = b""
        while b"\r\n\r\n" not in data:
            data += connection.recv(65536)
        head, _, body = data.partition(b"\r\n\r\n")
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)
        while len(body) < length:
            body += connection.recv(65536)

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            self._read_request(connection)
            head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+xml\r\n"
                    b"Server: trickle\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(ANSWER))
            try:
                connection.sendall(head)
                for byte in ANSWER:
                    if self.stop.is_set():
                        return
                    connection.sendall(bytes([byte]))
                    time.sleep(self.pause)
            except OSError:
                return

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def engine():
    served = TricklingEngine(pause=0.05)
    yield served
    served.close()


def test_a_trickled_answer_is_cut_at_the_time_limit(engine):
    """Each byte arrives well within httpx's per-read timeout; the whole answer would take ~6 s."""
    store = RemoteStore(RemoteConfig(query_url=engine.url, dialect="standard", timeout_s=1.0))
    started = time.monotonic()
    with pytest.raises(RemoteStoreError, match="did not answer within 1 s"):
        store.query("ASK { ?s ?p ?o }")
    assert time.monotonic() - started < 3.0


def test_an_answer_within_the_limit_is_read_whole():
    served = TricklingEngine(pause=0.0)
    try:
        store = RemoteStore(RemoteConfig(query_url=served.url, dialect="standard", timeout_s=5.0))
        assert bool(store.query("ASK { ?s ?p ?o }")) is True
    finally:
        served.close()
