"""A remote SPARQL 1.1 engine (Virtuoso, GraphDB, Fuseki …) behind the part of the pyoxigraph ``Store`` API
that dutygraph uses, so the queries, reports, views and the ``/sparql`` router run unchanged on either.

* Answers are real pyoxigraph objects: SELECT/ASK come back as SPARQL XML results parsed by
  ``pyoxigraph.parse_query_results``; CONSTRUCT/DESCRIBE as N-Triples, re-read through an in-memory store so
  the caller gets a genuine ``QueryTriples``.
* Every query is first parsed by pyoxigraph itself (on an empty in-memory store): a malformed query raises
  the same ``SyntaxError`` as the embedded store, and an update sent as a query never reaches the engine —
  the read-only rule holds even if the engine's query endpoint would run updates (Virtuoso's does).
* Substitutions are bound as ``VALUES`` rows (each term written in pyoxigraph's N-Triples form) at the start
  of the outermost WHERE group and of every nested group that mentions the variable, which gives the
  substitution semantics also inside UNION branches and FILTERs; user text never becomes query text.
* It is also a ``graph.backend.Backend``: loads call ``replace_graphs`` / ``bulk_replace``, which write into
  staging graphs in INSERT DATA requests of ``chunk_triples`` triples (or Graph Store Protocol POSTs), under a
  journal entry with a lease, and switch them in with one MOVE update (docs/DEPLOY.md says what Virtuoso
  guarantees about that update).
* Engine quirks live in ``Dialect`` only; the ``.rq`` files stay standard SPARQL.
"""
from __future__ import annotations

import json
import os
import re
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
import pyoxigraph as ox

from .backend import JOURNAL_GRAPH, STAGED, STAGING_PREFIX, Capabilities, GraphPayload, is_bookkeeping

Term = ox.NamedNode | ox.BlankNode | ox.Literal
AuthScheme = Literal["basic", "digest"]

ENV_UPDATE_URL = "DUTYGRAPH_UPDATE_URL"
ENV_GSP_URL = "DUTYGRAPH_GSP_URL"
ENV_USER = "DUTYGRAPH_STORE_USER"
ENV_PASSWORD = "DUTYGRAPH_STORE_PASSWORD"
ENV_AUTH = "DUTYGRAPH_STORE_AUTH"
ENV_DIALECT = "DUTYGRAPH_STORE_DIALECT"
ENV_TIMEOUT = "DUTYGRAPH_STORE_TIMEOUT"

XML_RESULTS = "application/sparql-results+xml"
REMOTE_CAPABILITIES = Capabilities(transactional_bulk=False, keeps_answers=False, supports_fork=False,
                                   scoped_queries=False, shared=True)
# A loader renews its journal entry at least every LEASE_S / 4 seconds; a journal entry older than LEASE_S
# belongs to a loader that died, and the next open or load rolls it back. (A live load is never touched:
# other processes — service workers, a second loader — share the engine.)
LEASE_S = 600.0
_RENEWED = ox.NamedNode(JOURNAL_GRAPH + "#renewed")
_COMMITTING = ox.NamedNode(JOURNAL_GRAPH + "#committing")
_MOVE = ox.NamedNode(JOURNAL_GRAPH + "#move")
_TARGET = ox.NamedNode(JOURNAL_GRAPH + "#target")
_DROP = ox.NamedNode(JOURNAL_GRAPH + "#drop")
N_TRIPLES = "application/n-triples"


class RemoteStoreError(OSError):
    """The engine could not be reached or refused a request; an OSError like the embedded store's I/O errors,
    so the CLI and the /sparql router treat both alike."""


@dataclass(frozen=True)
class Dialect:
    """What one engine needs beyond standard SPARQL 1.1 and the protocols. Nothing here changes a question's
    meaning: it hides the engine's own graphs and reads its answers in the standard way."""

    name: str
    # Graphs the engine keeps for itself; hidden from GRAPH ?g (each such pattern gets a FILTER), the graph
    # list, counts and exports. (Virtuoso's own DEFINE input:*-graph-exclude pragmas are no help: with them,
    # GRAPH <iri> { … } counts wrong, and several exclusions overflow its cost model.)
    system_graphs: tuple[str, ...] = ()
    # Virtuoso 7.2 evaluates STR() of a non-ASCII constant (VALUES or BIND) to a string that equals nothing
    # stored, so STR(?bound) is written as the literal it is equal to (exact: STR of a term is its lexical form).
    inline_str_of_bound: bool = False
    # Virtuoso answers computed booleans (BIND(false AS ?v), BIND(?a = ?b AS ?v), EXISTS) as 0/1 integers, and a
    # GROUP_CONCAT over only unbound values as "" where pyoxigraph leaves it unbound; both are put right in the
    # answer, because rewriting the query does not help (a typed "false" stays 0; COALESCE/IF around
    # GROUP_CONCAT crash its compiler).
    fix_answers: bool = False
    # Virtuoso 7.2 turns a non-ASCII GROUP_CONCAT separator (、) into "?": it is sent as U+001F and put back.
    ascii_separators: bool = False
    # Virtuoso answers ASK as a one-row solution set (1 / no row) in both JSON and XML.
    ask_as_solutions: bool = False
    # Virtuoso's Graph Store Protocol takes graph-uri=, the standard says graph=.
    gsp_graph_param: str = "graph"


