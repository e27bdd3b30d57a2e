"""Running a user's SPARQL text read-only, for the CLI (the HTTP endpoint has its own protocol layer)."""
from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox

from .queries import term_value


def run_readonly(store: ox.Store, text: str) -> list[dict[str, Any]]:
    """SELECT → rows, ASK → [{'result': bool}], CONSTRUCT/DESCRIBE → [{'s','p','o'}]. Updates are refused.
    The dataset is the one /sparql uses: the query's FROM / FROM NAMED when it has them, else the union of all
    graphs."""
    try:
        result = store.query(text, use_default_graph_as_union=not declares_dataset(text))
    except SyntaxError as exc:
        raise ValueError(f"SPARQL syntax error (updates are not accepted here): {exc}") from None
    if isinstance(result, ox.QueryBoolean):
        return [{"result": bool(result)}]
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return [{n: term_value(row[n]) for n in names} for row in result]
    return [{"s": t.subject.value, "p": t.predicate.value, "o": term_value(t.object)} for t in result]


_FROM_SCAN = re.compile(
    r"""(?P<skip>'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"   # strings
    |<[^<>"{}|^`\\\x00-\x20]*>                                                      # IRIs
    |\#[^\n]*)                                                                      # comments
    |(?<![\w?$:@])(?P<from>FROM)(?![\w:-])""",
    re.IGNORECASE | re.DOTALL | re.VERBOSE,
)


def declares_dataset(query: str) -> bool:
    """Whether the query has FROM / FROM NAMED. pyoxigraph lets ``use_default_graph_as_union`` override
    a query's own FROM, so the endpoint only asks for the union when the query names no dataset."""
    return any(match.group("from") for match in _FROM_SCAN.finditer(query))
