"""The SPARQL 1.1 Protocol endpoint (``/sparql``) over the embedded pyoxigraph store, as a FastAPI router.

Before anything is parsed, `service/query_guard.py` checks the text: nesting, clause and operator counts
(pyoxigraph's recursive parser and planner overflow their stack and kill the process on deep or long-chained
queries), SERVICE targets and LOAD sources (the endpoint must not call other servers or read local files).

Time and memory limits — pyoxigraph 0.5 exposes no cancellation, and a Python thread cannot be killed:

* ``isolation="process"`` (the default, POSIX): queries run in a pool of pre-forked worker processes, each a
  copy-on-write snapshot of the store (`service/query_pool.py`). A worker is SIGKILLed at the deadline and
  forked again; its address space is capped at its size plus ``memory_limit_mb``, so a runaway allocation
  kills the worker (503 "memory limit"), never the server. Writes go through a `StoreFence`, which forks
  hold too, and retire the stale snapshots.
* ``isolation="thread"``: each query runs in a daemon thread and the deadline is checked between rows, so a
  query that streams rows is really stopped; one stuck inside a single pyoxigraph call is abandoned and keeps
  a core, its memory and its slot until that call returns. The client still gets 503 at ``timeout_s``.
* ``isolation="fork"``: one fork per query, SIGKILLed at the deadline (no memory cap, a fork per query).
* Forking a threaded server can catch a lock held by another thread in the child, which then hangs until it
  is killed (a rare spurious 503; see `service/query_pool.py`). With a remote store every mode runs threads.
* Updates are never time-limited: they are authorised, transactional, and answering 503 while the
  update might still commit would be a lie.
"""
from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from dutygraph.graph.backend import capabilities
from dutygraph.service import deps
from dutygraph.service import sparql_formats as sf
from dutygraph.service.answer_cache import AnswerCache
from dutygraph.service.query_guard import _TOKEN as _GUARD_TOKEN  # the guard's lexer: its token positions
from dutygraph.service.query_guard import QueryLimits, QueryRefused, check_query, check_update
from dutygraph.service.query_pool import PoolBusy, QueryPool, StoreFence, WorkerCrashed, WorkerOutOfMemory, WorkerTimeout, run_forked
from dutygraph.service.settings import Settings, check_isolation, check_load_allowlist, check_query_limits, check_write_token, isolation_for
from dutygraph.service.writes import WritePath

log = logging.getLogger(__name__)
_GRACE_S = 0.2
# Results kept until the next write: only answers up to this size, and never of a query whose answer
# changes without a write (NOW(), RAND(), UUID(), STRUUID(), BNODE(), SERVICE).
KEEP_BYTES = 8 << 20
_VOLATILE = re.compile(r"\b(?:NOW|RAND|UUID|STRUUID|BNODE)\s*\(|\bSERVICE\b", re.IGNORECASE)


def _default(name: str) -> Any:
    """A knob's one default, written in service/settings.py."""
    return Settings.model_fields[name].default


@dataclass(frozen=True)
class SparqlSettings:
    """The endpoint's view of the service settings (`Settings.sparql()`); its defaults are those of
    service/settings.py, and so are its rules: unsafe combinations (an update endpoint without a token) fail
    at start-up. Built on its own only by tests and by callers mounting the router alone."""

    timeout_s: float = _default("timeout_s")  # per-query time limit
    max_rows: int = _default("max_rows")  # SELECT rows (and CONSTRUCT triples) beyond this are cut off
    allow_update: bool = _default("allow_update")
    update_token: str | None = field(default=_default("token"), repr=False)  # bearer token required for updates
    union_default_graph: bool = True  # plans live in named graphs, so the default graph is their union
    max_concurrent_queries: int = _default("max_concurrent_queries")  # query slots (and worker processes)
    isolation: Literal["process", "thread", "fork"] = isolation_for(_default("query_isolation"), remote=False)
    memory_limit_mb: int = _default("query_memory_mb")  # per query, with isolation="process"
    limits: QueryLimits = QueryLimits()  # checked on the text of queries and updates before parsing
    service_allowlist: tuple[str, ...] = _default("service_allowlist")  # SERVICE only to these exact IRIs
    load_allowlist: tuple[str, ...] = _default("load_allowlist")  # LOAD only from IRIs starting with one of these; never file:

    def __post_init__(self) -> None:
        check_query_limits(self.timeout_s, self.max_rows, self.max_concurrent_queries, self.memory_limit_mb)
        check_write_token("allow_update needs an update_token", self.allow_update, self.update_token)
        if self.isolation == "auto":
            raise ValueError("isolation='auto' is resolved by Settings.sparql(); use 'process', 'thread' or 'fork'")
        check_isolation(self.isolation)
        check_load_allowlist(self.load_allowlist)


