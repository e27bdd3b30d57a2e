"""The embedded SPARQL store (pyoxigraph on RocksDB): where it lives, opening it, atomic plan loads; and the
module-level functions (replace_graphs, bulk_replace, named_graphs …) every caller uses on either backend."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox

from .backend import JOURNAL_GRAPH, STAGED, STAGING_PREFIX, Backend, Capabilities, GraphPayload, Term, backend_of, is_bookkeeping
from .remote import REMOTE_CAPABILITIES, RemoteStore, RemoteStoreError, bind_values, is_remote, remote_store

ENV_VAR = "DUTYGRAPH_STORE"
# Above this many triples a replacement goes through the bulk loader (see bulk_replace) instead of one
# SPARQL INSERT DATA, whose text and parsed form would take gigabytes at 150,000 duties.
BULK_THRESHOLD = 200_000
_STAGED = STAGED
EMBEDDED_CAPABILITIES = Capabilities(transactional_bulk=True, keeps_answers=True, supports_fork=True,
                                     scoped_queries=True, shared=False)


def default_store_path() -> Path:
    """--store wins, then $DUTYGRAPH_STORE, then the user's data directory (XDG)."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "dutygraph" / "store"


def resolve_store_path(store: str | os.PathLike[str] | None) -> Path:
    if store:
        return Path(store)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    return default_store_path()


def open_store(store: str | os.PathLike[str] | None = None) -> ox.Store | RemoteStore:
    """Open (creating if needed) the store: a remote engine when --store (else $DUTYGRAPH_STORE) is an http(s)
    URL, else the embedded folder, which only one process may hold open. Either way an interrupted bulk load
    is rolled back first (remotely: one whose loader stopped renewing its journal, see RemoteStore.recover)."""
    remote = remote_store(store)
    if remote is not None:
        try:
            remote.recover_stale()
        except RemoteStoreError:
            pass  # not reachable yet, or a read-only account: opening stays lazy, and every load recovers first
        return remote
    path = resolve_store_path(store)
    path.mkdir(parents=True, exist_ok=True)
    db = ox.Store(str(path))
    recover(db)
    return db


def store_location(store: str | os.PathLike[str] | None) -> str:
    """Where --store (else $DUTYGRAPH_STORE, else the default folder) points, as a person should see it: the
    absolute folder, or the engine's URL without any credentials."""
    target = os.fspath(store) if store else os.environ.get(ENV_VAR, "")
    if is_remote(target):
        parts = urlsplit(target)
        return urlunsplit(parts._replace(netloc=(parts.hostname or "") + (f":{parts.port}" if parts.port else "")))
    return str(resolve_store_path(store).resolve())


def target_capabilities(store: str | os.PathLike[str] | None) -> Capabilities:
    """The capabilities of the store --store names, without opening it (e.g. may serve run several workers)."""
    target = os.fspath(store) if store else os.environ.get(ENV_VAR, "")
    return REMOTE_CAPABILITIES if is_remote(target) else EMBEDDED_CAPABILITIES


def _insert_data(payloads: Iterable[GraphPayload]) -> str:
    parts: list[str] = []
    for payload in payloads:
        parts.append(f"DROP SILENT GRAPH <{payload.graph}> ;")
    inserts: list[str] = []
    for payload in payloads:
        body = "\n".join(f"{s} {p} {o} ." for s, p, o in payload.triples)
        inserts.append(f"GRAPH <{payload.graph}> {{\n{body}\n}}")
    parts.append("INSERT DATA {\n" + "\n".join(inserts) + "\n}")
    return "\n".join(parts)


def _replace_graphs(store: ox.Store, payloads: list[GraphPayload]) -> int:
    """Replace every payload's named graph in ONE SPARQL update, i.e. one RocksDB transaction:
    either all graphs are replaced or the store is unchanged (also after a crash). Large payloads go
    through bulk_replace, which keeps the same all-or-nothing outcome by a journal instead."""
    if not payloads:
        return 0
    total = sum(len(p.triples) for p in payloads)
    if total > BULK_THRESHOLD:
        return _bulk_replace(store, [p.graph for p in payloads], payloads)
    store.update(_insert_data(payloads))
    store.flush()
    return total


