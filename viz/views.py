"""The views: start (a plan's departments and the facility types they share), all, focus (a node and its
neighbourhood), sharing (departments × facility types), quality (orphans and duplicates), dependencies;
then the user's filters, then folding into clusters until the view fits its node budget."""
from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

import pyoxigraph as ox

from . import collect
from .aggregate import Folded, coarsen, prune_edges
from .families import function_families
from .folds import folds as view_folds
from .looks import NO_FAMILY, short_label
from .model import RESPONSIBILITY, VIEWS, Edge, EdgeKind, Filters, Graph, Node, VizError
from .queries import select, select_sorted

FOCUS_LIMIT = 150        # neighbours taken per node when a focus grows a level
FOCUS_MAX_NODES = 1500   # a focus stops growing here (depth 3 around a hub reaches most of a plan)
# How many nodes each view draws at first (clusters unfold on a click); ~150 is where labels stop fitting
# on a laptop screen at a readable zoom.
BUDGET = {"start": 50, "sharing": 70, "all": 60, "focus": 60, "quality": 70, "dependencies": 150}
OVERVIEW_PLANS = 5       # above this many plans, view=all without filters starts from plans × function families
# The analysis edges between duties; the quality view draws the findings of graph/duplicates.py and orphans.
FINDINGS = frozenset({"duplicate-of", "overlaps-with", "restates", "parallel-with"})
QUALITY_KINDS = FINDINGS | {"orphan"}
ANALYSIS = FINDINGS | {"depends-on", "corresponds-to"}


@dataclass
class View:
    """A view ready to draw: the (folded) graph, the clusters' members, and what the page says about it."""
    name: str
    graph: Graph
    folded: Folded | None = None
    layered: bool = False
    plan: str | None = None                 # the plan the start view shows
    hidden_edges: int = 0                   # weak edges left out
    facets: dict[str, str] = field(default_factory=dict)


def build(store: ox.Store, view: str, focus: str | None, depth: int, filters: Filters) -> View:
    """The view, filtered and folded. A focus without a view means view=focus; no view at all, start."""
    if view not in VIEWS:
        raise VizError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")
    families = function_families(store)
    tree = collect.facility_tree(store)
    if focus and view in ("start", "focus", "all"):
        view = "focus"
        graph = _with_families(focus_view(store, focus, depth), families)
    elif view == "focus":
        raise VizError("view=focus needs focus=<IRI or name>")
    elif view in ("sharing", "start"):
        # Departments belong to one plan each: across many plans the sharing view would only fold them into
        # families, after reading every plan's rows. It starts from the first plan, as the start view does.
        many = view == "sharing" and not filters.active and len(select(store, "plans")) > OVERVIEW_PLANS
        plan = filters.plan or (_first_plan(store) if view == "start" or many else None)
        graph = sharing_view(store, replace(filters, plan=plan), families, tree)
        result = View(view, graph, plan=plan)
        return _finish(result, store, tree, filters)
    elif view == "all" and not filters.active and len(select(store, "plans")) > OVERVIEW_PLANS:
        overview = overview_view(store, families)
        return View(view, overview, hidden_edges=prune_edges(overview, per_node=3))
    elif view == "quality" and not filters.active and len(select(store, "plans")) > OVERVIEW_PLANS:
        overview = quality_overview(store)
        return View(view, overview, hidden_edges=prune_edges(overview, per_node=3))
    elif view == "quality" and _plan_only(filters):
        graph = quality_view(collect.analysis_graph(store, QUALITY_KINDS, filters.plan))
    elif view == "dependencies" and _plan_only(filters):
        graph = dependency_view(collect.analysis_graph(store, frozenset({"depends-on"}), filters.plan))
    else:
        graph = _with_families(collect.whole_graph(store), families)
        if view == "quality":
            graph = quality_view(graph)
        elif view == "dependencies":
            graph = dependency_view(graph)
    graph = apply_filters(store, graph, filters, families)
    return _finish(View(view, graph, layered=(view == "dependencies")), store, tree, filters)


def _finish(result: View, store: ox.Store, tree: dict[str, Node], filters: Filters) -> View:
    if result.name in ("all", "focus") and not filters.edge_kinds & ANALYSIS:
        # the analyses have their own views; here they would only tangle the responsibilities
        result.graph.edges = {k: e for k, e in result.graph.edges.items() if e.kind not in ANALYSIS}
    plan_names = {r["planId"]: collect.plan_name(r) for r in select(store, "plans")}
    folded = coarsen(result.graph, BUDGET[result.name], view_folds(result.name, result.graph, tree, plan_names))
    result.graph, result.folded = folded.graph, folded
    result.hidden_edges = prune_edges(result.graph, per_node=2 if result.name in ("all", "focus") else 3,
                                      always=frozenset({"depends-on", "duplicate-of"}))
    return result


def _plan_only(filters: Filters) -> bool:
    """No filter, or a plan and nothing else: the analysis views then read only the duties they draw."""
    return not (filters.function or filters.facility or filters.edge_kinds)


