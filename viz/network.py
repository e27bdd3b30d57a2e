"""pyvis builds the network (nodes, edges, options); the page renders pyvis's data with its own
template, never with pyvis's (which loads from CDNs, does not escape, and writes files)."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from pyvis.network import Network

from .layout import compute_positions, needs_layout
from .looks import edge_options, legend, node_options
from .model import Graph, Node

PAGE_OF = {"task": "/tasks/", "department": "/departments/", "collective": "/departments/",
           "facility": "/facility-types/"}


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


def vis_options(hierarchical: bool, fixed: bool) -> dict[str, Any]:
    options: dict[str, Any] = {
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False, "keyboard": True},
        "nodes": {"font": {"size": 12, "face": "sans-serif"}},
        "edges": {"smooth": False, "scaling": {"min": 1, "max": 8}},
        "physics": {"enabled": not fixed, "solver": "forceAtlas2Based",
                    "stabilization": {"enabled": True, "iterations": 300, "updateInterval": 50},
                    "forceAtlas2Based": {"gravitationalConstant": -40, "springLength": 80}},
    }
    if hierarchical:
        options["layout"] = {"hierarchical": {"enabled": True, "direction": "LR", "sortMethod": "directed",
                                              "levelSeparation": 220, "nodeSpacing": 60}}
        options["physics"] = {"enabled": True, "solver": "hierarchicalRepulsion",
                              "hierarchicalRepulsion": {"nodeDistance": 90},
                              "stabilization": {"enabled": True, "iterations": 200}}
    return options


def build_network(graph: Graph, hierarchical: bool = False, link_base: str = "") -> Network:
    """The pyvis Network of a view: one look per node and edge kind, positions fixed above the threshold."""
    net = Network(directed=True)
    net.node_ids = _IdList()
    fixed = needs_layout(graph, hierarchical)
    positions = compute_positions(graph) if fixed else {}
    for node in graph.nodes.values():
        extra: dict[str, Any] = {"kind": node.kind, "info": node.info(), "href": page_link(node, link_base)}
        if node.id in positions:
            x, y = positions[node.id]
            extra.update(x=round(x, 1), y=round(y, 1), fixed=True, physics=False)
        if node.id in graph.roots:
            extra["root"] = True
        options = node_options(node)
        net.add_node(node.id, label=node.label, **options, **extra)
    for edge in graph.edges.values():
        net.add_edge(edge.source, edge.target, kind=edge.kind, **edge_options(edge))
    net.options = vis_options(hierarchical, fixed)
    return net


def network_json(graph: Graph, hierarchical: bool = False, link_base: str = "") -> dict[str, Any]:
    """nodes, edges and options as the page and /viz/data share them."""
    net = build_network(graph, hierarchical, link_base)
    nodes, edges, _heading, _height, _width, _options = net.get_network_data()
    return {
        "nodes": nodes,
        "edges": edges,
        "options": net.options,
        "legend": legend(list(graph.nodes.values()), list(graph.edges.values())),
        "fixed_layout": needs_layout(graph, hierarchical),
    }