def _bulk_replace(store: ox.Store, graphs: list[str], payloads: Iterable[GraphPayload]) -> int:
    """Replace named graphs by `payloads`, streamed (one graph in memory at a time) through pyoxigraph's bulk
    loader, which writes sorted files straight into RocksDB but is not one transaction. The outcome is still
    all or nothing, after a crash too: (1) a journal naming every graph that may be written is committed;
    (2) graphs that do not exist yet are written in place, existing ones into staging graphs; (3) ONE update,
    the commit, moves the staging graphs over their targets, drops the targets of empty payloads and deletes
    the journal. Before the commit, an exception or the next open_store (recover) drops what the journal
    names, which leaves exactly the store before. `graphs` must name every payload's graph; a graph without
    a payload is left alone. New graphs go in place because a transactional copy costs ~100× the bulk
    write (docs/RELIABILITY.md §2): replacing an existing graph is what pays for the MOVE."""
    _recover(store)
    existing = set(_named_graphs(store))
    token = uuid.uuid4().hex
    stage = {g: (f"{STAGING_PREFIX}{token}/{i}" if g in existing else g) for i, g in enumerate(graphs)}
    journal = ox.NamedNode(f"{JOURNAL_GRAPH}/{token}")
    store.extend([ox.Quad(journal, _STAGED, ox.NamedNode(g), ox.NamedNode(JOURNAL_GRAPH)) for g in stage.values()])
    store.flush()
    written: set[str] = set()
    emptied: set[str] = set()
    count = 0

    def staged() -> Iterator[ox.Quad]:
        nonlocal count
        for payload in payloads:
            if payload.graph not in stage:
                raise ValueError(f"bulk_replace: graph <{payload.graph}> was not journalled")
            (written if payload.triples else emptied).add(payload.graph)
            name = ox.NamedNode(stage[payload.graph])
            count += len(payload.triples)
            yield from (ox.Quad(s, p, o, name) for s, p, o in payload.triples)

    try:
        store.bulk_extend(staged())
        _commit(store, [(stage[g], g) for g in sorted(written) if stage[g] != g],
                sorted(g for g in emptied - written if g in existing))
    except BaseException:
        _recover(store)
        raise
    return count


def _commit(store: ox.Store, moves: list[tuple[str, str]], drops: list[str]) -> None:
    """The switch of bulk_replace: one update, so one RocksDB transaction, whose last step deletes the journal."""
    steps = [f"MOVE SILENT GRAPH <{s}> TO <{g}>" for s, g in moves] + [f"DROP SILENT GRAPH <{g}>" for g in drops]
    store.update(" ;\n".join(steps + [f"DROP SILENT GRAPH <{JOURNAL_GRAPH}>"]))
    store.flush()


def _recover(store: ox.Store) -> None:
    """Undo an interrupted bulk_replace: drop every graph its journal names (the staging graphs and the
    graphs that did not exist before it), then the journal."""
    journal = ox.NamedNode(JOURNAL_GRAPH)
    pending = [q.object.value for q in store.quads_for_pattern(None, _STAGED, None, journal) if isinstance(q.object, ox.NamedNode)]
    if pending:
        store.update(" ;\n".join([f"DROP SILENT GRAPH <{g}>" for g in pending] + [f"DROP SILENT GRAPH <{JOURNAL_GRAPH}>"]))
        store.flush()


def _drop_graphs(store: ox.Store, graphs: list[str]) -> None:
    if graphs:
        store.update(" ; ".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))
        store.flush()


def _named_graphs(store: ox.Store) -> list[str]:
    """The store's named graphs without the bookkeeping of a bulk load in progress (journal, staging graphs)."""
    return sorted(g.value for g in store.named_graphs()
                  if isinstance(g, ox.NamedNode) and not is_bookkeeping(g.value))


