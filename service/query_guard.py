"""Checks SPARQL query and update text before it reaches pyoxigraph, which parses and plans recursively:
a deep or long-chained query overflows its stack and kills the whole process (a segfault, not an exception).

A small lexer skips strings, IRIs and comments, so braces inside a literal or a comment do not count, and
measures nesting, clause and operator counts; it also finds SERVICE targets and LOAD sources, so the
endpoint cannot be made to call other servers or read local files. Crash thresholds measured with
pyoxigraph 0.5.13 (a thread with the default 8 MiB stack, each case in a subprocess; the probe is
``benchmarks/crash_thresholds.py``) — the process died at:
``{`` nested 2,193 deep, ``(`` 4,725, sub-selects 2,587, nested OPTIONALs 2,700, 2,700 flat BINDs or
MINUSes, 6,581 UNIONs, an expression of 7,087 ``+`` or 9,365 ``||``. The defaults sit 5-40x below those
and far above the project's own queries (at most depth 8, 7 OPTIONALs, 7 SELECTs, ~60 clauses).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin


@dataclass(frozen=True)
class QueryLimits:
    """What a query or update may contain; `SparqlSettings.limits` holds the endpoint's."""

    max_length: int = 500_000  # characters (the HTTP body limit is 1 MiB anyway)
    max_depth: int = 64  # { ( [ nested together
    max_optional: int = 128
    max_select: int = 32  # SELECT keywords, sub-selects included
    max_union: int = 256
    max_clauses: int = 512  # { plus OPTIONAL MINUS BIND FILTER UNION SELECT GRAPH SERVICE EXISTS VALUES
    max_operators: int = 1024  # || && = != < > <= >= + - * / | ^ ! (expressions and property paths)

    def __post_init__(self) -> None:
        if min(self.max_length, self.max_depth, self.max_optional, self.max_select, self.max_union,
               self.max_clauses, self.max_operators) < 1:
            raise ValueError("query limits must be positive")


class QueryRefused(ValueError):
    """A query or update the endpoint will not run (HTTP 400); the message says why."""


class LimitExceeded(QueryRefused):
    """The text is over one of the `QueryLimits`."""


class ServiceRefused(QueryRefused):
    """A SERVICE clause to a target that is not allowed (server-side request forgery)."""


class LoadRefused(QueryRefused):
    """A LOAD from a source that is not allowed (local files, internal addresses)."""


@dataclass(frozen=True)
class QueryShape:
    """What the lexer measured; `services` and `loads` hold resolved IRIs, a variable as ``?name``,
    or ``""`` for a target it could not resolve."""

    length: int
    depth: int = 0
    optional: int = 0
    select: int = 0
    union: int = 0
    clauses: int = 0
    operators: int = 0
    services: tuple[str, ...] = ()
    loads: tuple[str, ...] = ()


_NAME_START = r"A-Za-z_\u00C0-\uFFFF"
_NAME_CHAR = _NAME_START + r"0-9\-\u00B7"
_IRI_CHAR = r"""(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})"""
_TOKEN = re.compile(rf"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*(?:'''|\Z) | \"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|\Z)
              | '(?:[^'\\\n\r]|\\.)*'? | "(?:[^"\\\n\r]|\\.)*"? )
  | (?P<iri><{_IRI_CHAR}*>)
  | (?P<var>[?$][{_NAME_CHAR}]+)
  | (?P<bnode>_:[{_NAME_CHAR}.]*[{_NAME_CHAR}])
  | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)? | \.[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<pname>(?:[{_NAME_START}](?:[{_NAME_CHAR}.]*[{_NAME_CHAR}])?)?:
               (?:[{_NAME_CHAR}:]|%[0-9A-Fa-f]{{2}}|\\.|\.(?=[{_NAME_CHAR}:%\\]))*)
  | (?P<word>[{_NAME_START}][{_NAME_CHAR}]*)
  | (?P<punct>\|\||&&|!=|<=|>=|\^\^|[{{}}()\[\];,.=<>!+\-*/|^?])
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)
_OPEN, _CLOSE = frozenset("{(["), frozenset("})]")
_OPERATORS = frozenset(("||", "&&", "=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "|", "^", "!"))
_CLAUSES = frozenset(("OPTIONAL", "MINUS", "BIND", "FILTER", "UNION", "SELECT", "GRAPH", "SERVICE", "EXISTS",
                      "VALUES"))
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LOCAL_ESCAPE = re.compile(r"\\(.)")


def _tokens(text: str) -> list[tuple[str, str]]:
    """(kind, text) of every token that matters; white space, comments and unknown characters dropped."""
    found = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("space", "comment", "other"):
            found.append((kind, match.group()))
    return found


class _Resolver:
    """PREFIX and BASE as the parser will apply them, so ``ex:x`` or ``<x>`` is checked as the IRI it means."""

    def __init__(self) -> None:
        self.base = ""
        self.prefixes: dict[str, str] = {}

    def iri(self, kind: str, token: str) -> str:
        if kind == "iri":
            value = _UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), token[1:-1])
            return urljoin(self.base, value) if self.base and ":" not in value.split("/")[0] else value
        if kind == "pname":
            prefix, _, local = token.partition(":")
            known = self.prefixes.get(prefix)
            return "" if known is None else known + _LOCAL_ESCAPE.sub(r"\1", local)
        if kind == "var":
            return "?" + token[1:]
        return ""


