"""Store → nodes and edges: the whole graph in a few bulk queries, or one node's neighbourhood (for a
focus or a double-click expansion) through bound queries that stay fast on a large store."""
from __future__ import annotations

from typing import Any, cast

import pyoxigraph as ox

from .model import Edge, EdgeKind, FocusNotFound, Graph, Node, NodeKind
from .queries import iri, select, select_sorted, select_values

DG = "https://w3id.org/dutygraph/ontology#"
SKOS_BROADER = "http://www.w3.org/2004/02/skos/core#broader"

EDGE_KIND_OF: dict[str, EdgeKind] = {
    DG + "lead": "lead", DG + "coResponsible": "co-responsible", DG + "collectiveUnit": "collective",
    DG + "concernsFacility": "concerns", DG + "citesRegulation": "cites", DG + "hasIndicator": "has-indicator",
    DG + "dependsOn": "depends-on", DG + "duplicateOf": "duplicate-of", DG + "overlapsWith": "overlaps-with",
    DG + "restates": "restates", DG + "parallelWith": "parallel-with",
    DG + "correspondsTo": "corresponds-to", DG + "partOf": "part-of", SKOS_BROADER: "broader",
}
NODE_KIND_OF: dict[str, NodeKind] = {
    DG + "Task": "task", DG + "Department": "department", DG + "CollectiveUnit": "collective",
    DG + "FacilityType": "facility", DG + "Regulation": "regulation", DG + "Indicator": "indicator",
    DG + "Plan": "plan",
}
QUERY_OF: dict[NodeKind, tuple[str, str]] = {
    "task": ("tasks", "task"), "department": ("units", "unit"), "collective": ("units", "unit"),
    "facility": ("facility_types", "facility"), "regulation": ("regulations", "regulation"),
    "indicator": ("indicators", "indicator"), "plan": ("plans", "plan"),
}


def _task(row: dict[str, Any]) -> Node:
    statement = row["statement"] or ""
    # GROUP_CONCAT has no order: sort the names so the tooltip is the same whatever the engine's order
    names = ["、".join(sorted(set(n.split("、")))) for n in (row["leads"], row["others"]) if n]
    short = statement[:14] + ("…" if len(statement) > 14 else "")
    return Node(
        id=row["task"], kind="task", label=f"{row['number']} {short}".strip(), plan=row["planId"],
        number=row["number"], task_kind=row["kind"], statement=statement, departments="、".join(names),
        deadline=row["deadline"], section=row.get("section"), orphan_reasons=tuple(sorted((row["orphanReasons"] or "").split())),
    )


def unit_node(row: dict[str, Any]) -> Node:
    return Node(id=row["unit"], kind="collective" if row["collective"] else "department", label=row["label"],
                function=row["function"], function_label=row["functionLabel"])


def facility_node(row: dict[str, Any]) -> Node:
    return Node(id=row["facility"], kind="facility", label=row["label"], broader=row["broader"])


def _regulation(row: dict[str, Any]) -> Node:
    return Node(id=row["regulation"], kind="regulation", label=row["label"])


def _indicator(row: dict[str, Any]) -> Node:
    value = row["value"]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    parts = [row["metric"], row["comparator"], value, row["unit"]]
    label = " ".join(str(p) for p in parts if p not in (None, "", "=")) or row["phrase"] or "指标"
    return Node(id=row["indicator"], kind="indicator", label=label, statement=row["phrase"] or "")


def plan_name(row: dict[str, Any]) -> str:
    """What a plan is called on the network: its place (成都市方案), else its title."""
    return f"{row['jurisdiction']}方案" if row.get("jurisdiction") else row["title"]


def _plan(row: dict[str, Any]) -> Node:
    return Node(id=row["plan"], kind="plan", label=plan_name(row), plan=row["planId"], statement=row["title"])


PREFETCH = 10           # unknown neighbours above which neighbourhood() reads the node's duties in one query