@dataclass(frozen=True)
class QueryRequest:
    """A protocol query request; the dataset IRIs are the repeatable protocol parameters."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    accept: str | None = None
    format: str | None = None
    base_iri: str | None = None  # the service-defined base: the endpoint's own IRI


@dataclass(frozen=True)
class Outcome:
    """What to answer: plain data, so it crosses the pipe from a forked child."""

    status: int
    body: bytes = b""
    content_type: str = "application/json"
    truncated: bool = False

    @staticmethod
    def error(status: int, message: str) -> Outcome:
        return Outcome(status, json.dumps({"detail": message}, ensure_ascii=False).encode())


class _TimeLimit(Exception):
    pass


def _time_limit(settings: SparqlSettings) -> Outcome:
    return Outcome.error(503, f"query exceeded the time limit of {settings.timeout_s:g} s")


# Only to word the 400 for an update sent as query=; nothing is decided by it.
_UPDATE_WORDS = re.compile(r"\b(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE)


def _dataset_arguments(request: QueryRequest, settings: SparqlSettings) -> dict[str, object]:
    """Protocol dataset parameters override the query's FROM; without either, the union default graph."""
    if request.default_graphs or request.named_graphs:
        return {"default_graph": [ox.NamedNode(g) for g in request.default_graphs],
                "named_graphs": [ox.NamedNode(g) for g in request.named_graphs]}
    if settings.union_default_graph and not sf.declares_dataset(request.query):
        return {"use_default_graph_as_union": True}
    return {}


