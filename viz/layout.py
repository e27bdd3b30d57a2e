"""Server-side layout for graphs too big for the browser's physics. Below LAYOUT_THRESHOLD nodes
vis-network's own physics settles the drawing quickly; above it the page would spin for seconds, so the
positions are computed here (networkx on the most connected nodes, the rest placed around their
neighbours), scaled to screen units, and the nodes are fixed with physics off."""
from __future__ import annotations

import math
from collections import deque

import networkx as nx

from .model import Graph

# Measured with benchmarks/bench_viz.py (docs/VIZ.md), headless Chromium, synthetic plans: physics needs
# 1.5 s for 150 nodes, 1.7 s for 300, 2.6 s for 500, 4.7 s for 1,000 and 19 s for 3,000 before the first
# settled frame; precomputed positions draw 300 nodes in 0.3 s, 3,000 in 1.0 s and 20,000 in 4.8 s.
# Up to 300 nodes the physics layout reads better and still settles in under 2 s; above, we lay out here.
LAYOUT_THRESHOLD = 300
ANCHORS = 250            # nodes laid out by networkx's spring layout; the rest follow them
SPACING = 45.0           # screen units per node along one side of the drawing, roughly
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def needs_layout(graph: Graph, hierarchical: bool = False) -> bool:
    return not hierarchical and len(graph.nodes) > LAYOUT_THRESHOLD


def compute_positions(graph: Graph, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Positions for every node: O(nodes + edges) apart from a spring layout of ANCHORS nodes."""
    adjacent = graph.neighbours()
    order = sorted(adjacent, key=lambda n: (-len(adjacent[n]), n))
    anchors = set(order[:ANCHORS])
    skeleton = nx.Graph()
    skeleton.add_nodes_from(sorted(anchors))
    for node in order:
        linked = sorted(a for a in adjacent[node] if a in anchors)
        if node in anchors:
            skeleton.add_edges_from(((node, a) for a in linked), weight=1)
        else:  # two anchors sharing a neighbour pull together; only the first few pairs, to stay linear
            for a, b in zip(linked, linked[1:5]):
                weight = skeleton.get_edge_data(a, b, {}).get("weight", 0)
                skeleton.add_edge(a, b, weight=weight + 1)
    side = SPACING * math.sqrt(len(graph.nodes))
    raw = nx.spring_layout(skeleton, seed=seed, iterations=60) if len(skeleton) > 1 else {n: (0.0, 0.0) for n in skeleton}
    positions = {n: (float(x) * side, float(y) * side) for n, (x, y) in raw.items()}
    placed_around: dict[str, int] = {}
    queue = deque(a for a in order if a in anchors)
    while queue:
        current = queue.popleft()
        for neighbour in sorted(adjacent[current]):
            if neighbour in positions:
                continue
            k = placed_around[current] = placed_around.get(current, 0) + 1
            radius = SPACING * 0.9 * math.sqrt(k)
            cx, cy = positions[current]
            positions[neighbour] = (cx + radius * math.cos(k * GOLDEN_ANGLE), cy + radius * math.sin(k * GOLDEN_ANGLE))
            queue.append(neighbour)
    leftovers = [n for n in order if n not in positions]   # components without an anchor
    columns = max(1, int(math.sqrt(len(leftovers))))
    for i, node in enumerate(leftovers):
        positions[node] = (side * 0.6 + (i % columns) * SPACING, (i // columns) * SPACING - side / 2)
    return positions
