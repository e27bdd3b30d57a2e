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


def iri(value: str) -> ox.NamedNode:
    """An IRI from user input; a malformed one is a VizError, not a crash."""
    from .model import VizError

    try:
        return ox.NamedNode(value)
    except ValueError as error:
        raise VizError(f"not an IRI: {value!r}") from error
