"""Large answers folded into cluster nodes until a view fits its node budget, and weak edges left out so
the ones drawn say something. A fold groups one kind of node by a key (duties by lead department,
facility types by top-level type, departments by function family …); folds run from fine to coarse, and
stop as soon as the view fits. Every cluster keeps its members, so the page can unfold it on a click."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace

from .looks import KIND_NAMES, short_label
from .model import EDGE_KINDS, Edge, Graph, Node

GroupKey = Callable[[Node], "tuple[str, str] | None"]      # node → (group id, group name), None = keep


@dataclass(frozen=True)
class Fold:
    kind: str              # the node kind it folds (clusters of that kind fold again)
    key: GroupKey
    label: str             # "{name}" and "{n}" are filled in: "{name}牵头 · {n}项"
    whole_groups: bool     # True: the biggest groups first, all of a group at once; False: least connected first
    narrow: Callable[[Node], dict[str, str]] | None = None   # the view parameters that open a big cluster


@dataclass
class Folded:
    graph: Graph
    members: dict[str, list[str]]           # cluster id → original node ids
    home: dict[str, str]                    # original node id → the id drawn for it
    originals: Graph
    narrow: dict[str, dict[str, str]]       # cluster id → the view parameters that show its members


def coarsen(graph: Graph, budget: int, folds: list[Fold]) -> Folded:
    """Apply the folds in order until at most `budget` nodes are left (roots are never folded); a last
    fold by kind makes sure of it."""
    strength = _strength(graph)
    home = {n: n for n in graph.nodes}
    members: dict[str, list[str]] = {}
    cluster_fold: dict[str, tuple[Fold, str]] = {}
    roots = set(graph.roots)

    def visible() -> list[str]:
        return list(dict.fromkeys(home.values()))

    def kind_of(v: str) -> str:
        return graph.nodes[members[v][0]].kind if v in members else graph.nodes[v].kind

    def first(v: str) -> Node:
        return graph.nodes[members[v][0] if v in members else v]

    def fold_into(v: str, fold: Fold, group: str, name: str) -> None:
        cluster = _cluster_id(fold, group)
        cluster_fold.setdefault(cluster, (fold, name))
        moved = members.pop(v, [v])
        members.setdefault(cluster, []).extend(moved)
        for original in moved:
            home[original] = cluster

    last = Fold("*", lambda n: (n.kind, KIND_NAMES[n.kind]), "其他{name} · {n}个", True)
    for fold in [*folds, last]:
        shown = visible()
        if len(shown) <= budget:
            break
        candidates = [v for v in shown if v not in roots and (fold.kind == "*" or kind_of(v) == fold.kind)]
        groups: dict[str, tuple[str, list[str]]] = {}
        for v in candidates:
            key = fold.key(first(v))
            if key is not None and v != _cluster_id(fold, key[0]):
                groups.setdefault(key[0], (key[1], []))[1].append(v)
        count = len(shown)
        if fold.whole_groups:
            for group, (name, vs) in sorted(groups.items(), key=lambda g: (-len(g[1][1]), g[0])):
                if count <= budget:
                    break
                target = _cluster_id(fold, group)
                count -= len(vs) - (0 if target in members else 1)
                for v in vs:
                    fold_into(v, fold, group, name)
        else:
            group_of = {v: (g, name) for g, (name, vs) in groups.items() for v in vs}
            for v in sorted(group_of, key=lambda v: (strength.get(v, 0), v)):
                if count <= budget:
                    break
                group, name = group_of[v]
                count -= 1 if _cluster_id(fold, group) in members else 0
                fold_into(v, fold, group, name)
    for cluster, ms in list(members.items()):        # a cluster of one is just that node
        if len(ms) == 1:
            home[ms[0]] = ms[0]
            del members[cluster]
    folded = Graph(roots=list(graph.roots), truncated=graph.truncated)
    narrow: dict[str, dict[str, str]] = {}
    for v in visible():
        if v in members:
            fold, name = cluster_fold[v]
            folded.add_node(_cluster_node(v, fold, name, [graph.nodes[m] for m in members[v]]))
            if fold.narrow:
                narrow[v] = fold.narrow(graph.nodes[members[v][0]])
        else:
            folded.add_node(graph.nodes[v])
    for edge in _merged_edges(graph, home):
        folded.add_edge(edge)
    return Folded(folded, members, home, graph, narrow)


def _cluster_id(fold: Fold, group: str) -> str:
    """A short, stable id (no IRI inside: ids never reach the screen, but stay short in the page)."""
    return "cluster:" + hashlib.sha1(f"{fold.kind}\n{fold.label}\n{group}".encode()).hexdigest()[:16]


def _cluster_node(cluster: str, fold: Fold, name: str, nodes: list[Node]) -> Node:
    kind = nodes[0].kind
    label = fold.label.format(name=short_label(name, 8), n=len(nodes))
    family = nodes[0].family if kind == "department" and len({n.family for n in nodes}) == 1 else None
    plans = {n.plan for n in nodes}
    return Node(id=cluster, kind="cluster", label=label, member_kind=kind, family=family,
                plan=plans.pop() if len(plans) == 1 else None,
                members=tuple(n.id for n in nodes), statement="、".join(n.label for n in nodes[:12]) +
                ("……" if len(nodes) > 12 else ""))


def _merged_edges(graph: Graph, home: dict[str, str]) -> list[Edge]:
    merged: dict[tuple[str, str, str], tuple[Edge, set[str]]] = {}
    for e in graph.edges.values():
        source, target = home[e.source], home[e.target]
        if source == target:
            continue
        duties = set(e.duties) or ({e.source} if graph.nodes[e.source].kind == "task" else
                                   {e.target} if graph.nodes[e.target].kind == "task" else {e.source + " " + e.target})
        key = Edge(source, target, e.kind).key
        if key in merged:
            merged[key][1].update(duties)
        else:
            merged[key] = (Edge(source, target, e.kind), duties)
    return [replace(edge, weight=len(duties), duties=frozenset(duties)) if len(duties) > 1 or edge.kind == "shares"
            else edge for edge, duties in merged.values()]


def _strength(graph: Graph) -> dict[str, int]:
    """How connected each node is (duties counted once per edge): what folds last."""
    strength: dict[str, int] = {}
    for e in graph.edges.values():
        w = max(e.weight, len(e.duties))
        strength[e.source] = strength.get(e.source, 0) + w
        strength[e.target] = strength.get(e.target, 0) + w
    return strength


EDGE_RANK = {k: i for i, k in enumerate(EDGE_KINDS)}


def prune_edges(graph: Graph, per_node: int = 3, always: frozenset[str] = frozenset()) -> int:
    """Keep, for every node, its `per_node` strongest edges (an edge stays when either end keeps it), and
    every edge of the roots or of a kind in `always`; returns how many edges were left out."""
    if len(graph.edges) <= len(graph.nodes) * 1.2:
        return 0
    ranked: dict[str, list[tuple[tuple[int, int, str], tuple[str, str, str]]]] = {}
    for key, e in graph.edges.items():
        for end, other in ((e.source, e.target), (e.target, e.source)):
            ranked.setdefault(end, []).append(((-e.weight, EDGE_RANK[e.kind], other), key))
    keep: set[tuple[str, str, str]] = set()
    for edges in ranked.values():
        edges.sort()
        keep.update(key for _, key in edges[:per_node])
    roots = set(graph.roots)
    before = len(graph.edges)
    graph.edges = {k: e for k, e in graph.edges.items()
                   if k in keep or e.kind in always or e.source in roots or e.target in roots}
    return before - len(graph.edges)
