"""Answers kept between requests until the store changes.

A question answer over a whole store of 50 plans runs for seconds (tens of thousands of rows read and
grouped), and the people who use dutygraph ask the same questions again and again between loads. The
embedded store has one writer — this process, which holds the RocksDB lock — so the service knows every
write: the routes that write (`/api/load`, SPARQL Update on `/sparql`) call `invalidate()` after the write
has committed, and every answer is stored under the generation it was computed in. An answer whose
computation overlapped a write is not kept.

* Concurrent requests for the same missing answer compute it once (the others wait for it).
* At most `max_entries` answers and `max_bytes` of them are kept, least recently used first out. Each kept
  answer's size is estimated when it is kept (exact for bytes and for bodies such as /sparql results, sampled
  for Python lists and dicts: an upper bound, as strings shared between items count once per reference). An
  answer over `max_bytes // ENTRY_FRACTION`, or with more than `max_items` items, is computed but not kept:
  300 distinct 7.8 MB /sparql answers once held 2 GiB until the next write.
* Indexes (`index()`, the text index) are kept apart from the answers: one per store generation, needed to
  answer at all, so never evicted by answers; their estimated size is reported as `index_bytes`.
* Remote engines (Fuseki, GraphDB …) can be written by others behind our back: there the service runs
  without a cache (`enabled=False`) and every answer comes fresh from the engine.
"""
from __future__ import annotations

import gzip
import inspect
import os
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

MIB = 1 << 20
ENTRY_FRACTION = 4      # no single answer takes more than a quarter of the budget
MAX_ENTRIES = 4096      # question rows are kept per plan: a few per plan viewed, on top of the listings
PER_PLAN_MIB = 24       # a store-sized budget: this much per plan (measured at 50 plans, docs/BENCHMARKS.md)
MEMORY_SHARE = 4        # … but never more than a quarter of the machine's memory


@dataclass
class _Pending:
    done: threading.Event = field(default_factory=threading.Event)
    value: Any = None
    error: BaseException | None = None


