"""The seam between dutygraph and the place its graph lives: the few things the library asks of a store, and
what a store can promise (Capabilities). Two implementations: graph/store.py (EmbeddedStore, pyoxigraph on
RocksDB) and graph/remote.py (RemoteStore, a SPARQL 1.1 engine over HTTP). Code that needs to know which one
it has asks for a capability, never for a class or a URL prefix."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import pyoxigraph as ox

from . import namespaces as ns

Subject = ox.NamedNode | ox.BlankNode
Object = ox.NamedNode | ox.BlankNode | ox.Literal
Term = ox.NamedNode | ox.BlankNode | ox.Literal

# A bulk load's bookkeeping, the same on every backend: the journal graph lists (journal/<token> #staged <g>)
# every graph a load may write before it writes any; staging graphs hold replacements until the switch.
JOURNAL_GRAPH = ns.GRAPH + "journal"
STAGING_PREFIX = ns.GRAPH + "staging/"
STAGED = ox.NamedNode(JOURNAL_GRAPH + "#staged")


def is_bookkeeping(graph: str) -> bool:
    return graph == JOURNAL_GRAPH or graph.startswith(STAGING_PREFIX)


@dataclass(frozen=True)
class GraphPayload:
    """All the quads of one named graph; loading a payload replaces that graph entirely."""

    graph: str
    triples: list[tuple[Subject, ox.NamedNode, Object]]


@dataclass(frozen=True)
class Capabilities:
    """What a store promises; each flag names the decision it settles."""

    # bulk_replace commits in one transaction of the store itself (remote: one update request, atomic only as
    # far as the engine makes a request atomic — docs/DEPLOY.md).
    transactional_bulk: bool
    # No writer but this process: answers may be cached until this process writes.
    keeps_answers: bool
    # A query may run in a forked worker process (the engine lives in this process's memory).
    supports_fork: bool
    # Narrowing the dataset to one plan's graphs (default_graph) and one-IRI lookups make a question cheaper;
    # on a remote engine the round trips dominate and the engine plans its own scans, so the union is read.
    scoped_queries: bool
    # Several processes may open it at once (serve --workers N).
    shared: bool


@runtime_checkable
class Backend(Protocol):
    """The store interface: read with bound values, replace and drop named graphs, bulk-replace from a stream,
    list the named graphs, recover an interrupted bulk load. `raw` is the object the SPARQL router passes
    queries and updates to unchanged (a pyoxigraph Store, or RemoteStore which answers the same calls)."""

    capabilities: Capabilities

    @property
    def raw(self) -> Any: ...

    def select(self, text: str, bindings: Mapping[str, Term], graphs: list[str] | None = None) -> ox.QuerySolutions:
        """SELECT over the union of the named graphs (or over `graphs` as the default graph), values bound."""

    def construct(self, text: str, graphs: list[str] | None = None) -> ox.QueryTriples: ...

    def ask(self, text: str, bindings: Mapping[str, Term]) -> bool: ...

    def replace_graphs(self, payloads: list[GraphPayload]) -> int:
        """Replace every payload's graph, all or nothing; the number of triples written."""

    def drop_graphs(self, graphs: list[str]) -> None: ...

    def bulk_replace(self, graphs: list[str], payloads: Iterable[GraphPayload]) -> int:
        """Replace `graphs` by a stream of payloads (one graph's triples in memory at a time), journalled so
        that a crash before the final switch is rolled back by recover()."""

    def graph_names(self) -> list[str]:
        """The named graphs without a bulk load's bookkeeping (journal, staging graphs)."""

    def recover(self) -> None: ...

    def with_timeout(self, timeout_s: float) -> Any:
        """The raw store with another per-request time limit (the embedded store has none: itself)."""


def backend_of(store: Any) -> Backend:
    """The Backend for whatever callers hold: a pyoxigraph Store (wrapped), or a Backend already."""
    if isinstance(store, ox.Store):
        from .store import EmbeddedStore

        return EmbeddedStore(store)
    if isinstance(store, Backend):
        return store
    raise TypeError(f"not a dutygraph store: {store!r}")


def capabilities(store: Any) -> Capabilities:
    return backend_of(store).capabilities

