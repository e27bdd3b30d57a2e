"""Positions for every view, computed here so that the same data gives the same picture: each connected
part is laid out (networkx spring layout with a fixed seed, or layers left → right for dependencies), its
label boxes pushed apart until none overlaps another, and the parts packed in rows to the shape of a
screen. The page draws the positions as they are, nodes fixed and physics off.

Label boxes are estimated from the label text (a CJK character is FONT_SIZE wide) and the node's shape,
a little larger than vis-network draws them (tests/test_viz_readable.py measures the drawn ones)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx
import numpy as np

from .looks import FONT_SIZE, NODE_LOOKS
from .model import Graph, Node

# Kept for callers of the old threshold: every view is now laid out here, whatever its size.
LAYOUT_THRESHOLD = 0
SEED = 7
MARGIN = 8.0             # free space kept around every label box (screen units = pixels at zoom 1)
ASPECT = 1.5             # the width/height the parts are packed to (the network pane of a laptop screen)
GAP = 40.0               # between packed parts
LAYER_GAP = 60.0         # between the layers of a layered layout
LABEL_INSIDE = {"box", "ellipse", "circle", "database", "text"}


@dataclass(frozen=True)
class Box:
    """A node's drawn extent relative to its position: left, top, right, bottom (y grows downwards)."""
    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top


def text_width(text: str, size: int = FONT_SIZE) -> float:
    return sum(size * (1.0 if ord(c) > 0x2E7F else 0.62) for c in text)


def label_box(node: Node, label: str) -> Box:
    """What vis-network draws for the node: the shape with its label below, or a shape around the label."""
    look = NODE_LOOKS[node.kind]
    text_w, text_h = text_width(label), FONT_SIZE * 1.3
    if look.shape in LABEL_INSIDE:
        inner_w, inner_h = text_w + 10, text_h + 10
        if look.shape == "ellipse":
            inner_w, inner_h = inner_w + inner_h, inner_h * 2
        return Box(-inner_w / 2 - 2, -inner_h / 2 - 2, inner_w / 2 + 2, inner_h / 2 + 2)
    size = look.size + 4
    half = max(size, text_w / 2)
    return Box(-half, -size, half, size + 4 + text_h)


def compute_positions(graph: Graph, labels: dict[str, str], layered: bool = False) -> dict[str, tuple[float, float]]:
    """Positions for every node of the graph; the same graph gives the same positions."""
    boxes = {n: label_box(node, labels[n]) for n, node in graph.nodes.items()}
    g = nx.Graph()
    g.add_nodes_from(graph.nodes)
    for e in graph.edges.values():
        weight = math.log2(1 + e.weight)
        if g.has_edge(e.source, e.target):
            g[e.source][e.target]["weight"] += weight
        else:
            g.add_edge(e.source, e.target, weight=weight)
    order = {n: i for i, n in enumerate(graph.nodes)}
    parts = sorted((sorted(c, key=order.__getitem__) for c in nx.connected_components(g)),
                   key=lambda c: (-len(c), order[c[0]]))
    placed = []
    for part in parts:
        if layered:
            raw = _layered(graph, part, boxes)
        else:
            raw = _spring(g.subgraph(part), part, boxes)
        placed.append(_separate(part, raw, boxes))
    return _fit_aspect(_pack(placed, boxes), boxes)


def _spring(g: nx.Graph, part: list[str], boxes: dict[str, Box]) -> dict[str, tuple[float, float]]:
    if len(part) == 1:
        return {part[0]: (0.0, 0.0)}
    # the area the labels need, with room to spare: a spring layout in [-1, 1] scaled to it
    area = sum((boxes[n].width + MARGIN) * (boxes[n].height + MARGIN) for n in part)
    side = math.sqrt(area * 2.2)
    sub = nx.Graph()
    sub.add_nodes_from(part)                                    # insertion order fixes the seed's meaning
    sub.add_edges_from(sorted((u, v, d) for u, v, d in g.edges(data=True)))
    start = nx.circular_layout(sub)                             # deterministic start, no random draw
    raw = nx.spring_layout(sub, pos=start, seed=SEED, iterations=200, weight="weight", k=1.6 / math.sqrt(len(part)))
    xs = np.array([raw[n] for n in part], dtype=float)
    xs -= xs.mean(axis=0)
    span = float(np.abs(xs).max()) or 1.0
    xs = xs / span * (side / 2)
    return {n: (float(x), float(y)) for n, (x, y) in zip(part, xs)}


