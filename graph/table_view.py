"""Sort, filter and page a list of answer rows on the server (`?sort=&dir=&q=&page=&size=` and facet filters),
so a page shows 25 rows of a 500-plan answer instead of shipping all of it to the browser (Datasette's way:
every table is a page with the query in its URL). Rows are plain dicts; the caller says which keys are
searched and which are facets."""
from __future__ import annotations

import math
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


def apply(rows: Sequence[dict[str, Any]], query: TableQuery, searched: Iterable[str] = (),
          facet_keys: Iterable[str] = ()) -> TableView:
    """Filter (every word of `q` in one of the `searched` keys; each facet), count facets over the rows the
    text filter left, sort (stable, empties last in either direction) and cut one page."""
    keys = list(searched)
    words = query.q.split() if keys else []
    found = [r for r in rows if all(any(w in _text(r.get(k)) for k in keys) for w in words)] if words else list(rows)
    counts: dict[str, dict[str, int]] = {}
    for key in facet_keys:
        tally: dict[str, int] = {}
        for row in found:
            value = row.get(key)
            for v in value if isinstance(value, (list, tuple, set)) else [value]:
                if v is not None:
                    tally[str(v)] = tally.get(str(v), 0) + 1
        counts[key] = dict(sorted(tally.items(), key=lambda kv: (-kv[1], kv[0])))
    for key, wanted in query.facets:
        found = [r for r in found if _has(r.get(key), wanted)]
    column = query.sort
    if column:
        filled = [r for r in found if sort_key(r.get(column))[0] < 2]
        empty = [r for r in found if sort_key(r.get(column))[0] == 2]
        filled.sort(key=lambda r: sort_key(r.get(column)), reverse=query.descending)
        found = filled + empty
    pages = max(1, math.ceil(len(found) / query.size))
    query = replace(query, page=min(query.page, pages))
    start = (query.page - 1) * query.size
    return TableView(found[start:start + query.size], len(found), len(rows), query, counts)


def everything(rows: Sequence[dict[str, Any]], query: TableQuery, searched: Iterable[str] = (),
               facet_keys: Iterable[str] = ()) -> list[dict[str, Any]]:
    """All rows the query selects, in its order, for a download (the reader's filter and sort, no paging)."""
    whole = replace(query, page=1, size=max(1, len(rows)))
    return apply(rows, whole, searched, facet_keys).rows