def hinted(text: str, substitutions: Mapping[ox.Variable, Any]) -> str:
    """`text` with each bound IRI or literal also written (by pyoxigraph's serializer) in a one-row VALUES
    block in the groups that use it; see EmbeddedStore.select."""
    values = {var: term for var, term in substitutions.items() if isinstance(term, ox.NamedNode | ox.Literal)}
    return bind_values(text, values) if values else text


class EmbeddedStore:
    """The Backend of a pyoxigraph Store (graph/backend.py); a cheap wrapper made per call by backend_of."""

    capabilities = EMBEDDED_CAPABILITIES

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    @property
    def raw(self) -> ox.Store:
        return self.store

    def select(self, text: str, bindings: Mapping[str, Term], graphs: list[str] | None = None) -> ox.QuerySolutions:
        """Values bound as pyoxigraph substitutions and, for IRIs and literals, also as a one-row VALUES block:
        pyoxigraph does not plan around substituted values (a unit's duties: 3.4 s scanning every assignment at
        500 plans, 0.07 s with VALUES). A blank node cannot be written in a query: it stays a substitution."""
        substitutions: dict[ox.Variable, Any] = {ox.Variable(name): term for name, term in bindings.items()}
        dataset: dict[str, Any] = ({"use_default_graph_as_union": True} if graphs is None
                                   else {"default_graph": [ox.NamedNode(g) for g in graphs]})
        answer = self.store.query(hinted(text, substitutions), substitutions=substitutions, **dataset)
        assert isinstance(answer, ox.QuerySolutions)
        return answer

    def construct(self, text: str, graphs: list[str] | None = None) -> ox.QueryTriples:
        answer = (self.store.query(text, use_default_graph_as_union=True) if graphs is None
                  else self.store.query(text, default_graph=[ox.NamedNode(g) for g in graphs]))
        assert isinstance(answer, ox.QueryTriples)
        return answer

    def ask(self, text: str, bindings: Mapping[str, Term]) -> bool:
        answer = self.store.query(text, use_default_graph_as_union=True,
                                  substitutions={ox.Variable(n): t for n, t in bindings.items()})
        assert isinstance(answer, ox.QueryBoolean)
        return bool(answer)

    def replace_graphs(self, payloads: list[GraphPayload]) -> int:
        return _replace_graphs(self.store, payloads)

    def drop_graphs(self, graphs: list[str]) -> None:
        _drop_graphs(self.store, graphs)

    def bulk_replace(self, graphs: list[str], payloads: Iterable[GraphPayload]) -> int:
        return _bulk_replace(self.store, graphs, payloads)

    def graph_names(self) -> list[str]:
        return _named_graphs(self.store)

    def recover(self) -> None:
        _recover(self.store)

    def with_timeout(self, timeout_s: float) -> ox.Store:
        return self.store


# The functions every caller uses, on a pyoxigraph Store, a RemoteStore or any Backend.

def replace_graphs(store: ox.Store | Backend, payloads: list[GraphPayload]) -> int:
    """Replace every payload's named graph, all or nothing: embedded, ONE SPARQL update (one RocksDB
    transaction) or, above BULK_THRESHOLD triples, bulk_replace; remotely always bulk_replace's staging."""
    return backend_of(store).replace_graphs(payloads) if payloads else 0


def bulk_replace(store: ox.Store | Backend, graphs: list[str], payloads: Iterable[GraphPayload]) -> int:
    return backend_of(store).bulk_replace(graphs, payloads)


def recover(store: ox.Store | Backend) -> None:
    backend_of(store).recover()


def drop_graphs(store: ox.Store | Backend, graphs: list[str]) -> None:
    if graphs:
        backend_of(store).drop_graphs(graphs)


def named_graphs(store: ox.Store | Backend) -> list[str]:
    return backend_of(store).graph_names()


def with_timeout(store: ox.Store | Backend, timeout_s: float) -> Any:
    """The same store with a per-request time limit where requests have one (a remote engine's HTTP)."""
    return backend_of(store).with_timeout(timeout_s)