STANDARD = Dialect("standard")
VIRTUOSO = Dialect(
    "virtuoso",
    system_graphs=("http://www.openlinksw.com/schemas/virtrdf#", "http://www.w3.org/ns/ldp#",
                   "http://localuriqaserver/sparql", "http://www.w3.org/2002/07/owl#",
                   "http://www.openlinksw.com/schemas/RDF_Mapper_Ontology/1.0/"),
    inline_str_of_bound=True, fix_answers=True, ascii_separators=True, ask_as_solutions=True, gsp_graph_param="graph-uri")
DIALECTS = {d.name: d for d in (STANDARD, VIRTUOSO)}


@dataclass(frozen=True)
class RemoteConfig:
    """Where the engine is and how to talk to it. Credentials come from the environment (or the caller),
    never from the URL, so they do not end up in logs or process listings."""

    query_url: str
    update_url: str | None = None  # default: query_url
    gsp_url: str | None = None  # Graph Store Protocol endpoint; when set, loads PUT whole graphs
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    auth: AuthScheme = "basic"
    dialect: str = "auto"  # auto | standard | virtuoso (auto: Virtuoso when its Server header says so)
    timeout_s: float = 30.0  # per HTTP request; bounds how long a /sparql worker thread can be held
    chunk_triples: int = 1000  # triples per INSERT DATA request of a load (Virtuoso's parser gives up near 5000)

    def __post_init__(self) -> None:
        for url in (self.query_url, self.update_url, self.gsp_url):
            if url is None:
                continue
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"not an http(s) SPARQL endpoint URL: {url!r}")
            if parts.username or parts.password:
                raise ValueError(f"put credentials in ${ENV_USER} / ${ENV_PASSWORD}, not in the URL {parts.hostname}")
        if self.auth not in ("basic", "digest"):
            raise ValueError(f"unknown auth scheme {self.auth!r}: use basic or digest")
        if self.dialect != "auto" and self.dialect not in DIALECTS:
            raise ValueError(f"unknown dialect {self.dialect!r}: use auto, {', '.join(DIALECTS)}")
        if self.password and not self.user:
            raise ValueError("a store password without a user")
        if self.timeout_s <= 0 or self.chunk_triples < 1:
            raise ValueError("timeout_s and chunk_triples must be positive")

    @classmethod
    def from_env(cls, query_url: str, environ: Mapping[str, str] | None = None) -> RemoteConfig:
        env = os.environ if environ is None else environ
        return cls(query_url=query_url, update_url=env.get(ENV_UPDATE_URL) or None,
                   gsp_url=env.get(ENV_GSP_URL) or None, user=env.get(ENV_USER) or None,
                   password=env.get(ENV_PASSWORD) or None,
                   auth=env.get(ENV_AUTH, "basic").lower(),  # type: ignore[arg-type]
                   dialect=env.get(ENV_DIALECT, "auto").lower(),
                   timeout_s=float(env.get(ENV_TIMEOUT) or 30.0))


def is_remote(store: object) -> bool:
    return isinstance(store, str) and store.startswith(("http://", "https://"))


def remote_store(store: str | os.PathLike[str] | None) -> RemoteStore | None:
    """The hook of ``graph.store.open_store``: a RemoteStore when --store (else $DUTYGRAPH_STORE) is a URL."""
    target = os.fspath(store) if store else os.environ.get("DUTYGRAPH_STORE", "")
    return RemoteStore(RemoteConfig.from_env(target)) if is_remote(target) else None


# ---------------------------------------------------------------------------------------------------------
# Binding values: VALUES rows spliced into the query's groups.

_TOKEN = re.compile(r'''
    (?P<comment>\#[^\n]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|'\'\'(?:[^'\\]|\\.|'(?!''))*'\'\'|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
  | (?P<open>\{) | (?P<close>\})
  | (?P<word>[A-Za-z_][A-Za-z0-9_-]*)
  | (?P<space>\s+)
  | (?P<other>.)
''', re.VERBOSE | re.DOTALL)


@dataclass
class _Group:
    start: int  # text offset just after '{'
    depth: int
    vars: set[str] = field(default_factory=set)
    first_word: str | None = None
    end: int = -1


def _groups(query: str) -> list[_Group]:
    """The group graph patterns of a query in text order, skipping CONSTRUCT templates and VALUES blocks."""
    groups: list[_Group] = []
    stack: list[_Group | None] = []  # None: a template or data block, not a group
    form: str | None = None
    previous: str | None = None  # previous significant word (upper case) or token kind
    values_pending = False
    for match in _TOKEN.finditer(query):
        kind, text = match.lastgroup, match.group()
        if kind in ("space", "comment"):
            continue
        if kind == "word":
            word = text.upper()
            if form is None and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                form = word
            if word == "VALUES":
                values_pending = True
            if stack and stack[-1] is not None and stack[-1].first_word is None:
                stack[-1].first_word = word
            previous = word
            continue
        if stack and stack[-1] is not None and stack[-1].first_word is None:
            stack[-1].first_word = kind
        if kind == "var":
            for open_group in stack:
                if open_group is not None:
                    open_group.vars.add(text[1:])
        elif kind == "open":
            if values_pending or (form == "CONSTRUCT" and not stack and previous == "CONSTRUCT"):
                values_pending = False
                stack.append(None)
            else:
                group = _Group(start=match.end(), depth=sum(1 for g in stack if g is not None))
                groups.append(group)
                stack.append(group)
        elif kind == "close" and stack:
            closed = stack.pop()
            if closed is not None:
                closed.end = match.start()
        previous = kind
    return groups


