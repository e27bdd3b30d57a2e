"""Which nodes fold first, and into what, for each view (viz.aggregate.coarsen applies them fine to coarse
until the view fits its budget): duties by lead department, section or facility category, facility types by
top-level type, departments by function family, the quality view's findings by kind, then duties by plan."""
from __future__ import annotations

from collections import Counter

from .aggregate import Fold
from .looks import ORPHAN_REASONS, short_label
from .model import RESPONSIBILITY, Graph, Node


def folds(view: str, graph: Graph, tree: dict[str, Node], plan_names: dict[str, str]) -> list[Fold]:
    """Which nodes fold first, and into what, for each view."""
    top = _top_types(tree)
    lead = _leads(graph)
    category = _task_categories(graph, top)
    root_kinds = {graph.nodes[r].kind for r in graph.roots if r in graph.nodes}
    led_by_root = {e.source for e in graph.edges.values() if e.kind == "lead" and e.target in graph.roots}

    def by_top(n: Node) -> tuple[str, str] | None:
        t = top.get(n.id)
        return ("top:" + t.id, t.label) if t else None

    def by_family(n: Node) -> tuple[str, str]:
        return ("family:" + (n.family or ""), n.family or "未标注职能")

    def by_section(n: Node) -> tuple[str, str]:
        if n.section:
            return (f"section:{n.plan}:{n.section}", n.section.lstrip("一二三四五六七八九十（）()、. 0123456789"))
        return (f"plan:{n.plan}", plan_names.get(n.plan or "", ""))

    def by_lead(n: Node) -> tuple[str, str]:
        unit = lead.get(n.id)
        return ("lead:" + unit.id, short_label(unit.label, 5) + "牵头") if unit else by_section(n)

    def by_category(n: Node) -> tuple[str, str]:
        if n.id in category:
            return ("category:" + category[n.id], category[n.id])
        if n.section:
            return by_section(n)
        role = "牵头" if n.id in led_by_root else "配合"
        return ("role:" + role, f"{role}（未涉及设施）")

    def by_plan(n: Node) -> tuple[str, str]:
        return ("plan:" + (n.plan or ""), plan_names.get(n.plan or "", n.plan or ""))

    facilities = Fold("facility", by_top, "{name}类 · {n}种", view == "start", lambda n: {"facility": top[n.id].label})
    departments = Fold("department", by_family, "{name} · {n}个部门", False, lambda n: {"function": n.family or ""})
    small = [Fold("indicator", lambda n: ("indicator", "量化指标"), "{name} · {n}项", True),
             Fold("regulation", lambda n: ("regulation", "法规文件"), "{name} · {n}部", True),
             Fold("collective", lambda n: ("collective", "集合性单位"), "{name} · {n}个", True)]
    plans = Fold("task", by_plan, "{name} · {n}项任务", True, lambda n: {"plan": n.plan or ""})
    if view in ("start", "sharing"):
        return [facilities, departments]
    if view == "quality":
        return [*_quality_folds(graph), Fold("task", by_section, "{name} · {n}项", True), plans]
    if view == "dependencies":
        return [plans]
    if "department" in root_kinds:          # a department's duties, by the facility types they concern
        tasks = Fold("task", by_category, "{name} · {n}项任务", True, lambda n: {"facility": category[n.id]}
                     if n.id in category else {})
    else:
        tasks = Fold("task", by_lead, "{name} · {n}项", True,
                     lambda n: {"focus": lead[n.id].id} if n.id in lead else {})
    return [*small, tasks, facilities, departments, plans]


def _quality_folds(graph: Graph) -> list[Fold]:
    """The quality view keeps the strongest findings in sight longest: orphans without a pair fold first (by
    reason), then parallel families (one template, not a problem; then all of a plan's), then the table duties
    a measure restates (one group per measure, so its restates arrow stays drawn), then overlap families (the
    largest first: a pair folds last, as its edge is the finding), then all of a plan's overlaps."""
    keys = _QualityKeys(graph)
    return [Fold("task", key, "{name} · {n}项", True) for key in
            (keys.by_reason, keys.by_parallel, keys.by_parallel_plan, keys.by_measure, keys.by_overlap,
             keys.by_overlap_plan)]


