"""The views: start (search first), all, focus (a node and its neighbourhood), sharing (departments ×
facility types), quality (orphans and duplicates), dependencies; then the user's filters."""
from __future__ import annotations

from collections import deque

import pyoxigraph as ox

from . import collect
from .queries import select, select_sorted
from .model import VIEWS, Edge, Filters, Graph, Node, VizError

START_HUBS = 24          # units and facility types shown on the start view, most connected first
FOCUS_LIMIT = 150        # neighbours taken per node when a focus grows a level
FOCUS_MAX_NODES = 1500   # a focus stops growing here (depth 3 around a hub reaches most of a plan)
RESPONSIBILITY = ("lead", "co-responsible", "collective")


def build(store: ox.Store, view: str, focus: str | None, depth: int, filters: Filters) -> Graph:
    """The graph of one view, filtered. A focus without a view means view=focus; no view at all, start."""
    if view not in VIEWS:
        raise VizError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")
    if focus and view in ("start", "focus", "all"):
        graph = focus_view(store, focus, depth)
    elif view == "focus":
        raise VizError("view=focus needs focus=<IRI or name>")
    elif view == "sharing":
        return sharing_view(store, filters)
    elif view == "start":
        graph = start_view(store)
    else:
        graph = collect.whole_graph(store)
        if view == "quality":
            graph = quality_view(graph)
        elif view == "dependencies":
            graph = dependency_view(graph)
    return apply_filters(store, graph, filters)


def start_view(store: ox.Store) -> Graph:
    """Plans and the most connected units and facility types, unlinked: a place to search or
    double-click from, cheap to draw whatever the size of the store."""
    whole = collect.whole_graph(store)
    degree = {n: len(adj) for n, adj in whole.neighbours().items()}
    hubs = sorted((n for n in whole.nodes.values() if n.kind in ("department", "facility")),
                  key=lambda n: (-degree[n.id], n.label, n.id))[:START_HUBS]
    keep = {n.id for n in whole.nodes.values() if n.kind == "plan"} | {n.id for n in hubs}
    graph = whole.subgraph(keep)
    graph.edges.clear()
    return graph


def focus_view(store: ox.Store, focus: str, depth: int) -> Graph:
    """Breadth-first from the focus node, `depth` edges out, FOCUS_LIMIT neighbours per node; plans and
    collective units are not grown through (they would pull in whole plans)."""
    if not 1 <= depth <= 3:
        raise VizError(f"depth must be 1, 2 or 3, not {depth}")
    root = collect.resolve(store, focus)
    root_node = collect.fetch_node(store, root)
    assert root_node is not None
    graph = Graph(roots=[root])
    graph.add_node(root_node)
    known: dict[str, Node] = {root: root_node}
    queue = deque([(root, 0)])
    while queue:
        current, level = queue.popleft()
        if level >= depth or (current != root and graph.nodes[current].kind in ("plan", "collective")):
            continue
        nodes, edges, truncated = collect.neighbourhood(store, current, FOCUS_LIMIT, known)
        graph.truncated |= truncated
        for node in nodes:
            if node.id not in graph.nodes:
                if len(graph.nodes) >= FOCUS_MAX_NODES:
                    graph.truncated = True
                    continue
                graph.add_node(node)
                queue.append((node.id, level + 1))
        for edge in edges:
            graph.add_edge(edge)
    return graph


def sharing_view(store: ox.Store, filters: Filters) -> Graph:
    """Departments and facility types, one edge per pair weighted by the number of duties they share."""
    rows = collect.sharing_rows(store, filters.plan)
    units: dict[str, Node] = {}
    for r in select_sorted(store, "units"):                 # sorted: the same row wins every time
        units.setdefault(r["unit"], collect.unit_node(r))
    facilities: dict[str, Node] = {}
    for r in select_sorted(store, "facility_types"):
        facilities.setdefault(r["facility"], collect.facility_node(r))
    wanted_facilities = _facility_set(store, filters.facility) if filters.facility else None
    graph = Graph()
    for department, facility, count in rows:
        unit = units.get(department)
        if unit is None or facility not in facilities:
            continue
        if filters.function and not _has_function(unit, filters.function):
            continue
        if wanted_facilities is not None and facility not in wanted_facilities:
            continue
        graph.add_node(unit)
        graph.add_node(facilities[facility])
        graph.add_edge(Edge(department, facility, "shares", count))
    return graph


def quality_view(whole: Graph) -> Graph:
    """Orphan duties (ringed) and duplicate or parallel pairs (linked)."""
    keep = {n.id for n in whole.nodes.values() if n.orphan_reasons}
    for edge in whole.edges.values():
        if edge.kind in ("duplicate-of", "parallel-with"):
            keep |= {edge.source, edge.target}
    graph = whole.subgraph(keep)
    graph.edges = {k: e for k, e in graph.edges.items() if e.kind in ("duplicate-of", "parallel-with")}
    return graph


def dependency_view(whole: Graph) -> Graph:
    keep: set[str] = set()
    for edge in whole.edges.values():
        if edge.kind == "depends-on":
            keep |= {edge.source, edge.target}
    graph = whole.subgraph(keep)
    graph.edges = {k: e for k, e in graph.edges.items() if e.kind == "depends-on"}
    return graph


def apply_filters(store: ox.Store, graph: Graph, filters: Filters) -> Graph:
    """Keep the duties of the plan, with a department of the function, concerning the facility type (or a
    narrower one); keep only the edge kinds asked for; then drop what the filters left unconnected."""
    if not filters.active:
        return graph
    before = graph.neighbours()
    keep = set(graph.nodes)
    tasks = [n for n in graph.nodes.values() if n.kind == "task"]
    by_source: dict[str, list[Edge]] = {}
    for edge in graph.edges.values():
        by_source.setdefault(edge.source, []).append(edge)
    if filters.plan:
        keep -= {n.id for n in tasks if n.plan != filters.plan}
        keep -= {n.id for n in graph.nodes.values() if n.kind == "plan" and n.plan != filters.plan}
    if filters.function:
        wanted = {n.id for n in graph.nodes.values() if n.kind == "department" and _has_function(n, filters.function)}
        keep -= {n.id for n in graph.nodes.values() if n.kind == "department"} - wanted
        keep -= {t.id for t in tasks if not any(e.target in wanted for e in by_source.get(t.id, []))}
    if filters.facility:
        wanted = _facility_set(store, filters.facility)
        keep -= {t.id for t in tasks
                 if not any(e.kind == "concerns" and e.target in wanted for e in by_source.get(t.id, []))}
    result = graph.subgraph(keep)
    if filters.edge_kinds:
        result.edges = {k: e for k, e in result.edges.items() if e.kind in filters.edge_kinds}
    after = result.neighbours()
    lonely = {n for n, adj in after.items() if not adj and before[n] and n not in result.roots}
    return result.subgraph(set(result.nodes) - lonely)


def _has_function(node: Node, function: str) -> bool:
    return function in (node.function, node.function_label)


def _facility_set(store: ox.Store, facility: str) -> set[str]:
    """The facility type (IRI or name) and every narrower type under it."""
    rows = select(store, "facility_types")
    start = {r["facility"] for r in rows if facility in (r["facility"], r["label"])}
    if not start:
        raise VizError(f"no facility type is named {facility!r}")
    children: dict[str, set[str]] = {}
    for r in rows:
        if r["broader"]:
            children.setdefault(r["broader"], set()).add(r["facility"])
    found, stack = set(start), list(start)
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found