def _term_text(term: object) -> str:
    if isinstance(term, ox.NamedNode | ox.Literal):
        return str(term)  # N-Triples: IRIs validated by pyoxigraph, literals escaped (quotes, newlines …)
    raise ValueError(f"a remote store can only bind IRIs and literals, not {type(term).__name__} {term}")


_STR_OF_VAR = re.compile(r"\bSTR\s*\(\s*[?$]([A-Za-z0-9_\u00B7-\uFFFF]+)\s*\)", re.IGNORECASE)


def inline_str(query: str, substitutions: Mapping[ox.Variable, Term]) -> str:
    """STR(?v) of a bound ?v written as the simple literal it evaluates to (outside strings, IRIs, comments)."""
    lexical = {var.value: str(ox.Literal(term.value)) for var, term in substitutions.items()}
    text, pieces, position = query, [], 0
    for match in _TOKEN.finditer(text):
        if match.lastgroup in ("string", "iri", "comment") or match.start() < position:
            continue
        if match.lastgroup == "word" and match.group().upper() == "STR":
            call = _STR_OF_VAR.match(text, match.start())
            if call and call.group(1) in lexical:
                pieces.append(text[position:match.start()] + lexical[call.group(1)])
                position = call.end()
    return "".join(pieces) + text[position:]


def bind_values(query: str, substitutions: Mapping[ox.Variable, Term], inline_str_of_bound: bool = False) -> str:
    """The query with each substituted variable bound by a one-row VALUES block at the start of the outermost
    WHERE group and of each nested group mentioning it (not before a sub-SELECT, whose inner WHERE gets it)."""
    if not substitutions:
        return query
    bound = {var.value: _term_text(term) for var, term in substitutions.items()}
    if inline_str_of_bound:
        query = inline_str(query, substitutions)
    groups = _groups(query)
    if not groups:
        raise ValueError("cannot bind values in a query without a WHERE group")
    inserts: list[tuple[int, str]] = []
    for group in groups:
        names = sorted(bound) if group is groups[0] else sorted(n for n in bound if n in group.vars)
        if not names or group.first_word == "SELECT":
            continue
        row = " ".join(bound[n] for n in names)
        inserts.append((group.start, f" VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }} "))
    out = query
    for offset, text in sorted(inserts, reverse=True):
        out = out[:offset] + text + out[offset:]
    return out


def _tokens(query: str) -> list[re.Match[str]]:
    return [m for m in _TOKEN.finditer(query) if m.lastgroup not in ("space", "comment")]


def _closing(tokens: list[re.Match[str]], index: int, opening: str, closing: str) -> int:
    """Index of the token closing the bracket opened at tokens[index]."""
    depth = 0
    for at in range(index, len(tokens)):
        text = tokens[at].group()
        depth += (text == opening) - (text == closing)
        if depth == 0:
            return at
    raise ValueError(f"unbalanced {opening}{closing} in the query")


def hide_graphs(query: str, hidden: Sequence[str]) -> str:
    """Each GRAPH ?g { … } becomes { GRAPH ?g { … } FILTER(?g NOT IN (hidden)) }: the engine's own graphs
    stay out of GRAPH ?g, whatever else the query does."""
    tokens = _tokens(query)
    edits: list[tuple[int, str]] = []
    for at, token in enumerate(tokens[:-2]):
        if token.lastgroup == "word" and token.group().upper() == "GRAPH" and tokens[at + 1].lastgroup == "var" \
                and tokens[at + 2].lastgroup == "open":
            end = tokens[_closing(tokens, at + 2, "{", "}")]
            iris = ", ".join(f"<{g}>" for g in hidden)
            edits += [(token.start(), "{ "), (end.end(), f" FILTER({tokens[at + 1].group()} NOT IN ({iris})) }}")]
    for offset, text in sorted(edits, key=lambda e: e[0], reverse=True):
        query = query[:offset] + text + query[offset:]
    return query


_COMPARISON = {"=", "!", "<", ">", "&", "|"}