def _layered(graph: Graph, part: list[str], boxes: dict[str, Box]) -> dict[str, tuple[float, float]]:
    """Left → right by topological generation (what must come first on the left); cycles are collapsed."""
    members = set(part)
    flow = nx.DiGraph()
    flow.add_nodes_from(part)
    for e in graph.edges.values():
        if e.source in members and e.target in members:
            flow.add_edge(e.target, e.source)                   # dependsOn points from later to earlier
    condensed = nx.condensation(flow)
    layer_of: dict[str, int] = {}
    for level, generation in enumerate(nx.topological_generations(condensed)):
        for scc in generation:
            for n in condensed.nodes[scc]["members"]:
                layer_of[n] = level
    layers: dict[int, list[str]] = {}
    for n in part:
        layers.setdefault(layer_of[n], []).append(n)
    rank: dict[str, float] = {}
    x = 0.0
    positions: dict[str, tuple[float, float]] = {}
    for level in sorted(layers):
        nodes = layers[level]
        # order a layer by the mean rank of what it depends on (barycentre), ties by input order
        nodes.sort(key=lambda n: (_mean([rank[p] for p in flow.predecessors(n) if p in rank]), part.index(n)))
        width = max(boxes[n].width for n in nodes)
        y = 0.0
        for i, n in enumerate(nodes):
            rank[n] = i
            positions[n] = (x - boxes[n].left - boxes[n].width / 2 + width / 2, y - boxes[n].top)
            y += boxes[n].height + MARGIN
        height = y
        for n in nodes:                                         # centre each layer vertically
            px, py = positions[n]
            positions[n] = (px, py - height / 2)
        x += width + LAYER_GAP
    return positions


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else -1.0


def _separate(part: list[str], raw: dict[str, tuple[float, float]], boxes: dict[str, Box]) -> dict[str, tuple[float, float]]:
    """Push overlapping label boxes apart along the axis where they overlap least, until none overlaps;
    when pushing stalls, spread the whole part a little and go on (so it always ends)."""
    if len(part) == 1:
        return raw
    pos = np.array([raw[n] for n in part], dtype=float)
    offset = np.array([((boxes[n].left + boxes[n].right) / 2, (boxes[n].top + boxes[n].bottom) / 2) for n in part])
    half = np.array([((boxes[n].width + MARGIN) / 2, (boxes[n].height + MARGIN) / 2) for n in part])
    n = len(part)
    tie = np.sign(np.subtract.outer(np.arange(n), np.arange(n))).astype(float)   # coincident boxes split by index
    upper = np.triu(np.ones((n, n), dtype=bool), 1)
    for _round in range(60):
        for _ in range(40):
            centre = pos + offset
            dx = np.subtract.outer(centre[:, 0], centre[:, 0])
            dy = np.subtract.outer(centre[:, 1], centre[:, 1])
            ox = np.add.outer(half[:, 0], half[:, 0]) - np.abs(dx)
            oy = np.add.outer(half[:, 1], half[:, 1]) - np.abs(dy)
            hit = (ox > 0) & (oy > 0) & upper
            if not hit.any():
                return {p: (round(float(x), 1), round(float(y), 1)) for p, (x, y) in zip(part, pos)}
            sx = np.where(dx != 0, np.sign(dx), tie)
            sy = np.where(dy != 0, np.sign(dy), tie)
            along_x = hit & (ox / half[:, 0].mean() <= oy / half[:, 1].mean())
            along_y = hit & ~along_x
            push_x = np.where(along_x, (ox / 2 + 0.5) * sx, 0.0)
            push_y = np.where(along_y, (oy / 2 + 0.5) * sy, 0.0)
            move = np.stack([push_x.sum(axis=1) - push_x.sum(axis=0), push_y.sum(axis=1) - push_y.sum(axis=0)], axis=1)
            pos += move * 0.5
        pos = (pos - pos.mean(axis=0)) * 1.08
    raise AssertionError("label boxes could not be separated")  # pragma: no cover - spreading always ends it


def _extent(positions: dict[str, tuple[float, float]], boxes: dict[str, Box]) -> tuple[float, float, float, float]:
    left = min(x + boxes[n].left for n, (x, y) in positions.items())
    top = min(y + boxes[n].top for n, (x, y) in positions.items())
    right = max(x + boxes[n].right for n, (x, y) in positions.items())
    bottom = max(y + boxes[n].bottom for n, (x, y) in positions.items())
    return left, top, right, bottom


def _pack(parts: list[dict[str, tuple[float, float]]], boxes: dict[str, Box]) -> dict[str, tuple[float, float]]:
    """Parts in rows (largest first), each row as wide as a screen-shaped rectangle holding them all."""
    if not parts:
        return {}
    extents = [_extent(p, boxes) for p in parts]
    sizes = [(r - left + GAP, b - t + GAP) for left, t, r, b in extents]
    area = sum(w * h for w, h in sizes)
    row_width = max(max(w for w, _ in sizes), math.sqrt(area * ASPECT))
    positions: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for part, (left, t, _r, _b), (w, h) in zip(parts, extents, sizes):
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for n, (px, py) in part.items():
            positions[n] = (px - left + x, py - t + y)
        x += w
        row_height = max(row_height, h)
    return positions


def _fit_aspect(positions: dict[str, tuple[float, float]], boxes: dict[str, Box]) -> dict[str, tuple[float, float]]:
    """Stretch the short side when the drawing is too flat or too tall for a screen (stretching only
    moves boxes apart), then centre it on the origin."""
    if not positions:
        return {}
    left, top, right, bottom = _extent(positions, boxes)
    width, height = right - left, bottom - top
    sx = sy = 1.0
    if width / height > 2.5:
        sy = (width / height) / 2.5
    elif height / width > 1.5:
        sx = (height / width) / 1.5
    cx, cy = (left + right) / 2, (top + bottom) / 2
    return {n: (round((x - cx) * sx, 1), round((y - cy) * sy, 1)) for n, (x, y) in positions.items()}
