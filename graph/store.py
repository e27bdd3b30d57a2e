"""The embedded SPARQL store (pyoxigraph on RocksDB): where it lives, opening it, atomic plan loads."""
from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox

from . import namespaces as ns

ENV_VAR = "DUTYGRAPH_STORE"
# Above this many triples a replacement goes through the bulk loader (see bulk_replace) instead of one
# SPARQL INSERT DATA, whose text and parsed form would take gigabytes at 150,000 duties.
BULK_THRESHOLD = 200_000
JOURNAL_GRAPH = ns.GRAPH + "journal"
STAGING_PREFIX = ns.GRAPH + "staging/"
_STAGED = ox.NamedNode(JOURNAL_GRAPH + "#staged")


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


def open_store(store: str | os.PathLike[str] | None = None) -> ox.Store:
    """Open (creating if needed) the persistent store. Only one process may hold it open."""
    if str(store or os.environ.get(ENV_VAR, "")).startswith(("http://", "https://")):  # a remote SPARQL engine
        from .remote import remote_store

        return remote_store(store)  # type: ignore[return-value]
    path = resolve_store_path(store)
    path.mkdir(parents=True, exist_ok=True)
    store = ox.Store(str(path))
    recover(store)
    return store


@dataclass(frozen=True)
class GraphPayload:
    """All the quads of one named graph; loading a payload replaces that graph entirely."""

    graph: str
    triples: list[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]]


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


def replace_graphs(store: ox.Store, payloads: list[GraphPayload]) -> int:
    """Replace every payload's named graph in ONE SPARQL update, i.e. one RocksDB transaction:
    either all graphs are replaced or the store is unchanged (also after a crash). Large payloads go
    through bulk_replace, which keeps the same all-or-nothing outcome by a journal instead."""
    if not payloads:
        return 0
    total = sum(len(p.triples) for p in payloads)
    if total > BULK_THRESHOLD:
        return bulk_replace(store, [p.graph for p in payloads], payloads)
    store.update(_insert_data(payloads))
    store.flush()
    return total


def bulk_replace(store: ox.Store, graphs: list[str], payloads: Iterable[GraphPayload]) -> int:
    """Replace named graphs by `payloads`, streamed (one graph in memory at a time) through pyoxigraph's bulk
    loader, which writes sorted files straight into RocksDB but is not one transaction. The outcome is still
    all or nothing, after a crash too: (1) a journal naming every graph that may be written is committed;
    (2) graphs that do not exist yet are written in place, existing ones into staging graphs; (3) ONE update,
    the commit, moves the staging graphs over their targets, drops the targets of empty payloads and deletes
    the journal. Before the commit, an exception or the next open_store (recover) drops what the journal
    names, which leaves exactly the store before. `graphs` must name every payload's graph; a graph without
    a payload is left alone. New graphs go in place because a transactional copy costs ~100× the bulk
    write (docs/RELIABILITY.md §2): replacing an existing graph is what pays for the MOVE."""
    recover(store)
    existing = set(named_graphs(store))
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
        recover(store)
        raise
    return count


def _commit(store: ox.Store, moves: list[tuple[str, str]], drops: list[str]) -> None:
    """The switch of bulk_replace: one update, so one RocksDB transaction, whose last step deletes the journal."""
    steps = [f"MOVE SILENT GRAPH <{s}> TO <{g}>" for s, g in moves] + [f"DROP SILENT GRAPH <{g}>" for g in drops]
    store.update(" ;\n".join(steps + [f"DROP SILENT GRAPH <{JOURNAL_GRAPH}>"]))
    store.flush()


def recover(store: ox.Store) -> None:
    """Undo an interrupted bulk_replace: drop every graph its journal names (the staging graphs and the
    graphs that did not exist before it), then the journal."""
    journal = ox.NamedNode(JOURNAL_GRAPH)
    pending = [q.object.value for q in store.quads_for_pattern(None, _STAGED, None, journal)]
    if pending:
        store.update(" ;\n".join([f"DROP SILENT GRAPH <{g}>" for g in pending] + [f"DROP SILENT GRAPH <{JOURNAL_GRAPH}>"]))
        store.flush()


def drop_graphs(store: ox.Store, graphs: list[str]) -> None:
    if graphs:
        store.update(" ; ".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))
        store.flush()


def named_graphs(store: ox.Store) -> list[str]:
    """The store's named graphs without the bookkeeping of a bulk load in progress (journal, staging graphs)."""
    return sorted(g.value for g in store.named_graphs()
                  if isinstance(g, ox.NamedNode) and g.value != JOURNAL_GRAPH and not g.value.startswith(STAGING_PREFIX))
