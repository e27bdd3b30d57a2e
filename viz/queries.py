"""The SPARQL the views run: viz/queries/<name>.rq, read as package data, values bound through
pyoxigraph substitutions (user text never becomes query text)."""
from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from dutygraph.graph.queries import rq_names, rq_text, select_text


def query_text(name: str) -> str:
    return rq_text(__package__, name)


def query_names() -> list[str]:
    return rq_names(__package__)


def select(store: ox.Store, query: str, **bindings: Any) -> list[dict[str, Any]]:
    """Run viz/queries/<query>.rq with bound values (see dutygraph.graph.queries.select_text)."""
    return select_text(store, query_text(query), **bindings)


def select_sorted(store: ox.Store, query: str, **bindings: Any) -> list[dict[str, Any]]:
    """select() with the rows in a fixed order (by every column, in SELECT order; unbound first), so the
    same store gives the same nodes, edges and first-row-wins choices whatever order the engine returns.
    Sorted here rather than by ORDER BY: the whole-graph queries return tens of thousands of rows, which
    pyoxigraph sorts far more slowly than Python does."""
    return sorted(select(store, query, **bindings), key=_row_key)


def select_values(store: ox.Store, query: str, variable: str, iris: list[str]) -> list[dict[str, Any]]:
    """select_sorted() of a query listing many IRIs from the store (a view's duties): each is serialised by
    pyoxigraph (a NamedNode is checked, so it cannot end the block) into the query's empty `VALUES ?var { }`.
    A substitution binds one value; one query for 150 duties beats 150 queries."""
    marker = f"VALUES ?{variable} {{ }}"
    text = query_text(query)
    if text.count(marker) != 1:
        raise ValueError(f"{query}.rq has no single {marker!r} to fill")
    values = " ".join(str(ox.NamedNode(value)) for value in iris)
    return sorted(select_text(store, text.replace(marker, f"VALUES ?{variable} {{ {values} }}")), key=_row_key)


def _row_key(row: dict[str, Any]) -> tuple[tuple[bool, str], ...]:
    return tuple((value is not None, str(value)) for value in row.values())


def iri(value: str) -> ox.NamedNode:
    """An IRI from user input; a malformed one is a VizError, not a crash."""
    from .model import VizError

    try:
        return ox.NamedNode(value)
    except ValueError as error:
        raise VizError(f"not an IRI: {value!r}") from error
