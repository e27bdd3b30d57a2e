"""Sort, filter and page a list of answer rows on the server (`?sort=&dir=&q=&page=&size=` and facet filters),
so a page shows 25 rows of a 500-plan answer instead of shipping all of it to the browser (Datasette's way:
every table is a page with the query in its URL). Rows are plain dicts; the caller says which keys are
searched and which are facets."""
from __future__ import annotations

import math
import sys
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

SIZES = (10, 25, 50, 100, 200)
MAX_SIZE = 500


@dataclass(frozen=True)
class TableQuery:
    """What a reader asked of one table; `facets` are (key, value) filters such as ("reasons", "no_deadline")."""

    sort: str | None = None
    descending: bool = False
    q: str = ""
    page: int = 1
    size: int = 25
    facets: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, params: Mapping[str, str], default_size: int = 25, default_sort: str | None = None,
              default_desc: bool = False, facet_keys: Iterable[str] = ()) -> TableQuery:
        """From query parameters; anything malformed falls back to the default rather than failing the page."""
        def number(name: str, default: int) -> int:
            try:
                return int(params.get(name) or default)
            except ValueError:
                return default

        sort = params.get("sort") or default_sort
        desc = params.get("dir", "desc" if default_desc and sort == default_sort else "asc") == "desc"
        facets = tuple((k, params[k]) for k in facet_keys if params.get(k))
        return cls(sort=sort, descending=desc, q=(params.get("q") or "").strip()[:200],
                   page=max(1, number("page", 1)), size=min(MAX_SIZE, max(1, number("size", default_size))),
                   facets=facets)

    def params(self, **changes: Any) -> dict[str, str]:
        """The query as URL parameters, with `changes` applied (page=2, sort=…): for links and downloads."""
        query = replace(self, **{k: v for k, v in changes.items() if k in self.__dataclass_fields__})
        out = {k: v for k, v in (("sort", query.sort or ""), ("dir", "desc" if query.descending else "asc"),
                                 ("q", query.q), ("page", str(query.page)), ("size", str(query.size))) if v}
        out.update(dict(query.facets))
        out.update({k: str(v) for k, v in changes.items() if k not in self.__dataclass_fields__ and v is not None})
        return out


@dataclass(frozen=True)
class TableView:
    """One page of rows, with the counts a page shows (rows matched, in all, per facet value)."""

    rows: list[dict[str, Any]]
    matched: int
    total: int
    query: TableQuery
    facet_counts: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.matched / self.query.size))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return " ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return " ".join(_text(v) for v in value.values())
    return str(value)


def _has(value: Any, wanted: str) -> bool:
    if isinstance(value, (list, tuple, set)):
        return wanted in value
    return value is not None and str(value) == wanted


def sort_key(value: Any) -> tuple[int, Any]:
    """Numbers before text, empties last; lists sort by their length (how many departments, duties …)."""
    if value is None or value == "" or value == []:
        return (2, 0)
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, (int, float)):
        return (0, value)
    if isinstance(value, (list, tuple)):
        return (0, len(value))
    return (1, str(value))