def _first_plan(store: ox.Store) -> str | None:
    rows = select(store, "plans")
    return str(rows[0]["planId"]) if rows else None


def _with_families(graph: Graph, families: dict[str, str]) -> Graph:
    for key, node in graph.nodes.items():
        if node.kind == "department" and node.function:
            graph.nodes[key] = replace(node, family=families.get(node.function))
    return graph


# ------------------------------------------------------------------ the views

def focus_view(store: ox.Store, focus: str, depth: int) -> Graph:
    """Breadth-first from the focus node, `depth` edges out, FOCUS_LIMIT neighbours per node; plans and
    collective units are not grown through (they would pull in whole plans). At depth 1 the duties
    reached also bring the units responsible for them, so a facility type shows who does what."""
    if not 1 <= depth <= 3:
        raise VizError(f"depth must be 1, 2 or 3, not {depth}")
    root = collect.resolve(store, focus)
    root_node = collect.fetch_node(store, root)
    assert root_node is not None
    graph = Graph(roots=[root])
    graph.add_node(root_node)
    known: dict[str, Node] = {root: root_node}
    queue = deque([(root, 0)])
    frontier: list[str] = []
    while queue:
        current, level = queue.popleft()
        if level >= depth or (current != root and graph.nodes[current].kind in ("plan", "collective")):
            if level >= depth and graph.nodes[current].kind == "task":
                frontier.append(current)
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
    if depth == 1 and frontier:
        # the root's duties are the frontier: their edges and units in two queries, not one set per duty
        near, units = collect.duty_edges(store, frontier), collect.duty_units(store, frontier)
        for task in frontier:
            edges = near.get(task, [])
            for edge in edges:
                if edge.kind in RESPONSIBILITY and edge.target in units:
                    graph.add_node(units[edge.target])
            for edge in edges:
                graph.add_edge(edge)
    return graph


def overview_view(store: ox.Store, families: dict[str, str]) -> Graph:
    """Plans and function families, an edge weighted by the duties a plan gives departments of that family
    to lead; a plan opens as view=all for that plan, a family as the sharing view of its departments."""
    plans = {r["planId"]: r for r in select(store, "plans")}
    totals: dict[tuple[str, str], int] = {}
    for row in select(store, "plan_functions"):
        family = families.get(row["function"], NO_FAMILY)
        totals[(row["planId"], family)] = totals.get((row["planId"], family), 0) + row["tasks"]
    graph = Graph()
    per_plan = Counter[str]()
    for (plan, _family), count in totals.items():
        per_plan[plan] += count
    for plan, row in plans.items():
        graph.add_node(Node(id=row["plan"], kind="cluster", member_kind="task", plan=plan, statement=row["title"],
                            label=f"{short_label(collect.plan_name(row), 8)} · {per_plan[plan]}项",
                            expand_url="?" + urlencode({"view": "all", "plan": plan})))
    for family in sorted({f for _, f in totals}):
        graph.add_node(Node(id=f"family:{family}", kind="cluster", member_kind="department", family=family,
                            label=family, expand_url="?" + urlencode({"view": "sharing", "function": family})
                            if family != NO_FAMILY else None))
    for (plan, family), count in sorted(totals.items()):
        if plan in plans:
            graph.add_edge(Edge(plans[plan]["plan"], f"family:{family}", "lead", count))
    return graph


def quality_overview(store: ox.Store) -> Graph:
    """A store of many plans: one group per plan with duties to look at (orphans, duplicates, parallels),
    linked where one plan's duties duplicate or parallel another's; each opens the quality view of its plan.
    Counted in SPARQL (quality_plans.rq, quality_links.rq), so no duty is read."""
    plans = {r["planId"]: r for r in select(store, "plans")}
    graph = Graph()
    for row in select(store, "quality_plans"):
        plan = plans.get(row["planId"])
        if plan is None:
            continue
        name = collect.plan_name(plan)
        graph.add_node(Node(id=plan["plan"], kind="cluster", member_kind="task", plan=row["planId"],
                            label=f"{short_label(name, 8)} · {row['tasks']}项",
                            statement=f"{plan['title']}：孤立任务 {row['orphans']} 项，"
                                      f"重复、交叉、复述或并列 {row['tasks'] - row['orphans']} 项以上",
                            expand_url="?" + urlencode({"view": "quality", "plan": row["planId"]})))
    pairs: dict[tuple[str, str, EdgeKind], int] = {}
    for row in select(store, "quality_links"):
        kind = collect.EDGE_KIND_OF[row["predicate"]]
        a, b = sorted((row["planId"], row["otherId"]))
        pairs[(a, b, kind)] = pairs.get((a, b, kind), 0) + row["tasks"]
    for (a, b, kind), count in sorted(pairs.items()):
        if a in plans and b in plans:
            graph.add_edge(Edge(plans[a]["plan"], plans[b]["plan"], kind, count))
    return graph