BUILD = {"tasks": _task, "units": unit_node, "facility_types": facility_node, "regulations": _regulation,
         "indicators": _indicator, "plans": _plan}


def whole_graph(store: ox.Store) -> Graph:
    """Every duty, every unit named on one, every plan, and every facility type, regulation and indicator
    a duty points at (with the broader facility types above them, so the hierarchy shows). Rows are sorted
    (select_sorted), so the same store gives the same nodes and edges in the same order."""
    graph = Graph()
    for name, build in BUILD.items():
        if name == "facility_types":
            continue
        for row in select_sorted(store, name):       # sorted: node order, and which row wins for a node
            graph.add_node(build(row))
    facilities: dict[str, Node] = {}
    for row in select_sorted(store, "facility_types"):
        facilities.setdefault(row["facility"], facility_node(row))
    edges = [(r["source"], EDGE_KIND_OF[r["predicate"]], r["target"]) for r in select_sorted(store, "edges")]
    used = {t for _, kind, t in edges if kind == "concerns"}
    for concept in sorted(used):
        while concept in facilities and concept not in graph.nodes:
            graph.add_node(facilities[concept])
            broader = facilities[concept].broader
            if broader:
                edges.append((concept, "broader", broader))
            concept = broader or ""
    for source, kind, target in edges:
        graph.add_edge(Edge(source, target, kind))
    return graph


def analysis_graph(store: ox.Store, kinds: frozenset[str], plan: str | None = None) -> Graph:
    """The duties that analysis results of `kinds` (or an orphan reason, when "orphan" is among them)
    touch, and those edges: what the quality and dependency views need, without reading the whole store.
    With `plan`, that plan's duties only (and the edges between them)."""
    rows = select_sorted(store, "dependency_edges" if kinds == {"depends-on"} else "analysis_edges")
    edges = [(r["source"], EDGE_KIND_OF.get(r["predicate"], "orphan"), r["target"]) for r in rows]
    wanted = [(s, k, t) for s, k, t in edges if k in kinds]
    tasks = sorted({end for s, _, t in wanted for end in (s, t)})
    graph = Graph()
    if plan or len(tasks) > 100:            # one bulk query beats a hundred bound ones
        keep = set(tasks)
        query = "tasks" if plan else ("dependency_tasks" if kinds == {"depends-on"} else "quality_tasks")
        for row in (select_sorted(store, query, planId=plan) if plan else select_sorted(store, query)):
            if row["task"] in keep:
                graph.add_node(_task(row))
    else:
        for task in tasks:
            rows_of = select_sorted(store, "tasks", task=iri(task))
            if rows_of:
                graph.add_node(_task(rows_of[0]))
    for source, kind, target in wanted:
        if kind != "orphan":
            graph.add_edge(Edge(source, target, cast(EdgeKind, kind)))
    return graph


def node_kind(store: ox.Store, node: str) -> NodeKind | None:
    kinds = [NODE_KIND_OF[r["type"]] for r in select(store, "node_type", node=iri(node))]
    for preferred in ("task", "department", "collective", "facility", "regulation", "indicator", "plan"):
        if preferred in kinds:
            return preferred
    return None


def fetch_node(store: ox.Store, node: str) -> Node | None:
    """One node's attributes, by IRI; None when the IRI is none of the drawn kinds."""
    kind = node_kind(store, node)
    if kind is None:
        return None
    query, variable = QUERY_OF[kind]
    rows = select_sorted(store, query, **{variable: iri(node)})
    return BUILD[query](rows[0]) if rows else None