def measure(text: str) -> QueryShape:
    """Measure query or update text without parsing it (the parser is what must be protected)."""
    tokens = _tokens(text)
    counts = {"depth": 0, "optional": 0, "select": 0, "union": 0, "clauses": 0, "operators": 0}
    services: list[str] = []
    loads: list[str] = []
    depth, resolver = 0, _Resolver()
    for i, (kind, token) in enumerate(tokens):
        if kind == "punct":
            if token in _OPEN:
                depth += 1
                counts["depth"] = max(counts["depth"], depth)
                counts["clauses"] += token == "{"
            elif token in _CLOSE:
                depth = max(0, depth - 1)
            elif token in _OPERATORS:
                counts["operators"] += 1
            continue
        if kind != "word":
            continue
        word = token.upper()
        if word in _CLAUSES:
            counts["clauses"] += 1
            if word in ("OPTIONAL", "SELECT", "UNION"):
                counts[word.lower()] += 1
        if word in ("SERVICE", "LOAD"):
            target = _target(tokens, i + 1, resolver)
            (services if word == "SERVICE" else loads).append(target)
        elif word == "BASE" and i + 1 < len(tokens):
            resolver.base = resolver.iri(*tokens[i + 1])
        elif word == "PREFIX" and i + 2 < len(tokens) and tokens[i + 1][0] == "pname":
            resolver.prefixes[tokens[i + 1][1].rstrip(":")] = resolver.iri(*tokens[i + 2])
    return QueryShape(len(text), services=tuple(services), loads=tuple(loads), **counts)


def _target(tokens: list[tuple[str, str]], at: int, resolver: _Resolver) -> str:
    """The IRI (or ``?var``) after SERVICE or LOAD, skipping SILENT."""
    if at < len(tokens) and tokens[at][0] == "word" and tokens[at][1].upper() == "SILENT":
        at += 1
    return resolver.iri(*tokens[at]) if at < len(tokens) else ""


def check_limits(shape: QueryShape, limits: QueryLimits, what: str = "query") -> None:
    """Raise `LimitExceeded` naming the first limit the text is over, and by how much."""
    checks = [(shape.length, limits.max_length, f"{what} is {shape.length} characters long"),
              (shape.depth, limits.max_depth, f"{what} nests {shape.depth} levels deep"),
              (shape.optional, limits.max_optional, f"{what} has {shape.optional} OPTIONAL clauses"),
              (shape.select, limits.max_select, f"{what} has {shape.select} SELECTs (sub-selects included)"),
              (shape.union, limits.max_union, f"{what} has {shape.union} UNIONs"),
              (shape.clauses, limits.max_clauses, f"{what} has {shape.clauses} groups and clauses"),
              (shape.operators, limits.max_operators, f"{what} has {shape.operators} operators")]
    for value, limit, said in checks:
        if value > limit:
            raise LimitExceeded(f"{said}; the limit is {limit}")


def check_services(shape: QueryShape, allowed: tuple[str, ...]) -> None:
    """SERVICE only to IRIs listed exactly; never to a variable, whose value the client controls at run time."""
    for target in shape.services:
        if target.startswith("?"):
            raise ServiceRefused(f"SERVICE {target} is refused: the service must be an IRI written in the query")
        if target not in allowed:
            shown = f"<{target}>" if target else "an unresolvable IRI"
            listed = ("no service is allowed" if not allowed else "allowed: " + " ".join(f"<{a}>" for a in allowed))
            raise ServiceRefused(f"SERVICE is disabled on this endpoint for {shown} ({listed})")


def check_loads(shape: QueryShape, allowed_prefixes: tuple[str, ...]) -> None:
    """LOAD only from sources under an allowed prefix; ``file:`` never, whatever the list says."""
    for source in shape.loads:
        shown = f"<{source}>" if source and not source.startswith("?") else "an unresolvable source"
        if source.lower().startswith("file:"):
            raise LoadRefused(f"LOAD {shown} is refused: files on the server are never loaded")
        if not source or not any(source.startswith(p) for p in allowed_prefixes if not p.lower().startswith("file:")):
            listed = ("no location is allowed" if not allowed_prefixes
                      else "allowed: " + " ".join(allowed_prefixes))
            raise LoadRefused(f"LOAD {shown} is refused ({listed})")


def check_query(text: str, limits: QueryLimits, services: tuple[str, ...] = ()) -> QueryShape:
    """Everything a query must pass before it is parsed; raises a `QueryRefused`."""
    shape = measure(text)
    check_limits(shape, limits, "query")
    check_services(shape, services)
    return shape


def check_update(text: str, limits: QueryLimits, services: tuple[str, ...] = (),
                 loads: tuple[str, ...] = ()) -> QueryShape:
    """Everything an update must pass before it is parsed; raises a `QueryRefused`."""
    shape = measure(text)
    check_limits(shape, limits, "update")
    check_services(shape, services)
    check_loads(shape, loads)
    return shape
