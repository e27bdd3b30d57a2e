"""The one way the service writes to the store: document loads (`/api/load`, the /upload page) and SPARQL
Update (`/sparql`) all go through `WritePath.run`.

1. the readers–writer gate (service/uploads.py: StoreGate): question answers made of several queries wait, so
   none straddles a write;
2. the fence (service/query_pool.py: StoreFence): no /sparql worker process is forked in the middle of the
   write, and the workers holding the old snapshot retire once it is done;
3. the write itself, off the event loop;
4. the kept answers are forgotten and the whole-store listings recomputed in the background (`after_write`),
   whether the write committed or failed (a failed write may have started a new store generation)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi.concurrency import run_in_threadpool

from .gate import StoreGate
from .query_pool import StoreFence

T = TypeVar("T")


@dataclass
class WritePath:
    """Gate, fence, write, forget and re-warm: see the module docstring."""

    gate: StoreGate = field(default_factory=StoreGate)
    fence: StoreFence = field(default_factory=StoreFence)
    after_write: Callable[[], None] = lambda: None

    async def run(self, write: Callable[..., T], *args: Any) -> T:
        async with self.gate.writing():
            try:
                return await run_in_threadpool(self.fence.write, write, *args)
            finally:
                self.after_write()