def _check(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise _TimeLimit


def evaluate(store: ox.Store, request: QueryRequest, settings: SparqlSettings, deadline: float) -> Outcome:
    """Run one query and serialize its answer, checking the deadline between rows."""
    try:
        dataset = _dataset_arguments(request, settings)
    except ValueError as error:
        return Outcome.error(400, f"invalid graph IRI: {error}")
    try:
        result = store.query(request.query, base_iri=request.base_iri, **dataset)  # type: ignore[arg-type]
        _check(deadline)
        if isinstance(result, ox.QueryBoolean):
            fmt = sf.negotiate(request.accept, request.format, sf.RESULT_FORMATS)
            return Outcome(200, sf.serialize_boolean(result, fmt), fmt.content_type)
        if isinstance(result, ox.QuerySolutions):
            fmt = sf.negotiate(request.accept, request.format, sf.RESULT_FORMATS)
            variables = [v.value for v in result.variables]
            rows: list[ox.QuerySolution] = []
            for row in result:
                _check(deadline)
                if len(rows) == settings.max_rows:
                    return Outcome(200, sf.serialize_solutions(variables, rows, fmt), fmt.content_type, True)
                rows.append(row)
            return Outcome(200, sf.serialize_solutions(variables, rows, fmt), fmt.content_type)
        fmt = sf.negotiate(request.accept, request.format, sf.GRAPH_FORMATS)
        triples: list[ox.Triple] = []
        for triple in result:
            _check(deadline)
            if len(triples) == settings.max_rows:
                return Outcome(200, sf.serialize_triples(triples, fmt), fmt.content_type, True)
            triples.append(triple)
        return Outcome(200, sf.serialize_triples(triples, fmt), fmt.content_type)
    except SyntaxError as error:
        hint = " (updates must be POSTed as update=)" if _UPDATE_WORDS.search(request.query) else ""
        return Outcome.error(400, f"malformed query: {error}{hint}")
    except sf.NotAcceptable as error:
        return Outcome.error(406, str(error))
    except _TimeLimit:
        return _time_limit(settings)
    except OSError as error:
        log.warning("store error during query: %s", error)
        return Outcome.error(500, "the store could not answer the query")


class QueryRunner:
    """Runs queries off the event loop in daemon threads, at most ``max_concurrent_queries`` at once, each
    evaluated as ``settings.isolation`` says, and answers every request by its deadline (see the module doc)."""

    def __init__(self, settings: SparqlSettings, fence: StoreFence | None = None) -> None:
        self.settings = settings
        self.slots = threading.BoundedSemaphore(settings.max_concurrent_queries)
        self.fence = fence or StoreFence()
        self.pool: QueryPool | None = None
        self._pool_lock = threading.Lock()
        self._generation: int | None = None

    def close(self) -> None:
        """At shutdown: the pool holds the store it forks from, and RocksDB's lock goes with the last reference."""
        with self._pool_lock:
            pool, self.pool = self.pool, None
        if pool is not None:
            pool.close()

    def follow(self, generation: int) -> None:
        """A new cache generation means a write committed: the workers' snapshots are stale. This covers
        writers that do not go through the fence yet (they still risk a fork in the middle of the write)."""
        with self._pool_lock:
            stale = self._generation is not None and generation > self._generation
            self._generation = max(generation, self._generation or 0)
        if stale and self.pool is not None:
            self.pool.refresh()

    def _busy(self) -> Outcome:
        return Outcome.error(503, f"server busy: all {self.settings.max_concurrent_queries} query slots stayed "
                                  f"in use for the time limit of {self.settings.timeout_s:g} s")

    def _pool(self, store: ox.Store) -> QueryPool:
        """The worker pool, made at the first query (the store is known then; tests make many routers)."""
        with self._pool_lock:
            if self.pool is None:
                settings = self.settings
                self.pool = QueryPool(lambda job: evaluate(store, job[0], settings, job[1]),
                                      lambda: store.query("ASK { ?s ?p ?o }"), settings.max_concurrent_queries,
                                      settings.memory_limit_mb, self.fence)
            return self.pool

    def evaluate(self, store: ox.Store, request: QueryRequest, deadline: float) -> Outcome:
        """One query, in this thread or in a worker process; a killed worker becomes a 503 or a 500."""
        isolation = self.settings.isolation
        if isolation == "thread" or not capabilities(store).supports_fork:
            return evaluate(store, request, self.settings, deadline)
        try:
            if isolation == "fork":
                return run_forked(lambda: evaluate(store, request, self.settings, deadline), deadline)
            outcome: Outcome = self._pool(store).run((request, deadline), deadline)
            return outcome
        except WorkerTimeout:
            return _time_limit(self.settings)
        except WorkerOutOfMemory:
            return Outcome.error(503, f"query exceeded the memory limit of {self.settings.memory_limit_mb} MiB")
        except PoolBusy:
            return self._busy()
        except WorkerCrashed as error:
            log.error("query worker failed: %s", error)
            return Outcome.error(500, "the query worker failed while answering the query")

    async def run(self, store: ox.Store, request: QueryRequest, generation: int | None = None) -> Outcome:
        deadline = time.monotonic() + self.settings.timeout_s
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Outcome] = loop.create_future()
        started = threading.Event()

        def deliver(outcome: Outcome) -> None:
            def settle() -> None:
                if not future.done():
                    future.set_result(outcome)
            with contextlib.suppress(RuntimeError):  # the loop is gone: nobody is waiting any more
                loop.call_soon_threadsafe(settle)

        def work() -> None:
            if not self.slots.acquire(timeout=max(0.0, deadline - time.monotonic())):
                deliver(self._busy())
                return
            started.set()
            try:
                if generation is not None:
                    self.follow(generation)
                outcome = self.evaluate(store, request, deadline)
            except Exception:
                log.exception("unexpected error while answering a SPARQL query")
                outcome = Outcome.error(500, "internal error while answering the query")
            finally:
                self.slots.release()
            deliver(outcome)
            if self.pool is not None:  # fork the workers the next queries need, now that this one is answered
                self.pool.replenish()

        threading.Thread(target=work, name="dutygraph-sparql-query", daemon=True).start()
        try:
            return await asyncio.wait_for(future, deadline - time.monotonic() + _GRACE_S)
        except TimeoutError:
            return _time_limit(self.settings) if started.is_set() else self._busy()


class DatasetConflict(ValueError):
    """using-graph-uri / using-named-graph-uri together with USING or WITH in the update (Protocol 2.2.3)."""


