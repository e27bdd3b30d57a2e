"""The SPARQL queries dutygraph runs, each a readable .rq file in graph/queries/, run with values bound
through pyoxigraph substitutions and a VALUES block pyoxigraph serializes (see _hinted) — user text is never
pasted into query text."""
from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import pyoxigraph as ox

from .remote import bind_values


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


def select(store: ox.Store, name: str, /, **bindings: Any) -> list[dict[str, Any]]:
    """Run graph/queries/<name>.rq; keyword arguments bind variables (see select_text)."""
    return select_text(store, query_text(name), **bindings)


def select_text(store: ox.Store, text: str, /, **bindings: Any) -> list[dict[str, Any]]:
    """Run a SELECT over the union of all graphs. Keyword arguments bind variables through pyoxigraph
    substitutions (str → plain literal, ox terms as they are, None → left unbound); a bound variable must
    appear in the SELECT clause (a pyoxigraph rule)."""
    return _run(store, text, {"use_default_graph_as_union": True}, bindings)


def select_in(store: ox.Store, name: str, graphs: list[str] | None, /, **bindings: Any) -> list[dict[str, Any]]:
    """select() with the default graph narrowed to `graphs` (e.g. one plan's graph and the ontology), so the
    engine scans those graphs only instead of the union of all; None means select() as it is."""
    if graphs is None:
        return select(store, name, **bindings)
    return _run(store, query_text(name), {"default_graph": [ox.NamedNode(g) for g in graphs]}, bindings)


def _run(store: ox.Store, text: str, dataset: dict[str, Any], bindings: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of `text` over `dataset` (store.query's graph arguments) with `bindings` bound, as plain JSON."""
    substitutions = {ox.Variable(var): value if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode))
                     else ox.Literal(str(value)) for var, value in bindings.items() if value is not None}
    solutions = store.query(_hinted(store, text, substitutions), substitutions=substitutions, **dataset)
    names = [v.value for v in solutions.variables]
    return [{n: term_value(row[n]) for n in names} for row in solutions]


def _hinted(store: ox.Store, text: str, substitutions: dict[ox.Variable, Any]) -> str:
    """The query with each bound variable also given as a one-row VALUES block in the groups that use it.
    pyoxigraph does not plan around substituted values: a unit's duties were read by scanning every
    assignment (3.4 s at 500 plans) where the VALUES form looks the unit up (0.07 s). The values are
    written by pyoxigraph's own serializer (IRIs validated, literals escaped); remote stores add the same
    block themselves (graph/remote.py). A blank node cannot be written in a query: it stays a substitution
    only."""
    hinted = {var: term for var, term in substitutions.items() if isinstance(term, (ox.NamedNode, ox.Literal))}
    if not hinted or not isinstance(store, ox.Store):
        return text
    return bind_values(text, hinted)
