"""The readers–writer gate between HTTP requests and writes: every request but the exempt ones reads inside it, a
write (service/writes.py) waits for the readers in flight and holds new ones, so no answer built from several
queries straddles a write."""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from starlette.types import ASGIApp, Receive, Scope, Send


class StoreGate:
    """A readers–writer lock on the event loop: many answers at once, or one load's write, never both.
    A waiting write goes first (new readers wait), so a steady stream of readers cannot starve a load."""

    def __init__(self) -> None:
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0
        self._changed = asyncio.Condition()

    @contextlib.asynccontextmanager
    async def reading(self) -> AsyncIterator[None]:
        async with self._changed:
            await self._changed.wait_for(lambda: not self._writing and not self._writers_waiting)
            self._readers += 1
        try:
            yield
        finally:
            async with self._changed:
                self._readers -= 1
                self._changed.notify_all()

    @contextlib.asynccontextmanager
    async def writing(self) -> AsyncIterator[None]:
        async with self._changed:
            self._writers_waiting += 1
            try:
                await self._changed.wait_for(lambda: not self._writing and self._readers == 0)
            finally:
                self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            async with self._changed:
                self._writing = False
                self._changed.notify_all()


class GateMiddleware:
    """Holds the gate shared for every HTTP request except the ones that need not or must not wait on it."""

    def __init__(self, app: ASGIApp, gate: StoreGate, exempt: tuple[str, ...]) -> None:
        self.app = app
        self.gate = gate
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.exempt):
            await self.app(scope, receive, send)
            return
        async with self.gate.reading():
            await self.app(scope, receive, send)