@dataclass
class AnswerCache:
    """Per-process answers keyed by (question, arguments), valid for one store generation."""

    max_entries: int = MAX_ENTRIES
    max_items: int = 250_000
    enabled: bool = True
    keep_indexes: bool = False   # keep `index()` structures (the text index) even when answers are not kept
    max_bytes: int = 256 * MIB   # the answers' estimated size, all together (`serve --cache-mb`)
    sized: bool = False          # no --cache-mb given: `fit` sizes the budget to the store (at least max_bytes)
    generation: int = 0
    hits: int = 0
    misses: int = 0
    refused: int = 0             # answers computed but too large to keep
    _entries: OrderedDict = field(default_factory=OrderedDict)
    _sizes: dict = field(default_factory=dict)
    _indexes: dict = field(default_factory=dict)
    _bytes: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _pending: dict = field(default_factory=dict)
    _floor: int = 0              # the budget given (or the default): `fit` never goes below it

    def __post_init__(self) -> None:
        if self.max_bytes < MIB or self.max_entries < 1:
            raise ValueError("the answer cache needs max_bytes of at least 1 MiB and max_entries of at least 1")
        self._floor = self.max_bytes

    def fit(self, plans: int) -> None:
        """Size the budget to a store of `plans` plans (each warm-up does: after a start and every load) when
        no budget was given: the pages keep each plan's rows and duties, about PER_PLAN_MIB estimated per
        plan, and answers dropped for room are rebuilt for seconds while every other request waits."""
        if not self.sized:
            return
        with self._lock:
            self.max_bytes = store_budget(self._floor, plans)
            while self._entries and self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def get(self, key: Hashable, compute: Callable[[], T], *, index: bool = False) -> T:
        """The kept answer for `key`, or compute it (once, however many callers ask at the same time)."""
        if not (self.enabled or (index and self.keep_indexes)):
            return compute()
        with self._lock:
            generation = self.generation
            found, value = self._find(key, index)
            if found:
                self.hits += 1
                return value
            held: _Pending | None = self._pending.get((generation, key))
            owner = held is None
            if held is None:
                held = self._pending[(generation, key)] = _Pending()
                self.misses += 1
            pending: _Pending = held
        if not owner:
            pending.done.wait()
            if pending.error is not None:
                raise pending.error
            return pending.value
        try:
            pending.value = compute()
        except BaseException as error:
            pending.error = error
            raise
        finally:
            size = estimate_bytes(pending.value) if pending.error is None else 0
            with self._lock:
                self._pending.pop((generation, key), None)
                if pending.error is None and generation == self.generation:
                    self._put(key, pending.value, size, index)
            pending.done.set()
        return pending.value

    def _find(self, key: Hashable, index: bool) -> tuple[bool, Any]:
        if index:
            return key in self._indexes, self._indexes.get(key, (None, 0))[0]
        if key in self._entries:
            self._entries.move_to_end(key)
            return True, self._entries[key]
        return False, None

    def _put(self, key: Hashable, value: Any, size: int, index: bool) -> None:
        """Keep an answer of `size` bytes (lock held), dropping the least recently used ones over the budget."""
        if index:
            self._indexes[key] = (value, size)
            return
        if size > self.max_bytes // ENTRY_FRACTION or _items(value) > self.max_items:
            self.refused += 1
            return
        self._drop(key)
        self._entries[key], self._sizes[key] = value, size
        self._bytes += size
        while self._entries and (len(self._entries) > self.max_entries or self._bytes > self.max_bytes):
            self._drop(next(iter(self._entries)))

    def _drop(self, key: Hashable) -> None:
        if key in self._entries:
            del self._entries[key]
            self._bytes -= self._sizes.pop(key)

    def call(self, fn: Callable[..., T], store: Any, /, *args: Any, **kwargs: Any) -> T:
        """`fn(store, *args, **kwargs)` through the cache, keyed by the function and its arguments with
        defaults filled in (so a route and the warm-up that omit a default share one answer)."""
        return self.get(call_key(fn, store, *args, **kwargs), lambda: fn(store, *args, **kwargs))

    def index(self, fn: Callable[..., T], store: Any, /) -> T:
        """`fn(store)` — a structure built from the whole store to answer from, such as the text index — kept
        for the store generation when answers are, and also with `keep_indexes` (`serve --no-cache` on the
        embedded store evaluates every answer, but an index is not an answer: rebuilding one over 15,000
        duties for each search took seconds)."""
        return self.get(("index", call_key(fn, store)), lambda: fn(store), index=True)

    def lookup(self, key: Hashable) -> tuple[bool, Any, int]:
        """(found, answer, generation) for callers that compute asynchronously (the /sparql route):
        hand the generation back to `keep` with the answer computed after a miss."""
        with self._lock:
            if self.enabled and key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return True, self._entries[key], self.generation
            self.misses += self.enabled
            return False, None, self.generation

    def keep(self, key: Hashable, value: Any, generation: int) -> None:
        """Store an answer computed after `lookup` — unless the store was written in the meantime."""
        if not self.enabled:
            return
        size = estimate_bytes(value)
        with self._lock:
            if generation == self.generation:
                self._put(key, value, size, False)

    def invalidate(self) -> None:
        """Forget every answer: call after a write to the store has committed (or failed)."""
        with self._lock:
            self.generation += 1
            self._entries.clear()
            self._sizes.clear()
            self._indexes.clear()
            self._bytes = 0

    def stats(self) -> dict[str, int]:
        """For /healthz: counts, and the answers' estimated bytes against the budget."""
        with self._lock:
            return {"generation": self.generation, "entries": len(self._entries) + len(self._indexes),
                    "hits": self.hits, "misses": self.misses, "bytes": self._bytes, "budget_bytes": self.max_bytes,
                    "refused": self.refused, "index_bytes": sum(size for _, size in self._indexes.values())}