def with_protocol_dataset(update: str, using: Sequence[str], using_named: Sequence[str]) -> str:
    """The update with the protocol dataset written as USING / USING NAMED before each top-level WHERE, since
    pyoxigraph's ``Store.update`` takes no dataset. Clauses go in between the guard lexer's tokens; the IRIs
    are checked and written by ``ox.NamedNode`` (a ValueError if invalid). ``DELETE WHERE {P}``, which admits
    no USING, becomes its long form ``DELETE {P} USING … WHERE {P}`` (SPARQL 1.1 Update 3.1.3.3)."""
    if not using and not using_named:
        return update
    clauses = " ".join([f"USING {ox.NamedNode(g)}" for g in using] + [f"USING NAMED {ox.NamedNode(g)}" for g in using_named])
    tokens = [m for m in _GUARD_TOKEN.finditer(update) if m.lastgroup not in ("space", "comment", "other")]
    depths, depth = [], 0
    for token in tokens:
        closing = token.lastgroup == "punct" and token.group() in "})]"
        depth = max(0, depth - 1) if closing else depth
        depths.append(depth)
        depth += token.lastgroup == "punct" and token.group() in "{(["
    pieces, done = [], 0
    for i, token in enumerate(tokens):
        word = token.group().upper() if token.lastgroup == "word" and depths[i] == 0 else ""
        if word in ("USING", "WITH"):
            raise DatasetConflict(f"the update has {word} and the request using-graph-uri or using-named-graph-uri: "
                                  "give the dataset one way only")
        if word != "WHERE":
            continue
        insert = f"{clauses} "
        if i > 0 and tokens[i - 1].lastgroup == "word" and tokens[i - 1].group().upper() == "DELETE":
            end = next((j for j in range(i + 2, len(tokens)) if depths[j] == 0), None)
            if i + 1 >= len(tokens) or tokens[i + 1].group() != "{" or end is None:
                continue  # not a DELETE WHERE the parser will accept: let it say so
            insert = f"{update[tokens[i + 1].start():tokens[end].end()]} {clauses} "
        pieces += [update[done:token.start()], insert]
        done = token.start()
    return "".join(pieces) + update[done:]


def apply_update(store: ox.Store, update: str, base_iri: str | None = None) -> Outcome:
    """Run an (already authorised) update; pyoxigraph applies it as one transaction."""
    try:
        store.update(update, base_iri=base_iri)
        store.flush()
    except SyntaxError as error:
        return Outcome.error(400, f"malformed update: {error}")
    except OSError as error:
        log.warning("store error during update: %s", error)
        return Outcome.error(500, "the store could not apply the update")
    return Outcome(204)


def update_authorised(authorization: str | None, settings: SparqlSettings) -> bool:
    """Updates need allow_update and ``Authorization: Bearer <update_token>``, compared in constant time."""
    if not settings.allow_update or not settings.update_token or not authorization:
        return False
    scheme, _, token = authorization.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), settings.update_token.encode())


SD = "http://www.w3.org/ns/sparql-service-description#"
# The limits have no W3C term; they are said in the service's own namespace (docs/DEPLOY.md lists the terms).
LIMITS = "https://w3id.org/dutygraph/service#"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_XSD = "http://www.w3.org/2001/XMLSchema#"


def _limits(settings: SparqlSettings) -> list[tuple[str, ox.Literal]]:
    def integer(value: int) -> ox.Literal:
        return ox.Literal(str(value), datatype=ox.NamedNode(_XSD + "integer"))

    said = [("queryTimeoutSeconds", ox.Literal(f"{settings.timeout_s:g}", datatype=ox.NamedNode(_XSD + "decimal"))),
            ("maxResultRows", integer(settings.max_rows)), ("maxConcurrentQueries", integer(settings.max_concurrent_queries)),
            ("maxQueryLength", integer(settings.limits.max_length)), ("maxNestingDepth", integer(settings.limits.max_depth))]
    if settings.isolation == "process":
        said.append(("queryMemoryLimitMiB", integer(settings.memory_limit_mb)))
    return said


