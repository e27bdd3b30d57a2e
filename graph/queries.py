"""The SPARQL queries dutygraph runs, each a readable .rq file in graph/queries/, run on any backend
(graph/backend.py) with values bound — user text is never pasted into query text."""
from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import pyoxigraph as ox

from .backend import backend_of, capabilities


@cache
def rq_text(package: str, name: str) -> str:
    """The text of <package>/queries/<name>.rq as shipped (graph/queries, viz/queries)."""
    return resources.files(package).joinpath("queries", f"{name}.rq").read_text(encoding="utf-8")


def rq_names(package: str) -> list[str]:
    folder = resources.files(package).joinpath("queries")
    return sorted(p.name[:-3] for p in folder.iterdir() if p.name.endswith(".rq"))


def query_text(name: str) -> str:
    """The text of graph/queries/<name>.rq."""
    return rq_text(__package__, name)


def query_names() -> list[str]:
    return rq_names(__package__)


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


def select(store: Any, name: str, /, **bindings: Any) -> list[dict[str, Any]]:
    """Run graph/queries/<name>.rq; keyword arguments bind variables (see select_text)."""
    return select_text(store, query_text(name), **bindings)


def select_text(store: Any, text: str, /, **bindings: Any) -> list[dict[str, Any]]:
    """Run a SELECT over the union of all graphs. Keyword arguments bind variables (str → plain literal, ox
    terms as they are, None → left unbound); a bound variable must appear in the SELECT clause (a pyoxigraph
    rule). How the values are bound is the backend's business (graph/backend.py): never pasted as text."""
    return _run(store, text, None, bindings)


def select_in(store: Any, name: str, graphs: list[str] | None, /, **bindings: Any) -> list[dict[str, Any]]:
    """select() with the default graph narrowed to `graphs` (e.g. one plan's graph and the ontology), so the
    engine scans those graphs only instead of the union of all; None means select() as it is."""
    return _run(store, query_text(name), graphs, bindings)


def _run(store: Any, text: str, graphs: list[str] | None, bindings: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of `text` over `graphs` (None: the union) with `bindings` bound, as plain JSON."""
    terms = {var: value if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)) else ox.Literal(str(value))
             for var, value in bindings.items() if value is not None}
    solutions = backend_of(store).select(text, terms, graphs)
    names = [v.value for v in solutions.variables]
    return [{n: term_value(row[n]) for n in names} for row in solutions]


def _hinted(store: Any, text: str, substitutions: dict[ox.Variable, Any]) -> str:
    """The text the embedded store runs for `text` (graph/store.py: hinted); a remote engine binds values its
    own way (graph/remote.py), so its text is `text`."""
    from .store import hinted

    try:
        in_process = capabilities(store).scoped_queries
    except TypeError:
        return text
    return hinted(text, substitutions) if in_process else text
