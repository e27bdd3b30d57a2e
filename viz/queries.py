"""The SPARQL the views run: viz/queries/<name>.rq, read as package data, values bound through
pyoxigraph substitutions (user text never becomes query text)."""
from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import pyoxigraph as ox

from dutygraph.graph.queries import term_value


@cache
def query_text(name: str) -> str:
    return resources.files(__package__).joinpath("queries", f"{name}.rq").read_text(encoding="utf-8")


def query_names() -> list[str]:
    folder = resources.files(__package__).joinpath("queries")
    return sorted(p.name[:-3] for p in folder.iterdir() if p.name.endswith(".rq"))


def select(store: ox.Store, query: str, **bindings: Any) -> list[dict[str, Any]]:
    """Run viz/queries/<query>.rq; keyword arguments bind variables (str → plain literal, ox terms as they
    are, None → unbound). A bound variable must appear in the query's SELECT (a pyoxigraph rule)."""
    substitutions = {}
    for var, value in bindings.items():
        if value is None:
            continue
        term = value if isinstance(value, (ox.NamedNode, ox.Literal)) else ox.Literal(str(value))
        substitutions[ox.Variable(var)] = term
    solutions = store.query(query_text(query), use_default_graph_as_union=True, substitutions=substitutions)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return [{n: term_value(row[n]) for n in names} for row in solutions]


def iri(value: str) -> ox.NamedNode:
    """An IRI from user input; a malformed one is a VizError, not a crash."""
    from .model import VizError

    try:
        return ox.NamedNode(value)
    except ValueError as error:
        raise VizError(f"not an IRI: {value!r}") from error
