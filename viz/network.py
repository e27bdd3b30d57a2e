"""pyvis builds the network (nodes, edges, options); the page renders pyvis's data with its own
template, never with pyvis's (which loads from CDNs, does not escape, and writes files). Every node comes
with its position (viz.layout), fixed, physics off; a cluster brings its members, so the page unfolds it
without the server."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from pyvis.network import Network

from .aggregate import Folded
from .layout import compute_positions
from .looks import KIND_NAMES, edge_options, legend, node_options, short_label
from .model import Edge, Graph, Node

PAGE_OF = {"task": "/tasks/", "department": "/departments/", "collective": "/departments/",
           "facility": "/facility-types/"}
INLINE_MEMBERS = 150     # a cluster this small unfolds in the page; a bigger one opens a narrower view


class _IdList(list):
    """pyvis keeps node ids in a list and checks membership on every add_node/add_edge: quadratic. The
    same list with a set beside it keeps pyvis's behaviour and makes 20,000 nodes take milliseconds."""

    def __init__(self) -> None:
        super().__init__()
        self._members: set[Any] = set()

    def append(self, item: Any) -> None:
        self._members.add(item)
        super().append(item)

    def __contains__(self, item: object) -> bool:
        return item in self._members


def page_link(node: Node, base: str = "") -> str | None:
    """Where a click on the node goes: the lead's pages, with the IRI percent-encoded as one segment."""
    prefix = PAGE_OF.get(node.kind)
    return f"{base}{prefix}{quote(node.id, safe='')}" if prefix else None


def vis_options() -> dict[str, Any]:
    return {
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False, "keyboard": True,
                        "hideEdgesOnDrag": True},
        "nodes": {"font": {"size": 12, "face": "Noto Sans CJK SC, WenQuanYi Micro Hei, Microsoft YaHei, sans-serif"}},
        "edges": {"smooth": False, "selectionWidth": 2},
        "physics": {"enabled": False},
        "layout": {"randomSeed": 7, "improvedLayout": False},
    }


def node_info(node: Node) -> dict[str, Any]:
    """The tooltip facts, in Chinese: kind names and orphan reasons translated, nothing that is an IRI."""
    info = node.info()
    info["kind"] = KIND_NAMES[node.kind]
    if node.kind == "cluster" and node.member_kind:
        info["member_kind"] = KIND_NAMES.get(node.member_kind, "")
    return info


def display_label(node: Node) -> str:
    """The label drawn: short (the tooltip has it all); a cluster's is already short and ends in its count."""
    return node.label if node.kind == "cluster" else short_label(node.label)


def vis_node(node: Node, link_base: str = "") -> dict[str, Any]:
    """One node as vis-network takes it (without position)."""
    return {"id": node.id, "label": display_label(node), "kind": node.kind, "info": node_info(node),
            "href": page_link(node, link_base), **node_options(node)}


def vis_edge(edge: Edge) -> dict[str, Any]:
    return {"from": edge.source, "to": edge.target, "kind": edge.kind, **edge_options(edge)}


def network_json(graph: Graph, layered: bool = False, link_base: str = "", folded: Folded | None = None,
                 narrow: dict[str, dict[str, str]] | None = None, base_params: dict[str, Any] | None = None) -> dict[str, Any]:
    """nodes, edges, options, legend and the clusters' members, as the page and /viz/data share them."""
    labels = {n: display_label(node) for n, node in graph.nodes.items()}
    positions = compute_positions(graph, labels, layered=layered)
    net = Network(directed=True)
    net.node_ids = _IdList()
    for node in graph.nodes.values():
        extra = vis_node(node, link_base)
        x, y = positions[node.id]
        extra.update(x=x, y=y, fixed=True, physics=False)
        if node.id in graph.roots:
            extra["root"] = True
        if node.expand_url:
            extra["expand"] = node.expand_url
        elif node.kind == "cluster" and folded is not None:
            if len(node.members) > INLINE_MEMBERS and narrow and node.id in narrow and narrow[node.id]:
                extra["expand"] = "?" + urlencode({**(base_params or {}), **narrow[node.id]}, doseq=True)
        node_id = extra.pop("id")
        label = extra.pop("label")
        net.add_node(node_id, label=label, **extra)
    for edge in graph.edges.values():
        options = vis_edge(edge)
        net.add_edge(options.pop("from"), options.pop("to"), **options)
    net.options = vis_options()
    nodes, edges, _heading, _height, _width, _options = net.get_network_data()
    return {
        "nodes": nodes,
        "edges": edges,
        "options": net.options,
        "legend": legend(list(graph.nodes.values()), list(graph.edges.values())),
        "clusters": _cluster_members(graph, folded, link_base) if folded else {},
        "fixed_layout": True,
    }


def _cluster_members(graph: Graph, folded: Folded, link_base: str) -> dict[str, Any]:
    """For each cluster small enough to unfold in the page: its member nodes, and every original edge
    that touches one of them, with the id drawn today for the other end."""
    clusters: dict[str, Any] = {}
    for cluster, members in folded.members.items():
        if cluster not in graph.nodes or len(members) > INLINE_MEMBERS:
            continue
        inside = set(members)
        edges = [e for e in folded.originals.edges.values() if e.source in inside or e.target in inside]
        clusters[cluster] = {
            "nodes": [vis_node(folded.originals.nodes[m], link_base) for m in members],
            "edges": [vis_edge(e) for e in edges],
            "home": {end: folded.home[end] for e in edges for end in (e.source, e.target) if end not in inside},
        }
    return clusters