def _answer_kinds(query: str) -> tuple[set[str], set[str]]:
    """(variables a BIND gives a boolean — a true/false constant, EXISTS, a comparison or logical operator at the
    top of the expression —, variables projected as GROUP_CONCAT(…))."""
    tokens = _tokens(query)
    booleans: set[str] = set()
    concats: set[str] = set()
    for at, token in enumerate(tokens):
        word = token.group().upper() if token.lastgroup == "word" else None
        if word in ("BIND", "GROUP_CONCAT") or (token.group() == "(" and at + 1 < len(tokens)
                                                 and tokens[at + 1].group().upper() == "GROUP_CONCAT"):
            first = at + 1 if word == "BIND" else at
            if first >= len(tokens) or tokens[first].group() != "(":
                continue
            close = _closing(tokens, first, "(", ")")
            inner = tokens[first + 1:close]
            if len(inner) < 3 or inner[-2].group().upper() != "AS" or inner[-1].lastgroup != "var":
                continue
            name, expression = inner[-1].group()[1:], inner[:-2]
            if word == "BIND":
                depth, top = 0, []
                for t in expression:
                    depth += (t.group() == "(") - (t.group() == ")")
                    if depth == 0:
                        top.append(t.group())
                if (top and top[0] in ("true", "false", "EXISTS", "NOT")) or (_COMPARISON & set(top)) \
                        or "IN" in (t.upper() for t in top):
                    booleans.add(name)
            else:
                concats.add(name)
    return booleans, concats


_BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
_EMPTY_STRING = ox.Literal("")


_PLACEHOLDER = "\u001f"
_SEPARATOR = re.compile(r'SEPARATOR\s*=\s*("(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\')', re.IGNORECASE)


def ascii_separators(query: str) -> tuple[str, dict[str, str]]:
    """Non-ASCII GROUP_CONCAT separators replaced by U+001F; returns the query and {variable: separator}."""
    found: dict[str, str] = {}
    tokens = _tokens(query)
    edits: list[tuple[int, int, str]] = []
    for at, token in enumerate(tokens):
        if not (token.lastgroup == "word" and token.group().upper() == "GROUP_CONCAT"):
            continue
        close = _closing(tokens, at + 1, "(", ")")
        after = tokens[close + 1:close + 3]
        call = _SEPARATOR.search(query, token.start(), tokens[close].end())
        if not call or call.group(1)[1:-1].isascii() or len(after) < 2 or after[0].group().upper() != "AS":
            continue
        found[after[1].group()[1:]] = _unescape(call.group(1)[1:-1])
        edits.append((call.start(1), call.end(1), '"\\u001f"'))
    for start, end, text in sorted(edits, reverse=True):
        query = query[:start] + text + query[end:]
    return query, found


def _unescape(body: str) -> str:
    return str(json.loads('"' + body.replace("\\'", "'") + '"')) if "\\" in body else body


def fix_answer(answer: ox.QuerySolutions, query: str, separators: Mapping[str, str] | None = None) -> ox.QuerySolutions:
    """Virtuoso's 0/1 booleans, empty GROUP_CONCATs and ASCII-fied separators, as pyoxigraph has them."""
    separators = separators or {}
    booleans, concats = _answer_kinds(query)
    names = [v.value for v in answer.variables]
    booleans &= set(names)
    concats &= set(names)
    if not booleans and not concats:
        return answer
    rows = []
    for row in answer:
        values = {n: row[n] for n in names}
        for n in booleans:
            term = values[n]
            if isinstance(term, ox.Literal) and term.value in ("0", "1") and term.datatype.value.endswith("#integer"):
                values[n] = ox.Literal("true" if term.value == "1" else "false", datatype=_BOOLEAN)
        for n in concats:
            if values[n] == _EMPTY_STRING:
                values[n] = None
            elif n in separators and isinstance(values[n], ox.Literal):
                values[n] = ox.Literal(values[n].value.replace(_PLACEHOLDER, separators[n]))
        rows.append(values)
    return _solutions(names, rows)


def _solutions(names: list[str], rows: list[dict[str, Any]]) -> ox.QuerySolutions:
    """Rows → a genuine QuerySolutions, through the SPARQL JSON results format."""
    def term(value: Any) -> dict[str, str]:
        if isinstance(value, ox.NamedNode):
            return {"type": "uri", "value": value.value}
        if isinstance(value, ox.BlankNode):
            return {"type": "bnode", "value": value.value}
        out = {"type": "literal", "value": value.value}
        if value.language:
            out["xml:lang"] = value.language
        elif value.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = value.datatype.value
        return out
    document = {"head": {"vars": names},
                "results": {"bindings": [{n: term(v) for n, v in row.items() if v is not None} for row in rows]}}
    parsed = ox.parse_query_results(json.dumps(document).encode(), ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions)
    return parsed


# ---------------------------------------------------------------------------------------------------------
# Bulk loads: payloads written in requests of about chunk_triples triples, into staging graphs.

def _ntriples(triples: Iterable[tuple[Term, ox.NamedNode, Term]]) -> str:
    return "\n".join(f"{s} {p} {o} ." for s, p, o in triples)


def _batches(payloads: Iterable[GraphPayload], size: int) -> Iterator[list[tuple[str, list[Any]]]]:
    """INSERT DATA bodies as [(graph, triples)] of about `size` triples, several small graphs in one request.
    A graph with blank nodes goes whole into one request: a blank node must not span two."""
    batch: list[tuple[str, list[Any]]] = []
    room = size
    for payload in payloads:
        triples = payload.triples
        if any(isinstance(t[0], ox.BlankNode) or isinstance(t[2], ox.BlankNode) for t in triples):
            if batch:
                yield batch
                batch, room = [], size
            yield [(payload.graph, triples)]
            continue
        while triples:
            piece, triples = triples[:room], triples[room:]
            batch.append((payload.graph, piece))
            room -= len(piece)
            if room == 0:
                yield batch
                batch, room = [], size
    if batch:
        yield batch


