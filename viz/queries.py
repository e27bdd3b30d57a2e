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


def _row_key(row: dict[str, Any]) -> tuple[tuple[bool, str], ...]:
    return tuple((value is not None, str(value)) for value in row.values())


def iri(value: str) -> ox.NamedNode:
    """An IRI from user input; a malformed one is a VizError, not a crash."""
    from .model import VizError

    try:
        return ox.NamedNode(value)
    except ValueError as error:
        raise VizError(f"not an IRI: {value!r}") from error
