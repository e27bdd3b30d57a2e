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
        return bulk_replace(store, [p.graph for p in payloads],
                            ((s, p, o, payload.graph) for payload in payloads for s, p, o in payload.triples))
    store.update(_insert_data(payloads))
    store.flush()
    return total


Quad = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal, str]


def bulk_replace(store: ox.Store, graphs: list[str], quads: Iterable[Quad]) -> int:
    """Replace the named graphs `graphs` with `quads` (streamed: never all in memory) through pyoxigraph's
    bulk loader, which writes sorted files straight into RocksDB but is not one transaction. The outcome is
    still all or nothing: (1) a journal naming every graph about to be written is committed; (2) graphs
    that do not exist yet are written in place, existing ones into fresh staging graphs; (3) one update
    moves the staging graphs over their targets and deletes the journal. An exception rolls back at once;
    after a crash, the next open_store (or load) drops what the journal names. The trade-off: a replaced
    graph is copied once more inside the final transaction (cheap for a few plans, heavy when re-loading
    millions of triples over themselves), and a crashed bulk load leaves files that the rollback deletes."""
    recover(store)
    existing = set(named_graphs(store))
    token = uuid.uuid4().hex
    stage = {g: (f"{ns.GRAPH}staging/{token}/{i}" if g in existing else g) for i, g in enumerate(graphs)}
    journal = ox.NamedNode(f"{JOURNAL_GRAPH}/{token}")
    store.extend([ox.Quad(journal, _STAGED, ox.NamedNode(g), ox.NamedNode(JOURNAL_GRAPH)) for g in stage.values()])
    store.flush()
    count = 0

    def staged() -> Iterator[ox.Quad]:
        nonlocal count
        names = {g: ox.NamedNode(s) for g, s in stage.items()}
        for s, p, o, g in quads:
            count += 1
            yield ox.Quad(s, p, o, names[g])

    try:
        store.bulk_extend(staged())
        moves = [f"MOVE SILENT GRAPH <{s}> TO <{g}>" for g, s in stage.items() if s != g]
        store.update(" ;\n".join(moves + [f"DROP SILENT GRAPH <{JOURNAL_GRAPH}>"]))
    except BaseException:
        recover(store)
        raise
    store.flush()
    return count


def recover(store: ox.Store) -> None:
    """Undo an interrupted bulk_replace: drop every graph its journal names, then the journal."""
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
    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g.value != JOURNAL_GRAPH)
