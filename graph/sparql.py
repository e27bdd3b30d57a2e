"""Running a user's SPARQL text read-only, for the CLI (the HTTP endpoint has its own protocol layer)."""
from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from .queries import term_value


def run_readonly(store: ox.Store, text: str) -> list[dict[str, Any]]:
    """SELECT → rows, ASK → [{'result': bool}], CONSTRUCT/DESCRIBE → [{'s','p','o'}]. Updates are refused."""
    try:
        result = store.query(text, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise ValueError(f"SPARQL syntax error (updates are not accepted here): {exc}") from None
    if isinstance(result, bool):
        return [{"result": result}]
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return [{n: term_value(row[n]) for n in names} for row in result]
    return [{"s": t.subject.value, "p": t.predicate.value, "o": term_value(t.object)} for t in result]