def sharing_view(store: ox.Store, filters: Filters, families: dict[str, str], tree: dict[str, Node]) -> Graph:
    """Departments and facility types, one edge per pair weighted by the duties they share; the filters
    pick the plan, the departments' function, the facility types and the roles (lead, co-responsible)."""
    roles = {"lead", "co-responsible"} & filters.edge_kinds or {"lead", "co-responsible"}
    if filters.edge_kinds and not filters.edge_kinds & {"lead", "co-responsible", "shares", "concerns"}:
        return Graph()
    units: dict[str, Node] = {}
    for r in select_sorted(store, "units"):
        units.setdefault(r["unit"], collect.unit_node(r))
    wanted_facilities = _facility_set(store, filters.facility) if filters.facility else None
    pairs: dict[tuple[str, str], set[str]] = {}
    for department, facility, task, role in collect.sharing_rows(store, filters.plan):
        if role in roles and department in units and facility in tree:
            if wanted_facilities is None or facility in wanted_facilities:
                pairs.setdefault((department, facility), set()).add(task)
    graph = Graph()
    for (department, facility), tasks in sorted(pairs.items()):
        unit = _with_families(Graph(nodes={"u": units[department]}), families).nodes["u"]
        if filters.function and not _has_function(unit, filters.function):
            continue
        graph.add_node(unit)
        graph.add_node(tree[facility])
        graph.add_edge(Edge(department, facility, "shares", len(tasks), frozenset(tasks)))
    return graph


def quality_view(whole: Graph) -> Graph:
    """Orphan duties (ringed) and the duplicate, overlap, restates and parallel pairs (linked)."""
    keep = {n.id for n in whole.nodes.values() if n.orphan_reasons}
    for edge in whole.edges.values():
        if edge.kind in FINDINGS:
            keep |= {edge.source, edge.target}
    graph = whole.subgraph(keep)
    graph.edges = {k: e for k, e in graph.edges.items() if e.kind in FINDINGS}
    return graph


def dependency_view(whole: Graph) -> Graph:
    keep: set[str] = set()
    for edge in whole.edges.values():
        if edge.kind == "depends-on":
            keep |= {edge.source, edge.target}
    graph = whole.subgraph(keep)
    graph.edges = {k: e for k, e in graph.edges.items() if e.kind == "depends-on"}
    return graph


# ------------------------------------------------------------------ filters

def apply_filters(store: ox.Store, graph: Graph, filters: Filters, families: dict[str, str]) -> Graph:
    """Every node kind answers to every filter: duties of the plan, with a department of the function,
    concerning the facility type (or a narrower one); departments of the function; only the edge kinds
    asked for; and then only the units, facility types, regulations, indicators and plans that a kept
    duty still points at (with the broader types of kept facility types)."""
    if not filters.active:
        return graph
    roots = set(graph.roots)
    edges = [e for e in graph.edges.values() if not filters.edge_kinds or e.kind in filters.edge_kinds]
    out: dict[str, list[Edge]] = {}
    for edge in graph.edges.values():
        out.setdefault(edge.source, []).append(edge)
    wanted_facilities = _facility_set(store, filters.facility) if filters.facility else None

    def unit_ok(node: Node) -> bool:
        if not filters.function:
            return True
        return node.kind == "department" and _has_function(node, filters.function)

    def task_ok(task: Node) -> bool:
        if filters.plan and task.plan != filters.plan:
            return False
        mine = out.get(task.id, [])
        if filters.function and not any(e.kind in RESPONSIBILITY and unit_ok(graph.nodes[e.target]) for e in mine):
            return False
        if wanted_facilities is not None and not any(e.kind == "concerns" and e.target in wanted_facilities for e in mine):
            return False
        return True

    tasks = {n.id for n in graph.nodes.values() if n.kind == "task" and (n.id in roots or task_ok(n))}
    keep = set(tasks) | roots
    for edge in edges:
        if edge.source in tasks and edge.target not in keep:
            target = graph.nodes[edge.target]
            if target.kind == "task":            # a duty stays only by the filters' own say
                continue
            if target.kind in ("department", "collective") and not unit_ok(target):
                continue
            if target.kind == "plan" and filters.plan and target.plan != filters.plan:
                continue
            keep.add(edge.target)
    broader = [e for e in edges if e.kind == "broader"]
    changed = True
    while changed:                          # the broader types above kept facility types
        changed = False
        for edge in broader:
            if edge.source in keep and edge.target not in keep:
                keep.add(edge.target)
                changed = True
    for root in roots:                      # what the focus itself points at (a department's function …)
        for edge in edges:
            if root in (edge.source, edge.target) and graph.nodes[edge.source].kind != "task":
                keep |= {edge.source, edge.target}
    result = graph.subgraph(keep)
    result.edges = {k: e for k, e in result.edges.items() if not filters.edge_kinds or e.kind in filters.edge_kinds}
    lonely = {n for n, adj in result.neighbours().items() if not adj and n not in roots and graph.nodes[n].kind != "task"}
    return result.subgraph(set(result.nodes) - lonely)


def _has_function(node: Node, function: str) -> bool:
    return function in (node.function, node.function_label, node.family)


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