def store_budget(floor: int, plans: int, memory: int | None = None) -> int:
    """The answers' budget for a store of `plans` plans: PER_PLAN_MIB a plan, at least `floor` (the default
    256 MiB) and at most 1/MEMORY_SHARE of the machine's memory (`memory` bytes; read from the system)."""
    if memory is None:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return max(floor, min(plans * PER_PLAN_MIB * MIB, memory // MEMORY_SHARE))


def page_of(items: list, page: tuple[int, int | None]) -> list:
    """items[offset:offset + limit]; no limit means to the end."""
    offset, limit = page
    return items[offset:offset + limit] if limit is not None else items[offset:]


GZIP_FROM = 32 * 1024   # bodies at least this big are also kept gzip-compressed, for clients that accept it


def json_page(cache: AnswerCache, page: tuple[int, int | None], fn: Callable[..., list], store: Any, /,
              *args: Any, gzipped: bool = False, **kwargs: Any) -> tuple[bytes, int, str | None]:
    """(JSON body of items[offset:offset + limit] of `fn(store, …)`, length of the whole list, content
    encoding), kept for the store generation: a whole-store listing at 500 plans is tens of megabytes, and
    encoding it for every request would cost more than reading it. With `gzipped`, a body of GZIP_FROM bytes
    or more comes gzip-compressed (compressed once, kept too; IRIs compress about tenfold)."""
    from .responses import json_bytes

    key = call_key(fn, store, *args, **kwargs)

    def body() -> tuple[bytes, int]:
        items = cache.call(fn, store, *args, **kwargs)
        return json_bytes(page_of(items, page)), len(items)

    offset, limit = page
    raw, total = cache.get(("json", offset, limit, key), body)
    if not gzipped or len(raw) < GZIP_FROM:
        return raw, total, None
    packed = cache.get(("json.gz", offset, limit, key), lambda: gzip.compress(raw, compresslevel=5, mtime=0))
    return packed, total, "gzip"


def call_key(fn: Callable[..., Any], store: Any, /, *args: Any, **kwargs: Any) -> Hashable:
    """The key of `fn(store, *args, **kwargs)`: the function and its arguments with defaults filled in."""
    bound = inspect.signature(fn).bind(store, *args, **kwargs)
    bound.apply_defaults()
    return (fn.__module__, fn.__qualname__, _frozen(list(bound.arguments.items())[1:]))


def _frozen(value: Any) -> Hashable:
    """Arguments as a hashable key (keyword dicts and lists become sorted tuples)."""
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    return value


def _items(value: Any) -> int:
    """Items of a list answer; a JSON body counts one item per kilobyte."""
    if isinstance(value, (bytes, str)):
        return len(value) // 1024
    return len(value) if isinstance(value, (list, dict, tuple, set)) else 1


_ATOMS = (str, bytes, bytearray, int, float, complex, bool, type(None))
_SAMPLE = 16            # items measured per container at the top level, halving with each level down


def estimate_bytes(value: Any, depth: int = 0) -> int:
    """Bytes `value` holds: exact for bytes and str, and for objects with bytes fields (a /sparql Outcome);
    for containers, the size of evenly spaced sample items times their count; an object with a `kept_bytes()`
    method says its own. Cheap (under a millisecond
    for any answer) and on the high side: an object referenced twice is counted twice."""
    size = sys.getsizeof(value)
    if isinstance(value, _ATOMS) or depth >= 8:
        return size
    own = getattr(value, "kept_bytes", None)
    if callable(own):            # a structure that knows what it adds (graph/table_view.py: Indexed)
        return int(own())
    if isinstance(value, dict):
        sample = _spread(list(value.items()), depth)
        per = sum(estimate_bytes(k, depth + 1) + estimate_bytes(v, depth + 1) for k, v in sample)
    elif isinstance(value, (list, tuple)):
        sample = _spread(value, depth)
        per = sum(estimate_bytes(v, depth + 1) for v in sample)
    elif isinstance(value, (set, frozenset)):
        sample = _spread(list(value), depth)
        per = sum(estimate_bytes(v, depth + 1) for v in sample)
    else:
        fields = getattr(value, "__dict__", None)
        return size + (estimate_bytes(fields, depth + 1) if isinstance(fields, dict) else 0)
    return size + (per * len(value) // len(sample) if sample else 0)


def _spread(items: Any, depth: int) -> Any:
    """At most _SAMPLE >> depth (at least 2) items, evenly spaced: the first ones of a listing are not typical."""
    count = max(2, _SAMPLE >> depth)
    n = len(items)
    return items if n <= count else [items[i * n // count] for i in range(count)]


WarmStep = Callable[["AnswerCache", Any], None]


def text_index(cache: AnswerCache, store: Any) -> None:
    """The warm-up step that builds the text index search reads (2.7–4 s at 50 plans on its first search)."""
    from dutygraph.graph.search import build_index

    cache.index(build_index, store)


def warm_up(cache: AnswerCache, store: Any, steps: Sequence[WarmStep] = (text_index,)) -> threading.Thread | None:
    """In a background thread: size the budget to the store (`fit`), compute the whole-store answers (listings
    and reports, the slow ones at scale), then `steps` in order (service/app.py: the default plan's pages, the
    text index, every plan's rows), so the first person to open them after a start or a load does not wait.
    Through the cache, so a request for the same answer meanwhile waits for this computation instead of
    repeating it; the thread yields between answers, and requests are answered meanwhile."""
    if not cache.enabled:
        return None
    from dutygraph.graph import listings, plan_choice, reports

    def work() -> None:
        try:
            cache.fit(len(cache.call(plan_choice.plans, store)))
            for fn in (listings.departments, listings.facility_types, listings.regulations, reports.shared_facilities,
                       reports.orphans, reports.duplicates, reports.dependencies, reports.alignments, reports.centrality):
                json_page(cache, (0, None), fn, store, gzipped=True)   # the answer and its JSON body (api.py: reply)
                time.sleep(0)
            for step in steps:
                step(cache, store)
                time.sleep(0)
        except Exception:            # a store closed under us at shutdown; requests will see real errors
            return

    thread = threading.Thread(target=work, name="dutygraph-warm-up", daemon=True)
    thread.start()
    return thread