# ---------------------------------------------------------------------------------------------------------

_EMPTY = ox.Store()  # parses (and so validates) queries exactly as the embedded store would


def _boolean(value: bool) -> ox.QueryBoolean:
    """A genuine QueryBoolean, made in the caller's thread."""
    parsed = ox.parse_query_results(b'{"head":{},"boolean":%s}' % (b"true" if value else b"false"),
                                    ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QueryBoolean)
    return parsed


class RemoteStore:
    """The subset of ``pyoxigraph.Store`` dutygraph uses, answered by a remote SPARQL 1.1 engine. It holds no
    state besides an HTTP connection pool, so any number of service processes can share one engine."""

    def __init__(self, config: RemoteConfig | str) -> None:
        self.config = RemoteConfig(config) if isinstance(config, str) else config
        self._dialect: Dialect | None = DIALECTS.get(self.config.dialect)
        self._lock = threading.Lock()
        self._client: httpx.Client | None = None
        self._pid = -1

    def __repr__(self) -> str:
        return f"RemoteStore({self.config.query_url!r})"

    # -- HTTP -------------------------------------------------------------------------------------------
    @property
    def client(self) -> httpx.Client:
        """One pooled client per process (a forked /sparql worker must not share the parent's sockets)."""
        with self._lock:
            if self._client is None or self._pid != os.getpid():
                auth: httpx.Auth | None = None
                if self.config.user:
                    password = self.config.password or ""
                    auth = (httpx.DigestAuth(self.config.user, password) if self.config.auth == "digest"
                            else httpx.BasicAuth(self.config.user, password))
                self._client = httpx.Client(auth=auth, timeout=self.config.timeout_s, follow_redirects=False)
                self._pid = os.getpid()
            return self._client

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    def _send(self, method: str, url: str, **request: Any) -> httpx.Response:
        """One request whose whole answer must arrive within timeout_s: httpx's own timeout is per read, so an
        engine trickling bytes could otherwise hold a worker (or a test run) for as long as it likes."""
        deadline = time.monotonic() + self.config.timeout_s
        response = self.client.send(self.client.build_request(method, url, **request), stream=True)
        try:
            chunks: list[bytes] = []
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout(f"the answer took longer than {self.config.timeout_s:g} s",
                                            request=response.request)
        finally:
            response.close()
        headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in ("content-encoding", "content-length")]
        return httpx.Response(response.status_code, headers=headers, content=b"".join(chunks), request=response.request)

    def _post(self, url: str, data: dict[str, Any] | None = None, accept: str = XML_RESULTS,
              content: bytes | None = None, content_type: str | None = None, method: str = "POST",
              params: dict[str, Any] | None = None) -> httpx.Response:
        headers = {"Accept": accept}
        if content_type:
            headers["Content-Type"] = content_type
        try:
            response = self._send(method, url, data=data, content=content, params=params, headers=headers)
        except httpx.TimeoutException as error:
            raise RemoteStoreError(f"the SPARQL engine at {url} did not answer within "
                                   f"{self.config.timeout_s:g} s") from error
        except httpx.HTTPError as error:
            raise RemoteStoreError(f"cannot reach the SPARQL engine at {url}: {error}") from error
        if self._dialect is None:
            server = response.headers.get("server", "")
            self._dialect = VIRTUOSO if "virtuoso" in server.lower() else STANDARD
        if response.status_code >= 400:
            message = response.text.strip()[:500]
            if response.status_code == 400:
                raise SyntaxError(f"the SPARQL engine refused the request: {message}")
            raise RemoteStoreError(f"the SPARQL engine at {url} answered {response.status_code}: {message}")
        if response.headers.get("x-sql-state"):  # Virtuoso's "anytime" answer: partial results
            raise RemoteStoreError(f"the SPARQL engine returned a partial answer ({response.headers['x-sql-state']})")
        return response

    @property
    def dialect(self) -> Dialect:
        if self._dialect is None:
            self._post(self.config.query_url, {"query": "ASK {}"})
        assert self._dialect is not None
        return self._dialect

    # -- queries ----------------------------------------------------------------------------------------
    def query(self, query: str, *, base_iri: str | None = None, prefixes: dict[str, str] | None = None,
              use_default_graph_as_union: bool = False,
              default_graph: Term | ox.DefaultGraph | Sequence[Term | ox.DefaultGraph] | None = None,
              named_graphs: Sequence[Term] | None = None,
              substitutions: Mapping[ox.Variable, Term] | None = None,
              custom_functions: Any = None) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Like ``pyoxigraph.Store.query``. The union default graph is the engine's (configure it so, see
        docs/DEPLOY.md); ``default_graph``/``named_graphs`` become the protocol's dataset parameters."""
        if custom_functions:
            raise NotImplementedError("custom functions run inside pyoxigraph only")
        header = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in (prefixes or {}).items())
        text = (f"BASE <{base_iri}>\n" if base_iri else "") + header + query
        form = _form(text, substitutions)  # raises pyoxigraph's own SyntaxError
        if substitutions:
            text = bind_values(text, substitutions, self.dialect.inline_str_of_bound)
            _form(text, None)  # the rewritten text must still be one valid query
        dialect = self.dialect
        separators: dict[str, str] = {}
        if dialect.ascii_separators:
            text, separators = ascii_separators(text)
        if dialect.system_graphs:
            text = hide_graphs(text, dialect.system_graphs)
        params: dict[str, Any] = {"query": text}
        if default_graph is not None or named_graphs is not None:
            params["default-graph-uri"] = _graph_iris(default_graph)
            params["named-graph-uri"] = _graph_iris(named_graphs)
        if form is ox.QueryTriples:
            body = self._post(self.config.query_url, params, accept=N_TRIPLES).content
            return _as_query_triples(body)
        answer = ox.parse_query_results(self._post(self.config.query_url, params).content,
                                        ox.QueryResultsFormat.XML)
        if form is ox.QueryBoolean and isinstance(answer, ox.QuerySolutions):
            return _boolean(any(_truthy(row[0]) for row in answer))
        if dialect.fix_answers and isinstance(answer, ox.QuerySolutions):
            return fix_answer(answer, text, separators)
        return answer

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert isinstance(rows, ox.QuerySolutions)
        hidden = set(self.dialect.system_graphs)
        return iter(sorted((r[0] for r in rows if isinstance(r[0], ox.NamedNode) and r[0].value not in hidden),
                           key=lambda g: g.value))

    def contains_named_graph(self, graph: ox.NamedNode) -> bool:
        return any(g == graph for g in self.named_graphs())

    def __len__(self) -> int:
        rows = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert isinstance(rows, ox.QuerySolutions)
        return sum(int(r[0].value) for r in rows if r[0] is not None)

    def quads_for_pattern(self, subject: Term | None, predicate: ox.NamedNode | None, obj: Term | None,
                          graph_name: Term | ox.DefaultGraph | None = None) -> Iterator[ox.Quad]:
        """Quads of the named graphs matching the pattern (None matches anything)."""
        if isinstance(graph_name, ox.DefaultGraph):
            return iter(())
        subs = {ox.Variable(n): t for n, t in (("s", subject), ("p", predicate), ("o", obj), ("g", graph_name))
                if t is not None}
        rows = self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", substitutions=subs)
        assert isinstance(rows, ox.QuerySolutions)
        return iter([ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows])

    def __iter__(self) -> Iterator[ox.Quad]:
        return self.quads_for_pattern(None, None, None)

    def dump(self, output: Any = None, format: ox.RdfFormat | None = None, *,  # noqa: A002 - pyoxigraph's name
             from_graph: Term | None = None, prefixes: dict[str, str] | None = None) -> bytes | None:
        """Serialize the named graphs (or one graph's triples) like ``Store.dump``."""
        if from_graph is not None:
            data: Iterable[Any] = [q.triple for q in self.quads_for_pattern(None, None, None, from_graph)]
        else:
            data = list(self)
        return ox.serialize(data, output, format or ox.RdfFormat.N_QUADS, prefixes=prefixes or None)

    # -- updates ----------------------------------------------------------------------------------------
    def update(self, update: str, *, base_iri: str | None = None) -> None:
        """Send a SPARQL update as it is (the /sparql router's updates, dismissals)."""
        text = (f"BASE <{base_iri}>\n" if base_iri else "") + update
        self._post(self.update_url, {"update": text})

    @property
    def update_url(self) -> str:
        return self.config.update_url or self.config.query_url

    def flush(self) -> None:
        """Nothing to flush: the engine commits each request."""

    def optimize(self) -> None:
        """The engine manages its own storage."""

    # -- the Backend interface (graph/backend.py) ---------------------------------------------------------
    capabilities = REMOTE_CAPABILITIES

    @property
    def raw(self) -> RemoteStore:
        return self

    def select(self, text: str, bindings: Mapping[str, Term], graphs: list[str] | None = None) -> ox.QuerySolutions:
        answer = self.query(text, substitutions={ox.Variable(n): t for n, t in bindings.items()} or None,
                            **_dataset(graphs))
        assert isinstance(answer, ox.QuerySolutions)
        return answer

    def construct(self, text: str, graphs: list[str] | None = None) -> ox.QueryTriples:
        answer = self.query(text, **_dataset(graphs))
        assert isinstance(answer, ox.QueryTriples)
        return answer

    def ask(self, text: str, bindings: Mapping[str, Term]) -> bool:
        answer = self.query(text, use_default_graph_as_union=True,
                            substitutions={ox.Variable(n): t for n, t in bindings.items()} or None)
        assert isinstance(answer, ox.QueryBoolean)
        return bool(answer)

    def graph_names(self) -> list[str]:
        return [g.value for g in self.named_graphs() if not is_bookkeeping(g.value)]

    def drop_graphs(self, graphs: list[str]) -> None:
        if graphs:
            self.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))

    def replace_graphs(self, payloads: list[GraphPayload]) -> int:
        """Always through bulk_replace's staging graphs, so that a small load is all or nothing too."""
        return self.bulk_replace(list(dict.fromkeys(p.graph for p in payloads)), payloads) if payloads else 0

    def bulk_replace(self, graphs: list[str], payloads: Iterable[GraphPayload]) -> int:
        """Like the embedded bulk_replace: (1) a journal entry naming every graph this load may write is
        written; (2) graphs that do not exist yet are written in place, existing ones into staging graphs, in
        INSERT DATA requests of about chunk_triples triples (or one Graph Store Protocol POST per payload);
        (3) ONE update moves the staging graphs over their targets, drops the targets of empty payloads and
        deletes the journal entry. A failure before (3) drops what the entry names; a crash leaves it to the
        next open_store or load once the entry's lease (LEASE_S) has run out. (3) is as atomic as the engine
        makes one update request (docs/DEPLOY.md)."""
        self.recover_stale()
        existing = set(self.graph_names())
        token = uuid.uuid4().hex
        stage = {g: (f"{STAGING_PREFIX}{token}/{i}" if g in existing else g) for i, g in enumerate(graphs)}
        journal = f"{JOURNAL_GRAPH}/{token}"
        entry = "\n".join(f"<{journal}> {STAGED} <{g}> ." for g in stage.values())
        self.update(f"INSERT DATA {{ GRAPH <{JOURNAL_GRAPH}> {{\n{entry}\n<{journal}> {_RENEWED} {_now()} .\n}} }}")
        written: set[str] = set()
        emptied: set[str] = set()
        count = 0
        renewed = time.monotonic()

        def staged() -> Iterator[GraphPayload]:
            nonlocal count, renewed
            for payload in payloads:
                if payload.graph not in stage:
                    raise ValueError(f"bulk_replace: graph <{payload.graph}> was not journalled")
                (written if payload.triples else emptied).add(payload.graph)
                count += len(payload.triples)
                if time.monotonic() - renewed > LEASE_S / 4:
                    self._renew(journal)
                    renewed = time.monotonic()
                yield GraphPayload(stage[payload.graph], payload.triples)

        committing = False
        try:
            self._write(staged())
            moves = [(stage[g], g) for g in sorted(written) if stage[g] != g]
            drops = [g for g in sorted(emptied - written) if g in existing]
            self._mark_committing(journal, moves, drops)
            committing = True
            self._complete(journal)
        except BaseException:
            try:
                if committing:
                    self._complete(journal)  # past the commit point: finish the switch (roll forward)
                else:
                    self._roll_back({journal: list(stage.values())})
            except (RemoteStoreError, SyntaxError):
                pass  # the engine is gone: the entry's lease runs out and the next open finishes the job
            raise
        return count

    def _mark_committing(self, journal: str, moves: list[tuple[str, str]], drops: list[str]) -> None:
        """The commit point: the switch is written into the journal entry (and its lease renewed), so that a
        switch that fails half-way is finished by _complete rather than rolled back — Virtuoso does not undo
        the earlier operations of an update request when a later one fails (docs/DEPLOY.md)."""
        plan = [f"<{journal}> {_MOVE} <{s}> . <{s}> {_TARGET} <{g}> ." for s, g in moves]
        plan += [f"<{journal}> {_DROP} <{g}> ." for g in drops]
        self.update(f"DELETE WHERE {{ GRAPH <{JOURNAL_GRAPH}> {{ <{journal}> {_RENEWED} ?t }} }} ;\n"
                    f"INSERT DATA {{ GRAPH <{JOURNAL_GRAPH}> {{ <{journal}> {_COMMITTING} true . "
                    f"<{journal}> {_RENEWED} {_now()} .\n" + "\n".join(plan) + "\n} }")

    def _complete(self, journal: str) -> None:
        """The switch, ONE update: each staging graph that still exists moved over its target (a MOVE SILENT
        from a missing graph would drop the target on Virtuoso), the emptied targets dropped, the entry deleted."""
        rows = self.query(f"SELECT ?s ?g ?d WHERE {{ GRAPH <{JOURNAL_GRAPH}> {{ "
                          f"{{ <{journal}> {_MOVE} ?s . ?s {_TARGET} ?g }} UNION {{ <{journal}> {_DROP} ?d }} }} }}")
        assert isinstance(rows, ox.QuerySolutions)
        present = {g.value for g in self.named_graphs()}
        moves, drops = [], []
        for row in rows:
            if row["d"] is not None:
                drops.append(row["d"].value)
            elif row["s"].value in present:
                moves.append((row["s"].value, row["g"].value))
        steps = [f"MOVE SILENT GRAPH <{s}> TO <{g}>" for s, g in sorted(moves)]
        self.update(" ;\n".join(steps + [f"DROP SILENT GRAPH <{g}>" for g in sorted(drops)] + [_forget(journal)]))

    def _write(self, payloads: Iterable[GraphPayload]) -> None:
        if self.config.gsp_url:
            key = self.dialect.gsp_graph_param
            for payload in payloads:
                if payload.triples:
                    self._post(self.config.gsp_url, method="POST", params={key: payload.graph},
                               content=_ntriples(payload.triples).encode("utf-8"), content_type=N_TRIPLES, accept="*/*")
            return
        for batch in _batches(payloads, self.config.chunk_triples):
            body = "\n".join(f"GRAPH <{graph}> {{\n{_ntriples(triples)}\n}}" for graph, triples in batch)
            self.update(f"INSERT DATA {{\n{body}\n}}")

    def _renew(self, journal: str) -> None:
        self.update(f"DELETE WHERE {{ GRAPH <{JOURNAL_GRAPH}> {{ <{journal}> {_RENEWED} ?t }} }} ;\n"
                    f"INSERT DATA {{ GRAPH <{JOURNAL_GRAPH}> {{ <{journal}> {_RENEWED} {_now()} }} }}")

    def _roll_back(self, journals: Mapping[str, list[str]]) -> None:
        """Drop every graph the journal entries name, then the entries: one update."""
        steps = [f"DROP SILENT GRAPH <{g}>" for graphs in journals.values() for g in graphs]
        self.update(" ;\n".join(steps + [_forget(j) for j in journals]))

    def journals(self) -> dict[str, tuple[list[str], float]]:
        """The bulk loads under way or interrupted: journal entry → (graphs it may write, last renewal)."""
        rows = self.query(f"SELECT ?j ?g ?t WHERE {{ GRAPH <{JOURNAL_GRAPH}> {{ ?j {STAGED} ?g "
                          f"OPTIONAL {{ ?j {_RENEWED} ?t }} }} }}")
        assert isinstance(rows, ox.QuerySolutions)
        found: dict[str, tuple[list[str], float]] = {}
        for row in rows:
            graphs, renewed = found.get(row["j"].value, ([], 0.0))
            graphs.append(row["g"].value)
            found[row["j"].value] = (graphs, max(renewed, float(row["t"].value) if row["t"] is not None else 0.0))
        return found

    def recover_stale(self, lease_s: float = LEASE_S) -> None:
        """Finish or roll back the bulk loads whose loader stopped renewing its journal entry `lease_s` ago:
        past the commit point the switch is finished, before it what the entry names is dropped."""
        now = time.time()
        stale = {j: graphs for j, (graphs, renewed) in self.journals().items() if now - renewed > lease_s}
        if not stale:
            return
        rows = self.query(f"SELECT ?j WHERE {{ GRAPH <{JOURNAL_GRAPH}> {{ ?j {_COMMITTING} true }} }}")
        assert isinstance(rows, ox.QuerySolutions)
        committed = {r["j"].value for r in rows} & set(stale)
        for journal in sorted(committed):
            self._complete(journal)
        if set(stale) - committed:
            self._roll_back({j: g for j, g in stale.items() if j not in committed})

    def recover(self) -> None:
        """Roll back every bulk load in the journal, live or not: for when no load can be running."""
        self.recover_stale(lease_s=-1.0)

    def with_timeout(self, timeout_s: float) -> RemoteStore:
        return with_timeout(self, timeout_s)


