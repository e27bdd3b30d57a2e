"""The records a network view is made of: nodes and edges of fixed kinds, the filters a view takes, and
the graph a view function returns. The page, the JSON API and the CLI all serialise these the same way."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

NodeKind = Literal["department", "collective", "task", "facility", "regulation", "indicator", "plan", "cluster"]
EdgeKind = Literal["lead", "co-responsible", "collective", "concerns", "cites", "has-indicator", "depends-on",
                   "duplicate-of", "overlaps-with", "restates", "parallel-with", "corresponds-to", "broader",
                   "part-of", "shares"]
ViewName = Literal["start", "all", "focus", "sharing", "quality", "dependencies"]

NODE_KINDS: tuple[NodeKind, ...] = ("plan", "department", "collective", "facility", "task", "regulation", "indicator",
                                    "cluster")
EDGE_KINDS: tuple[EdgeKind, ...] = ("lead", "co-responsible", "collective", "concerns", "cites", "has-indicator",
                                    "depends-on", "duplicate-of", "overlaps-with", "restates", "parallel-with",
                                    "corresponds-to", "broader", "part-of", "shares")
VIEWS: tuple[ViewName, ...] = ("start", "all", "focus", "sharing", "quality", "dependencies")

# The edges that name who answers for a duty.
RESPONSIBILITY: tuple[EdgeKind, ...] = ("lead", "co-responsible", "collective")
# Symmetric analysis edges are stored once per direction; the views draw them once.
SYMMETRIC: frozenset[str] = frozenset({"duplicate-of", "overlaps-with", "parallel-with"})


class VizError(ValueError):
    """A request the views cannot answer (unknown view, focus name not found); becomes an HTTP 4xx."""


class FocusNotFound(VizError):
    pass


@dataclass(frozen=True)
class Node:
    id: str
    kind: NodeKind
    label: str
    # Tooltip and filter facts; every value is plain text, never markup.
    plan: str | None = None
    number: int | None = None
    task_kind: str | None = None
    statement: str = ""
    departments: str = ""
    deadline: str | None = None
    section: str | None = None
    function: str | None = None
    function_label: str | None = None
    orphan_reasons: tuple[str, ...] = ()
    broader: str | None = None
    family: str | None = None            # the function's family label (安全应急 …): the department's colour
    # A cluster stands for `members` (original node ids) of `member_kind`; `expand_url` is the narrower
    # view that opens it when it is too big to unfold in the page.
    member_kind: str | None = None
    members: tuple[str, ...] = ()
    expand_url: str | None = None

    def info(self) -> dict[str, Any]:
        """The facts the page shows on hover, only those that are set."""
        facts: dict[str, Any] = {
            "kind": self.kind, "label": self.label, "plan": self.plan, "number": self.number,
            "statement": self.statement, "departments": self.departments, "deadline": self.deadline,
            "section": self.section,
            "function": self.function_label, "family": self.family,
            "orphan": " ".join(self.orphan_reasons),
            "count": len(self.members) if self.members else None, "member_kind": self.member_kind,
        }
        return {k: v for k, v in facts.items() if v not in (None, "")}


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: EdgeKind
    weight: int = 1
    # The duties an edge stands for (sharing and aggregated edges): merging edges unions them, so a
    # weight counts each duty once however many member pairs it links.
    duties: frozenset[str] = frozenset()

    @property
    def key(self) -> tuple[str, str, str]:
        if self.kind in SYMMETRIC:
            a, b = sorted((self.source, self.target))
            return (a, b, self.kind)
        return (self.source, self.target, self.kind)


@dataclass(frozen=True)
class Filters:
    """What the user narrowed the view to: a plan id, a function (IRI or name), a facility type (IRI or
    name, narrower types included) and the edge kinds to keep (empty = all)."""

    plan: str | None = None
    function: str | None = None
    facility: str | None = None
    edge_kinds: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        unknown = set(self.edge_kinds) - set(EDGE_KINDS)
        if unknown:
            raise VizError(f"unknown edge kind(s): {', '.join(sorted(unknown))}; known: {', '.join(EDGE_KINDS)}")

    @property
    def active(self) -> bool:
        return bool(self.plan or self.function or self.facility or self.edge_kinds)


@dataclass
class Graph:
    """A view's nodes and edges (no duplicates; every edge's ends are nodes), plus what the page needs."""

    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], Edge] = field(default_factory=dict)
    roots: list[str] = field(default_factory=list)
    truncated: bool = False

    def add_node(self, node: Node) -> None:
        self.nodes.setdefault(node.id, node)

    def add_edge(self, edge: Edge) -> None:
        if edge.source in self.nodes and edge.target in self.nodes and edge.source != edge.target:
            self.edges.setdefault(edge.key, edge)

    def subgraph(self, keep: set[str]) -> Graph:
        nodes = {k: v for k, v in self.nodes.items() if k in keep}
        edges = {k: e for k, e in self.edges.items() if e.source in keep and e.target in keep}
        return Graph(nodes, edges, [r for r in self.roots if r in keep], self.truncated)

    def neighbours(self) -> dict[str, set[str]]:
        adjacent: dict[str, set[str]] = {n: set() for n in self.nodes}
        for e in self.edges.values():
            adjacent[e.source].add(e.target)
            adjacent[e.target].add(e.source)
        return adjacent