class _QualityKeys:
    """Group keys of the quality view's folds, from which findings each duty is an end of."""

    def __init__(self, graph: Graph) -> None:
        self.ends: dict[str, set[str]] = {}
        for e in graph.edges.values():
            self.ends.setdefault(e.source, set()).add(e.kind)
            self.ends.setdefault(e.target, set()).add("restated" if e.kind == "restates" else e.kind)
        self.parallel = _families_of(graph, "parallel-with")
        self.overlap = _families_of(graph, "overlaps-with")
        self.restated_by: dict[str, str] = {}
        for e in sorted(graph.edges.values(), key=lambda e: (e.target, e.source)):
            if e.kind == "restates":
                self.restated_by.setdefault(e.target, e.source)

    def by_reason(self, n: Node) -> tuple[str, str] | None:
        if n.id in self.ends or not n.orphan_reasons:
            return None
        reason = n.orphan_reasons[0]
        return (f"orphan:{n.plan}:{reason}", ORPHAN_REASONS.get(reason, reason))

    def by_parallel(self, n: Node) -> tuple[str, str] | None:
        if n.id not in self.parallel or self.ends[n.id] - {"parallel-with"}:
            return None
        return ("parallel:" + self.parallel[n.id], "并列任务组")

    def by_parallel_plan(self, n: Node) -> tuple[str, str] | None:
        return ("parallel-plan:" + (n.plan or ""), "并列任务") if self.by_parallel(n) else None

    def by_measure(self, n: Node) -> tuple[str, str] | None:
        if n.id not in self.restated_by or self.ends[n.id] - {"restated", "parallel-with"}:
            return None
        return ("restated:" + self.restated_by[n.id], "被复述的任务")

    def by_overlap(self, n: Node) -> tuple[str, str] | None:
        return ("overlap:" + self.overlap[n.id], "交叉任务组") if self.by_overlap_plan(n) else None

    def by_overlap_plan(self, n: Node) -> tuple[str, str] | None:
        """A duty in overlap pairs only (a restating measure stays drawn, and so does a duplicate)."""
        if n.id not in self.overlap or self.ends[n.id] & {"duplicate-of", "restates"}:
            return None
        return ("overlap-plan:" + (n.plan or ""), "交叉任务")


def _families_of(graph: Graph, kind: str) -> dict[str, str]:
    """Each node linked by `kind` edges → the smallest id of its connected group (one key per group)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for e in graph.edges.values():
        if e.kind == kind:
            a, b = find(e.source), find(e.target)
            parent[max(a, b)] = min(a, b)
    return {x: find(x) for x in parent}


def _top_types(tree: dict[str, Node]) -> dict[str, Node]:
    """Each facility type's top-level type (交通运输, 人员密集场所 …), following skos:broader."""
    top: dict[str, Node] = {}
    for iri in tree:
        current, seen = iri, set()
        while tree[current].broader in tree and current not in seen:
            seen.add(current)
            current = tree[current].broader or ""
        top[iri] = tree[current]
    return top


def _leads(graph: Graph) -> dict[str, Node]:
    lead: dict[str, Node] = {}
    for e in sorted(graph.edges.values(), key=lambda e: (("lead", "co-responsible", "collective").index(e.kind)
                                                          if e.kind in RESPONSIBILITY else 9, e.target)):
        if e.kind in RESPONSIBILITY and e.source not in lead:
            lead[e.source] = graph.nodes[e.target]
    return lead


def _task_categories(graph: Graph, top: dict[str, Node]) -> dict[str, str]:
    """Each duty's facility category: of the top-level types its facility types fall under, the one most
    duties of the view share (so the groups are few and large)."""
    tops: dict[str, set[str]] = {}
    for e in graph.edges.values():
        if e.kind == "concerns" and e.target in top:
            tops.setdefault(e.source, set()).add(top[e.target].label)
    counts = Counter(label for labels in tops.values() for label in labels)
    return {task: min(labels, key=lambda label: (-counts[label], label)) for task, labels in tops.items()}