@dataclass
class Indexed:
    """Rows with what answering queries over them needs, made once and kept with them (service/page_kit.py):
    each row's searched text in one string, each (column, direction) order asked for, the facet counts of
    all rows. Re-sorting and re-filtering 144,751 alignment rows of 500 plans for each new URL took 2–6 s;
    with the orders kept a page is a slice, and a text filter one `in` per row."""

    rows: Sequence[dict[str, Any]]
    searched: tuple[str, ...] = ()
    facet_keys: tuple[str, ...] = ()
    shares_rows: bool = True      # the rows are kept elsewhere too (a plan's question rows), so not counted here
    _hay: list[str] | None = field(default=None, repr=False)
    _orders: dict[tuple[str, bool], list[int]] = field(default_factory=dict, repr=False)
    _counts: dict[str, dict[str, int]] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def haystack(self) -> list[str]:
        """Each row's searched values as one string ("\x1f" between values: no query word holds it, since
        str.split() splits on it), so "a word in one of the keys" is one substring test."""
        with self._lock:
            if self._hay is None:
                keys = self.searched
                self._hay = ["\x1f".join(_text(r.get(k)) for k in keys) for r in self.rows]
            return self._hay

    def order(self, column: str, descending: bool) -> list[int]:
        """Row positions sorted by `column` (stable, empties last in either direction), kept: at most
        MAX_ORDERS orders a table, the first asked for (a reader sorts by a few columns, not by all)."""
        with self._lock:
            found = self._orders.get((column, descending))
        if found is not None:
            return found
        keys = [sort_key(r.get(column)) for r in self.rows]
        filled = [i for i, k in enumerate(keys) if k[0] < 2]
        filled.sort(key=keys.__getitem__, reverse=descending)
        made = filled + [i for i, k in enumerate(keys) if k[0] == 2]
        with self._lock:
            if len(self._orders) < MAX_ORDERS:
                self._orders[(column, descending)] = made
        return made

    def counts(self, positions: Iterable[int] | None) -> dict[str, dict[str, int]]:
        """Facet value counts over these rows (all rows: counted once and kept)."""
        if positions is None:
            with self._lock:
                if self._counts is not None:
                    return self._counts
        rows = self.rows if positions is None else [self.rows[i] for i in positions]
        made = _facet_counts(rows, self.facet_keys)
        if positions is None:
            with self._lock:
                self._counts = made
        return made

    def kept_bytes(self) -> int:
        """What keeping it adds (AnswerCache's estimate): the searched texts and orders, not the rows, which
        are the kept rows of the plans (service/pages_rows.py) shared by reference."""
        n = len(self.rows)
        hay = self.haystack()
        sample = hay[:: max(1, n // 64)]
        text = sum(sys.getsizeof(h) for h in sample) * n // max(1, len(sample))
        rows = 0 if self.shares_rows else _sampled(self.rows)
        return sys.getsizeof(self.rows) + rows + 8 * n + text + MAX_ORDERS * 36 * n    # a pointer, an int a position


def _sampled(rows: Sequence[dict[str, Any]]) -> int:
    """Rows' bytes from 64 evenly spaced ones (each dict and its values one level down)."""
    sample = [rows[i] for i in range(0, len(rows), max(1, len(rows) // 64))]
    one = sum(sys.getsizeof(r) + sum(sys.getsizeof(v) for v in r.values()) for r in sample)
    return one * len(rows) // max(1, len(sample))


MAX_ORDERS = 6


def _facet_counts(rows: Iterable[dict[str, Any]], facet_keys: Iterable[str]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    rows = list(rows)
    for key in facet_keys:
        tally: dict[str, int] = {}
        for row in rows:
            value = row.get(key)
            for v in value if isinstance(value, (list, tuple, set)) else [value]:
                if v is not None:
                    tally[str(v)] = tally.get(str(v), 0) + 1
        counts[key] = dict(sorted(tally.items(), key=lambda kv: (-kv[1], kv[0])))
    return counts


def indexed(rows: Sequence[dict[str, Any]] | Indexed, searched: Iterable[str] = (),
            facet_keys: Iterable[str] = ()) -> Indexed:
    return rows if isinstance(rows, Indexed) else Indexed(rows, tuple(searched), tuple(facet_keys))


def selected(source: Indexed, query: TableQuery) -> list[int] | range:
    """Positions of the rows `query` selects, in its order: every word of `q` in one of the searched keys,
    each facet, then sorted (stable, empties last)."""
    rows = source.rows
    words = query.q.split() if source.searched else []
    chosen: list[int] | None = None
    if words:
        hay = source.haystack()
        chosen = [i for i, h in enumerate(hay) if words[0] in h]    # word by word: one substring test a row
        for word in words[1:]:
            chosen = [i for i in chosen if word in hay[i]]
    for key, wanted in query.facets:
        chosen = [i for i in (range(len(rows)) if chosen is None else chosen) if _has(rows[i].get(key), wanted)]
    if query.sort:
        order = source.order(query.sort, query.descending)
        if chosen is None:
            return order
        keep = bytearray(len(rows))
        for i in chosen:
            keep[i] = 1
        return [i for i in order if keep[i]]
    return range(len(rows)) if chosen is None else chosen


def apply(rows: Sequence[dict[str, Any]] | Indexed, query: TableQuery, searched: Iterable[str] = (),
          facet_keys: Iterable[str] = ()) -> TableView:
    """Filter (every word of `q` in one of the `searched` keys; each facet), count facets over the rows the
    text filter left, sort (stable, empties last in either direction) and cut one page. Over Indexed rows
    (kept between requests) the orders and searched texts are made once."""
    source = indexed(rows, searched, facet_keys)
    words = query.q.split() if source.searched else []
    text_only = replace(query, facets=(), sort=None)
    counts = source.counts(selected(source, text_only) if words else None) if source.facet_keys else {}
    found = selected(source, query)
    pages = max(1, math.ceil(len(found) / query.size))
    query = replace(query, page=min(query.page, pages))
    start = (query.page - 1) * query.size
    return TableView([source.rows[i] for i in found[start:start + query.size]], len(found), len(source.rows), query,
                     counts)


def everything(rows: Sequence[dict[str, Any]] | Indexed, query: TableQuery, searched: Iterable[str] = (),
               facet_keys: Iterable[str] = ()) -> list[dict[str, Any]]:
    """All rows the query selects, in its order, for a download (the reader's filter and sort, no paging)."""
    source = indexed(rows, searched, facet_keys)
    return [source.rows[i] for i in selected(source, query)]