def service_description(endpoint: str, graphs: list[str], settings: SparqlSettings) -> list[ox.Triple]:
    """The SPARQL 1.1 Service Description of this endpoint and the store's named graphs: the languages,
    features and formats the endpoint really offers with these settings, and its limits."""
    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(SD + name)

    service, dataset, default_graph = ox.BlankNode(), ox.BlankNode(), ox.BlankNode()
    triples = [ox.Triple(service, _RDF_TYPE, sd("Service")),
               ox.Triple(service, sd("endpoint"), ox.NamedNode(endpoint)),
               ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
               ox.Triple(service, sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple"))]
    features = ["UnionDefaultGraph"] if settings.union_default_graph else []
    if settings.service_allowlist:
        features.append("BasicFederatedQuery")
    if settings.allow_update:
        triples.append(ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Update")))
        features.append("EmptyGraphs")  # CREATE GRAPH makes a graph that exists while empty
        if settings.load_allowlist:
            triples += [ox.Triple(service, sd("inputFormat"), ox.NamedNode(f.iri)) for f in sf.GRAPH_FORMATS]
    triples += [ox.Triple(service, sd("feature"), sd(name)) for name in features]
    for fmt in (*sf.RESULT_FORMATS, *sf.GRAPH_FORMATS):
        triples.append(ox.Triple(service, sd("resultFormat"), ox.NamedNode(fmt.iri)))
    triples += [ox.Triple(service, ox.NamedNode(LIMITS + name), value) for name, value in _limits(settings)]
    triples += [ox.Triple(service, sd("defaultDataset"), dataset),
                ox.Triple(dataset, _RDF_TYPE, sd("Dataset")),
                ox.Triple(dataset, sd("defaultGraph"), default_graph),
                ox.Triple(default_graph, _RDF_TYPE, sd("Graph"))]
    for graph in graphs:
        node = ox.BlankNode()
        triples += [ox.Triple(dataset, sd("namedGraph"), node),
                    ox.Triple(node, _RDF_TYPE, sd("NamedGraph")),
                    ox.Triple(node, sd("name"), ox.NamedNode(graph))]
    return triples


def _response(outcome: Outcome) -> Response:
    headers = {"Vary": "Accept"}
    if outcome.truncated:
        headers["X-Dutygraph-Truncated"] = "true"
    if outcome.status == 204:
        return Response(status_code=204, headers=headers)
    return Response(outcome.body, outcome.status, headers=headers, media_type=outcome.content_type)


def _error(status: int, message: str) -> Response:
    return JSONResponse({"detail": message}, status_code=status)


_POST_TYPES = ("application/x-www-form-urlencoded", "application/sparql-query", "application/sparql-update")


def _media_type(header: str) -> tuple[str, str | None]:
    """The media type of a Content-Type header, lower-cased, and its charset parameter if any."""
    media_type, *parameters = (part.strip() for part in header.split(";"))
    charset = next((value.strip('"').lower() for key, _, value in (p.partition("=") for p in parameters)
                    if key.strip().lower() == "charset"), None)
    return media_type.lower(), charset


def _base_iri(request: Request) -> str | None:
    """The service-defined base IRI (Protocol 2.2.3): the endpoint's IRI as the client addressed it."""
    endpoint = str(request.url.replace(query="", fragment=""))
    try:
        return ox.NamedNode(endpoint).value
    except ValueError:
        return None


def _single(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise ValueError(f"give {name}= at most once")
    return values[0] if values else None


def _refusal(query: str | None, update: str | None, settings: SparqlSettings) -> str | None:
    """Why the text must not reach the engine (service/query_guard.py), or None."""
    try:
        if query is not None:
            check_query(query, settings.limits, settings.service_allowlist)
        if update is not None:
            check_update(update, settings.limits, settings.service_allowlist, settings.load_allowlist)
    except QueryRefused as error:
        return str(error)
    return None


router = APIRouter(tags=["sparql"])
Config = Annotated[SparqlSettings, Depends(deps.sparql_settings)]
Runner = Annotated[QueryRunner, Depends(deps.query_runner)]


@dataclass(frozen=True)
class _Endpoint:
    """What one /sparql request works with, injected (service/deps.py): nothing here outlives the request."""

    store: Any
    settings: SparqlSettings
    results: AnswerCache
    writes: WritePath
    runner: QueryRunner


def _endpoint(db: deps.Store, settings: Config, results: deps.Answers, writes: deps.Writes, runner: Runner) -> _Endpoint:
    return _Endpoint(db, settings, results, writes, runner)


Endpoint = Annotated[_Endpoint, Depends(_endpoint)]


async def _answer(request: Request, params: dict[str, list[str]], at: _Endpoint) -> Response:
    """Successful query results are kept in the answer cache until the next write (service/answer_cache.py);
    updates go through the service's one write path (service/writes.py), as document loads do."""
    settings = at.settings
    try:
        query, update = _single(params.get("query", []), "query"), _single(params.get("update", []), "update")
        fmt = _single(params.get("format", []), "format")
    except ValueError as error:
        return _error(400, str(error))
    if query is not None and update is not None:
        return _error(400, "give either query= or update=, not both")
    if query is None and update is None and request.method == "POST":
        return _error(400, "a POST needs query= or update= (the service description is a GET without query=)")
    refusal = _refusal(query, update, settings)
    if refusal:
        return _error(400, refusal)
    if update is not None:
        return await _run_update(request, update, params, at)
    accept = request.headers.get("accept")
    if query is None:
        return await _describe_service(request, accept, fmt, at)
    if not sf.acceptable_at_all(accept, fmt):
        return _error(406, "no acceptable format: queries answer in "
                           + ", ".join(f.media_type for f in (*sf.RESULT_FORMATS, *sf.GRAPH_FORMATS)))
    query_request = QueryRequest(query, tuple(params.get("default-graph-uri", [])),
                                 tuple(params.get("named-graph-uri", [])), accept, fmt, _base_iri(request))
    found, outcome, generation = at.results.lookup(("sparql", query_request))
    if not found:
        outcome = await at.runner.run(at.store, query_request, generation)
        if outcome.status == 200 and len(outcome.body) <= KEEP_BYTES and not _VOLATILE.search(query):
            at.results.keep(("sparql", query_request), outcome, generation)
    return _response(outcome)


async def _run_update(request: Request, update: str, params: dict[str, list[str]], at: _Endpoint) -> Response:
    if request.method != "POST":
        return _error(400, "updates must be sent with POST")
    if not update_authorised(request.headers.get("authorization"), at.settings):
        return _error(403, "updates are disabled or the bearer token is missing or wrong")
    try:
        update = with_protocol_dataset(update, params.get("using-graph-uri", []), params.get("using-named-graph-uri", []))
    except DatasetConflict as error:
        return _error(400, str(error))
    except ValueError as error:
        return _error(400, f"invalid graph IRI: {error}")
    refusal = _refusal(None, update, at.settings)  # again: the dataset clauses may copy a DELETE WHERE pattern
    if refusal:
        return _error(400, refusal)
    return _response(await at.writes.run(apply_update, at.store, update, _base_iri(request)))


async def _describe_service(request: Request, accept: str | None, fmt_param: str | None, at: _Endpoint) -> Response:
    try:
        fmt = sf.negotiate(accept, fmt_param, sf.GRAPH_FORMATS)
    except sf.NotAcceptable as error:
        return _error(406, str(error))
    store = at.store
    graphs = await asyncio.to_thread(
        lambda: sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)))
    endpoint = _base_iri(request) or "urn:dutygraph:sparql"
    body = sf.serialize_triples(service_description(endpoint, graphs, at.settings), fmt,
                                {"sd": SD, "formats": "http://www.w3.org/ns/formats/", "limits": LIMITS})
    return Response(body, headers={"Vary": "Accept"}, media_type=fmt.content_type)


@router.get("/sparql", summary="SPARQL 1.1 query (GET), or the service description")
async def sparql_get(request: Request, at: Endpoint) -> Response:
    """SPARQL 1.1 Protocol query via ``?query=``; without a query, the SPARQL Service Description."""
    return await _answer(request, {key: request.query_params.getlist(key) for key in request.query_params}, at)


@router.post("/sparql", summary="SPARQL 1.1 query or update (POST)")
async def sparql_post(request: Request, at: Endpoint) -> Response:
    """Query or update by form (``query=`` / ``update=``) or as a direct
    ``application/sparql-query`` / ``application/sparql-update`` body."""
    content_type, charset = _media_type(request.headers.get("content-type", ""))
    if content_type not in _POST_TYPES:
        return _error(415, "POST a form (application/x-www-form-urlencoded), application/sparql-query or "
                           "application/sparql-update; this request's body is " + (content_type or "untyped"))
    if charset not in (None, "utf-8", "utf8"):
        return _error(415, f"the body must be UTF-8, not {charset}")
    params = {key: request.query_params.getlist(key) for key in request.query_params}
    try:
        body = (await request.body()).decode("utf-8")
        form = parse_qs(body, keep_blank_values=True, errors="strict") if content_type == _POST_TYPES[0] else {}
    except UnicodeDecodeError:
        return _error(400, "the request body is not valid UTF-8")
    if content_type == _POST_TYPES[0]:
        for key, values in form.items():  # a form's fields join those of the URL (a repeated query= is a 400)
            params[key] = params.get(key, []) + values
    else:
        params.pop("query", None), params.pop("update", None)
        params["query" if content_type.endswith("query") else "update"] = [body]
    return await _answer(request, params, at)
