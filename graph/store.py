"""The embedded SPARQL store (pyoxigraph on RocksDB): where it lives, opening it, atomic plan loads."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

ENV_VAR = "DUTYGRAPH_STORE"


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
    path = resolve_store_path(store)
    path.mkdir(parents=True, exist_ok=True)
    return ox.Store(str(path))


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
    either all graphs are replaced or the store is unchanged (also after a crash)."""
    if not payloads:
        return 0
    store.update(_insert_data(payloads))
    store.flush()
    return sum(len(p.triples) for p in payloads)


def drop_graphs(store: ox.Store, graphs: list[str]) -> None:
    if graphs:
        store.update(" ; ".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))
        store.flush()


def named_graphs(store: ox.Store) -> list[str]:
    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