def _dataset(graphs: list[str] | None) -> dict[str, Any]:
    if graphs is None:
        return {"use_default_graph_as_union": True}
    return {"default_graph": [ox.NamedNode(g) for g in graphs]}


def _now() -> str:
    return str(ox.Literal(f"{time.time():.3f}", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")))


def _forget(journal: str) -> str:
    """The update steps that delete a journal entry (its switch plan included)."""
    return (f"DELETE WHERE {{ GRAPH <{JOURNAL_GRAPH}> {{ <{journal}> {_MOVE} ?s . ?s {_TARGET} ?g }} }} ;\n"
            f"DELETE WHERE {{ GRAPH <{JOURNAL_GRAPH}> {{ <{journal}> ?p ?o }} }}")


def _form(text: str, substitutions: Mapping[ox.Variable, Term] | None) -> type:
    """The query's result type, from pyoxigraph's own parse; the (unsendable) result object is dropped here,
    in the thread that made it."""
    result = _EMPTY.query(text, substitutions=dict(substitutions or {}))
    form = type(result)
    del result
    return form


def _graph_iris(graphs: object) -> list[str]:
    if graphs is None:
        return []
    items = graphs if isinstance(graphs, list | tuple) else [graphs]
    out = []
    for g in items:
        if isinstance(g, ox.DefaultGraph):
            raise ValueError("a remote engine's default graph cannot be named in a dataset")
        if not isinstance(g, ox.NamedNode):
            raise ValueError(f"a dataset graph must be an IRI, not {g}")
        out.append(g.value)
    return out


def _truthy(term: object) -> bool:
    return isinstance(term, ox.Literal) and term.value not in ("0", "false", "")


def _as_query_triples(n_triples: bytes) -> ox.QueryTriples:
    """N-Triples → a genuine pyoxigraph QueryTriples (serialize(), iteration), through an in-memory store."""
    scratch = ox.Store()
    scratch.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                        for t in ox.parse(n_triples, format=ox.RdfFormat.N_TRIPLES))
    result = scratch.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert isinstance(result, ox.QueryTriples)
    return result


def with_timeout(store: RemoteStore, timeout_s: float) -> RemoteStore:
    """The same engine with another HTTP time limit (e.g. the service's --timeout)."""
    return RemoteStore(replace(store.config, timeout_s=timeout_s))