def neighbourhood(store: ox.Store, node: str, limit: int, known: dict[str, Node] | None = None) -> tuple[list[Node], list[Edge], bool]:
    """The nodes one edge away from `node` (at most `limit`, in a stable order) and the edges to them;
    the flag says whether some were left out."""
    known = known if known is not None else {}
    rows = select(store, "neighbours", node=iri(node))
    unknown = {row["target"] if row["source"] == node else row["source"] for row in rows} - known.keys()
    if len(unknown) > PREFETCH:              # a department's or facility type's duties: one query, not one each
        for task_id, task in tasks_near(store, node).items():
            known.setdefault(task_id, task)
    nodes: list[Node] = []
    edges: list[Edge] = []
    seen: set[str] = set()
    truncated = False
    for row in rows:
        other = row["target"] if row["source"] == node else row["source"]
        if other not in seen:
            if len(seen) >= limit:
                truncated = True
                continue
            found = known.get(other) or fetch_node(store, other)
            if found is None:
                continue
            known[other] = found
            seen.add(other)
            nodes.append(found)
        edges.append(Edge(row["source"], row["target"], EDGE_KIND_OF[row["predicate"]]))
    return nodes, edges, truncated


def tasks_near(store: ox.Store, node: str) -> dict[str, Node]:
    """The duties one edge away from `node`, by IRI (the first sorted row wins, as in fetch_node)."""
    found: dict[str, Node] = {}
    for row in select_sorted(store, "tasks_near", node=iri(node)):
        found.setdefault(row["task"], _task(row))
    return found


def duty_edges(store: ox.Store, duties: list[str]) -> dict[str, list[Edge]]:
    """Every edge of each of `duties`, in the order neighbourhood() gives them (one query for all)."""
    edges: dict[str, list[Edge]] = {}
    for row in select_values(store, "duty_edges", "task", duties):
        edges.setdefault(row["task"], []).append(Edge(row["source"], row["target"], EDGE_KIND_OF[row["predicate"]]))
    return edges


def duty_units(store: ox.Store, duties: list[str]) -> dict[str, Node]:
    """The units responsible for `duties`, by IRI (first sorted row wins, as in fetch_node)."""
    found: dict[str, Node] = {}
    for row in select_values(store, "duty_units", "task", duties):
        found.setdefault(row["unit"], unit_node(row))
    return found


def resolve(store: ox.Store, focus: str) -> str:
    """A focus given as an IRI (any drawn node) or as a Chinese name (department, facility type,
    regulation, plan); a name used by the duties wins over a vocabulary-only namesake."""
    if "://" in focus:
        if node_kind(store, focus) is None:
            raise FocusNotFound(f"no department, facility type, duty or other drawn node has the IRI {focus!r}")
        return focus
    name = focus.strip()
    # the name as the store writes it, through the index; then any language tag or datatype (resolve.rq)
    rows = (select(store, "resolve_exact", name=ox.Literal(name, language="zh"))
            or select(store, "resolve_exact", name=name) or select(store, "resolve", name=name))
    if not rows:
        raise FocusNotFound(f"nothing is named {focus!r}; try /viz/search?q=… for names that contain it")
    return str(rows[0]["node"])


def search(store: ox.Store, text: str) -> list[dict[str, str]]:
    """Nodes whose name contains `text`, closest first (at most 30)."""
    return [{"id": r["node"], "label": r["label"], "kind": NODE_KIND_OF[r["type"]]}
            for r in select(store, "search", q=text)]


def sharing_rows(store: ox.Store, plan: str | None) -> list[tuple[str, str, str, EdgeKind]]:
    """(department, facility type, duty, lead or co-responsible) for the duties of one plan or of all."""
    rows = select_sorted(store, "sharing", planId=plan) if plan else select_sorted(store, "sharing_all")
    return [(r["department"], r["facility"], r["task"], EDGE_KIND_OF[r["role"]]) for r in rows]


def facility_tree(store: ox.Store) -> dict[str, Node]:
    """Every facility type by IRI (the first row wins, rows sorted), with its broader type."""
    tree: dict[str, Node] = {}
    for row in select_sorted(store, "facility_types"):
        tree.setdefault(row["facility"], facility_node(row))
    return tree
