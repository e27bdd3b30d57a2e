"""The SPARQL queries dutygraph runs, each a readable .rq file in graph/queries/, run with values bound
through pyoxigraph substitutions — user text is never pasted into query text."""
from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import pyoxigraph as ox


@cache
def query_text(name: str) -> str:
    """The text of queries/<name>.rq (as shipped in the package)."""
    return resources.files(__package__).joinpath("queries", f"{name}.rq").read_text(encoding="utf-8")


def query_names() -> list[str]:
    folder = resources.files(__package__).joinpath("queries")
    return sorted(p.name[:-3] for p in folder.iterdir() if p.name.endswith(".rq"))


def term_value(term: Any) -> Any:
    """A SPARQL term as plain JSON: IRIs and strings as str, numbers as int/float, booleans as bool."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value.rsplit("#", 1)[-1]
        if dt in ("integer", "int", "long", "nonNegativeInteger"):
            return int(term.value)
        if dt in ("decimal", "double", "float"):
            return float(term.value)
        if dt == "boolean":
            return term.value == "true"
        return term.value
    return term.value


def select(store: ox.Store, name: str, /, **bindings: Any) -> list[dict[str, Any]]:
    """Run a named SELECT query; keyword arguments bind variables (str → plain literal, ox terms as they are)."""
    substitutions = {}
    for var, value in bindings.items():
        if value is None:
            continue
        term = value if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)) else ox.Literal(str(value))
        substitutions[ox.Variable(var)] = term
    solutions = store.query(query_text(name), use_default_graph_as_union=True, substitutions=substitutions)
    names = [v.value for v in solutions.variables]
    return [{n: term_value(row[n]) for n in names} for row in solutions]
