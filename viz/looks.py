"""One look per node kind and per edge kind (shape, colour, size, dashes, arrows), the colour of each
department function, and the legend that explains them. Colours are fixed so screenshots compare."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from .model import EDGE_KINDS, NODE_KINDS, Edge, Node

NO_FUNCTION_COLOUR = "#9e9e9e"
ORPHAN_RING = "#d32f2f"

# Colour-blind-friendly-ish palette for department functions (Tableau 20, minus the greys).
FUNCTION_PALETTE = (
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
    "#a0cbe8", "#ffbe7d", "#8cd17d", "#86bcb6", "#f1ce63", "#d4a6c8", "#fabfd2", "#d7b5a6", "#499894",
)


@dataclass(frozen=True)
class NodeLook:
    label: str
    shape: str
    colour: str
    size: int


@dataclass(frozen=True)
class EdgeLook:
    label: str
    colour: str
    width: float
    dashes: bool
    arrow: bool


NODE_LOOKS: dict[str, NodeLook] = {
    "department": NodeLook("部门 department (colour = function)", "dot", NO_FUNCTION_COLOUR, 18),
    "collective": NodeLook("集合性单位 collective unit", "hexagon", "#bdbdbd", 14),
    "task": NodeLook("任务 duty", "square", "#607d8b", 8),
    "facility": NodeLook("设施/风险类型 facility type", "diamond", "#ff7043", 16),
    "regulation": NodeLook("法规文件 regulation", "triangle", "#8d6e63", 12),
    "indicator": NodeLook("量化指标 indicator", "star", "#fbc02d", 10),
    "plan": NodeLook("方案 plan", "box", "#37474f", 20),
}

EDGE_LOOKS: dict[str, EdgeLook] = {
    "lead": EdgeLook("牵头 lead", "#1565c0", 2.0, False, True),
    "co-responsible": EdgeLook("配合 co-responsible", "#64b5f6", 1.0, False, True),
    "collective": EdgeLook("集合性单位 collective", "#9e9e9e", 1.0, True, True),
    "concerns": EdgeLook("涉及设施 concerns", "#ff7043", 1.0, False, True),
    "cites": EdgeLook("引用法规 cites", "#8d6e63", 1.0, True, True),
    "has-indicator": EdgeLook("量化指标 has indicator", "#fbc02d", 1.0, False, True),
    "depends-on": EdgeLook("依赖 depends on", "#6a1b9a", 2.0, False, True),
    "duplicate-of": EdgeLook("重复 duplicate of", "#d32f2f", 3.0, False, False),
    "parallel-with": EdgeLook("并列 parallel with", "#f06292", 1.5, True, False),
    "corresponds-to": EdgeLook("对应 corresponds to", "#00897b", 1.5, True, True),
    "broader": EdgeLook("上位类型 broader", "#ffab91", 1.0, True, True),
    "part-of": EdgeLook("属于方案 part of plan", "#cfd8dc", 0.5, False, False),
    "shares": EdgeLook("共担任务数 shared duties", "#5c6bc0", 1.0, False, False),
}
assert set(NODE_LOOKS) == set(NODE_KINDS) and set(EDGE_LOOKS) == set(EDGE_KINDS)


def function_colour(function: str | None) -> str:
    """A stable colour per function IRI (same function, same colour, in every view and run)."""
    if not function:
        return NO_FUNCTION_COLOUR
    digest = hashlib.sha1(function.encode("utf-8")).digest()
    return FUNCTION_PALETTE[digest[0] % len(FUNCTION_PALETTE)]


def node_options(node: Node) -> dict[str, Any]:
    """vis-network options of one node (no title: the page builds tooltips as DOM text)."""
    look = NODE_LOOKS[node.kind]
    colour = function_colour(node.function) if node.kind == "department" else look.colour
    options: dict[str, Any] = {"shape": look.shape, "color": {"background": colour, "border": colour},
                               "size": look.size, "borderWidth": 1}
    if node.orphan_reasons:
        options["borderWidth"] = 4
        options["color"] = {"background": colour, "border": ORPHAN_RING,
                            "highlight": {"background": colour, "border": ORPHAN_RING}}
        options["shapeProperties"] = {"borderDashes": False}
    return options


def edge_options(edge: Edge) -> dict[str, Any]:
    look = EDGE_LOOKS[edge.kind]
    options: dict[str, Any] = {"color": look.colour, "width": look.width, "dashes": look.dashes,
                               "arrows": "to" if look.arrow else ""}
    if edge.kind == "shares":
        options["value"] = edge.weight
        options["label"] = str(edge.weight)
    return options


def legend(nodes: list[Node], edges: list[Edge]) -> dict[str, list[dict[str, Any]]]:
    """The legend entries for what is on screen: node kinds, functions (department colours), edge kinds."""
    kinds = {n.kind for n in nodes}
    functions = {(n.function, n.function_label or "未标注职能 no function")
                 for n in nodes if n.kind == "department"}
    edge_kinds = {e.kind for e in edges}
    return {
        "nodes": [{"kind": k, "label": NODE_LOOKS[k].label, "shape": NODE_LOOKS[k].shape,
                   "colour": NODE_LOOKS[k].colour} for k in NODE_KINDS if k in kinds],
        "functions": [{"function": f, "label": label, "colour": function_colour(f)}
                      for f, label in sorted(functions, key=lambda x: (x[1], x[0] or ""))],
        "edges": [{"kind": k, "label": EDGE_LOOKS[k].label, "colour": EDGE_LOOKS[k].colour,
                   "dashes": EDGE_LOOKS[k].dashes} for k in EDGE_KINDS if k in edge_kinds],
        "orphan": [{"label": "红圈 = 无人明确负责 orphan duty", "colour": ORPHAN_RING}]
        if any(n.orphan_reasons for n in nodes) else [],
    }
