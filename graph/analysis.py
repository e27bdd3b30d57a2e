"""Run the analyses and write their results back as RDF, so SPARQL, the API and the visualisation see them.

Two kinds of result:
* per plan — orphans and gaps, duplicates and parallel families, dependencies: they depend on that plan's duties
  only and live in …/graph/analysis/plan/<plan id>. A load re-analyses the plans it loads, nothing else.
* across plans — alignments and department centrality, recomputed from every plan's duties at each load
  (alignment is blocked by neighbour plans, see graph/alignment.py). A plan's duties' correspondences live in
  …/graph/analysis/alignment/<plan id>, centrality in …/graph/analysis: each department's measured in its own
  government's network (dg:centralityIn), and per government and function a dg:FunctionCentrality node, what
  governments are compared by (graph/sharing.py).

Every analysis graph carries a digest of its content (`<graph> dg:contentDigest "…"`), and only graphs whose
content changed are written: loading one plan into a store of 500 rewrites that plan's graphs and those of
the plans whose best matches it changed, not 3 million alignment triples (a transaction that size held
13 GB in RocksDB). Alignment's fixed term weights (graph/reference_terms.py) are what keep the other plans'
graphs unchanged: with weights counted over the store, every score moved with every load. A load writes its
plans and the changed analysis graphs in one transaction (graph/load.py); `dutygraph analyse` recomputes
everything and writes what changed, also in one."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from . import namespaces as ns
from .alignment import align
from .backend import capabilities
from .dependencies import find_dependencies
from .duplicates import find_in_plan
from .orphans import orphans
from .sharing import department_centrality, department_functions, function_centrality
from .store import GraphPayload, named_graphs, replace_graphs
from .tasks import list_tasks

ANALYSIS_GRAPH = ns.GRAPH + "analysis"
PLAN_ANALYSIS_PREFIX = ns.GRAPH + "analysis/plan/"
ALIGNMENT_PREFIX = ns.GRAPH + "analysis/alignment/"


def plan_analysis_graph(plan_id: str) -> str:
    """The named graph holding one plan's own analysis results."""
    return PLAN_ANALYSIS_PREFIX + ns.slug(plan_id)


def alignment_graph(plan_id: str) -> str:
    """The named graph holding the correspondences of one plan's duties to other plans' duties."""
    return ALIGNMENT_PREFIX + ns.slug(plan_id)


@dataclass
class AnalysisResult:
    orphans: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    dependencies: list[dict[str, Any]] = field(default_factory=list)
    alignments: list[dict[str, Any]] = field(default_factory=list)
    sharing: dict[str, Any] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    triples: int = 0


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _dg(local: str) -> ox.NamedNode:
    return ox.NamedNode(ns.DG + local)


def _lit(value: Any) -> ox.Literal:
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=_n(ns.XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=_n(ns.XSD + "integer"))
    if isinstance(value, float):
        return ox.Literal(f"{value:.4f}", datatype=_n(ns.XSD + "decimal"))
    return ox.Literal(str(value))


RDF_TYPE = _n(ns.RDF + "type")


def run_analysis(store: ox.Store, plans: list[str] | None = None) -> AnalysisResult:
    """Re-analyse `plans` (all when None) and everything across plans; one transaction. A full run also
    drops the per-plan results of plans the store no longer holds."""
    result = AnalysisResult()
    clock = time.perf_counter()
    scope = sorted(set(plans) if plans is not None else _plan_ids(store))
    mine = _all_tasks(store, scope)
    everything = cross_plan_inputs(store)
    result.seconds["read"] = round(time.perf_counter() - clock, 3)
    graphs = [ns.plan_graph(p) for p in scope] if plans is not None else None
    payloads = plan_findings(store, mine, scope, result, graphs) + cross_plan_findings(everything, result)
    if plans is None:
        live = {p.graph for p in payloads}
        payloads += [GraphPayload(g, []) for g in named_graphs(store)
                     if g.startswith((PLAN_ANALYSIS_PREFIX, ALIGNMENT_PREFIX)) and g not in live]
    result.triples = replace_graphs(store, changed(store, payloads))
    return result


def changed(store: ox.Store, payloads: list[GraphPayload]) -> list[GraphPayload]:
    """The payloads whose content differs from what the store holds, each with its digest triple added;
    an empty payload for a graph the store does not hold is no change either."""
    return Baseline.of(store).keep(payloads)


@dataclass(frozen=True)
class Baseline:
    """The analysis graphs' digests and the named graphs of the store before a load, read once: a load that
    streams its graphs (graph/load.py) decides graph by graph what changed while the store is being written."""

    digests: dict[str, str]
    graphs: frozenset[str]

    @classmethod
    def of(cls, store: ox.Store) -> Baseline:
        from .queries import select_text

        return cls({row["g"]: row["digest"] for row in select_text(store, _DIGESTS)}, frozenset(named_graphs(store)))

    def keep(self, payloads: list[GraphPayload]) -> list[GraphPayload]:
        out = []
        for payload in payloads:
            digest = _digest(payload.triples)
            if self.digests.get(payload.graph) == digest or (not payload.triples and payload.graph not in self.graphs):
                continue
            mark = (_n(payload.graph), _dg("contentDigest"), _lit(digest)) if payload.triples else None
            out.append(GraphPayload(payload.graph, payload.triples + ([mark] if mark else [])))
        return out


_DIGESTS = """PREFIX dg: <https://w3id.org/dutygraph/ontology#>
SELECT ?g ?digest WHERE { GRAPH ?g { ?g dg:contentDigest ?digest } }"""


def _canonical(term: Any) -> str:
    """A term as N-Triples with literals always typed, so a triple read back from the store digests the
    same as the one built here (pyoxigraph prints plain xsd:string literals without their datatype)."""
    if isinstance(term, ox.Literal) and not term.language:
        return f'{ox.Literal(term.value)}^^<{term.datatype.value}>'
    return str(term)


def _digest(triples: list[tuple]) -> str:
    """Order- and repetition-independent digest of a graph's triples (sha256 of the sorted distinct N-Triples
    lines). Compared only with digests of payloads built the same way, never with triples read back."""
    import hashlib

    h = hashlib.sha256()
    for line in sorted({f"{_canonical(s)} {p} {_canonical(o)} ." for s, p, o in triples}):
        h.update(line.encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def stored_digest(store: ox.Store, graph: str) -> str:
    """_digest of a graph as a store holds it. pyoxigraph normalises literals ("0.90"^^xsd:decimal is read back
    as "0.9"), so compare it only with another stored_digest, e.g. of a payload put in an in-memory store."""
    return _digest([(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, _n(graph))])


def plan_findings(store: ox.Store, tasks: list[dict[str, Any]], plans: list[str], result: AnalysisResult,
                  graphs: list[str] | None = None) -> list[GraphPayload]:
    """Orphans, duplicates and dependencies of `tasks` (the duties of `plans`), one payload per plan —
    empty ones too, so a re-load clears what no longer holds. `store` must hold those plans' graphs; SHACL
    validation reads only `graphs` when given."""
    by_plan: dict[str, list[dict[str, Any]]] = {}
    for task in tasks:
        by_plan.setdefault(task["plan"]["id"], []).append(task)
    found = AnalysisResult()
    found.orphans = _timed(result, "orphans", lambda: orphans(store, tasks, graphs))
    found.duplicates = _timed(result, "duplicates",
                              lambda: [f.as_json() for items in by_plan.values() for f in find_in_plan(items)])
    found.dependencies = _timed(result, "dependencies", lambda: find_dependencies(tasks))
    result.orphans += found.orphans
    result.duplicates += found.duplicates
    result.dependencies += found.dependencies
    per_plan: dict[str, list[tuple]] = {p: [] for p in plans}
    for entry in found.orphans:
        per_plan.setdefault(entry["plan"], []).extend(_orphan_triples(entry))
    for entry in found.duplicates:
        per_plan.setdefault(ns.plan_of_task(entry["tasks"][0]) or "", []).extend(_duplicate_triples(entry))
    for dep in found.dependencies:
        per_plan.setdefault(ns.plan_of_task(dep["from"]) or "", []).extend(_dependency_triples(dep))
    return [GraphPayload(plan_analysis_graph(p), triples) for p, triples in sorted(per_plan.items())]


def cross_plan_findings(tasks: list[dict[str, Any]], result: AnalysisResult) -> list[GraphPayload]:
    """Alignments and centrality over every plan's duties (in plan id order): one alignment graph per plan
    (empty ones too, so stale matches are cleared) and the centrality graph."""
    result.alignments = _timed(result, "alignments", lambda: align(tasks))
    result.sharing = _timed(result, "sharing", lambda: _sharing(tasks))
    per_plan: dict[str, list[tuple]] = {t["plan"]["id"]: [] for t in tasks}
    for entry in result.alignments:
        per_plan.setdefault(entry["plan"], []).extend(_alignment_triples(entry))
    return [GraphPayload(alignment_graph(p), triples) for p, triples in sorted(per_plan.items())] + \
        [GraphPayload(ANALYSIS_GRAPH, _centrality_triples(result.sharing))]


def _sharing(tasks: list[dict[str, Any]]) -> dict[str, Any]:
    departments = department_centrality(tasks)
    return {"centrality": departments, "functions": function_centrality(departments, department_functions(tasks))}


def _centrality_triples(sharing: dict[str, Any]) -> list[tuple]:
    """Each department's centrality within its government, and one node per government and function."""
    out: list[tuple] = []
    for dept in sharing.get("centrality", []):
        node = _n(dept["iri"])
        out += [(node, _dg("centrality"), _lit(float(dept["eigenvector"]))),
                (node, _dg("betweenness"), _lit(float(dept["betweenness"]))),
                (node, _dg("centralityIn"), ox.Literal(dept["jurisdiction"]))]
    for entry in sharing.get("functions", []):
        node = _n(f"{ns.ID}centrality/{ns.slug(entry['jurisdiction'])}/{ns.slug(entry['function'].rsplit('/', 1)[-1])}")
        out += [(node, RDF_TYPE, _dg("FunctionCentrality")), (node, _dg("ofFunction"), _n(entry["function"])),
                (node, _dg("centralityIn"), ox.Literal(entry["jurisdiction"])),
                (node, _dg("centrality"), _lit(float(entry["centrality"]))),
                (node, _dg("betweenness"), _lit(float(entry["betweenness"])))]
        out += [(node, _dg("fromDepartment"), _n(d)) for d in entry["departments"]]
    return out


def _timed(result: AnalysisResult, name: str, fn):
    start = time.perf_counter()
    value = fn()
    result.seconds[name] = round(result.seconds.get(name, 0.0) + time.perf_counter() - start, 3)
    return value


def _plan_ids(store: ox.Store) -> list[str]:
    from .queries import select

    return sorted({row["planId"] for row in select(store, "stats")})


def _all_tasks(store: ox.Store, plans: list[str] | None = None) -> list[dict[str, Any]]:
    """list_tasks(store) for `plans` (all when None), read plan by plan (each from its own graph): the single
    query over the union runs out of memory at 150,000 duties, one plan at a time costs that plan."""
    if not capabilities(store).scoped_queries:
        return [t for t in list_tasks(store) if plans is None or t["plan"]["id"] in plans]
    return [task for plan in (plans if plans is not None else _plan_ids(store)) for task in list_tasks(store, plan=plan)]


def cross_plan_inputs(store: ox.Store, skip: frozenset[str] | set[str] = frozenset()) -> list[dict[str, Any]]:
    """The duties as alignment and centrality read them (id, plan and its jurisdiction, kind, texts, facility
    labels, concrete departments and their functions), from five queries over the whole store instead of the full listing plan by plan;
    plans in `skip` are left out. Ordered like list_tasks: plan, first line, kind, number."""
    from .queries import select

    facilities: dict[str, list[str]] = {}
    for row in select(store, "analysis_facilities"):
        facilities.setdefault(row["task"], []).append(row["label"])
    departments: dict[str, list[tuple[int, str, str]]] = {}
    for row in select(store, "analysis_departments"):
        departments.setdefault(row["task"], []).append((row["order"], row["unit"], row["name"]))
    functions: dict[str, list[str]] = {}
    for row in select(store, "department_functions"):
        functions.setdefault(row["dept"], []).append(row["function"])
    governments = {row["plan"]: row["jurisdiction"] for row in select(store, "analysis_governments")}
    duties = []
    for row in select(store, "analysis_duties"):
        plan = ns.plan_id_of(row["plan"])
        if plan is None or plan in skip:
            continue
        units = sorted(set(departments.get(row["task"], [])))
        duties.append({"id": row["task"], "plan": {"id": plan}, "kind": row["kind"], "number": row["number"],
                       "line": row["firstLine"], "text": row["text"] or "", "requirements": row["requirements"] or "",
                       "facility_types": sorted(set(facilities.get(row["task"], []))),
                       "department_ids": [u for _, u, _ in units], "departments": [n for _, _, n in units],
                       "department_functions": [sorted(functions.get(u, [])) for _, u, _ in units],
                       "jurisdiction": governments.get(row["plan"])})
    return sorted(duties, key=lambda t: (t["plan"]["id"], t["line"], t["kind"], t["number"]))


def _finding(key: str) -> ox.NamedNode:
    return _n(f"{ns.ID}finding/{ns.slug(key)}")


def _orphan_triples(entry: dict[str, Any]) -> list[tuple]:
    if entry["task"]:
        return [(_n(entry["task"]), _dg("orphanReason"), _lit(reason)) for reason in entry["reasons"]]
    about = entry.get("facility_type") or entry.get("unit") or ""
    f = _finding(f"gap/{entry['plan']}/{entry['reasons'][0]}/{about}")
    return [(f, RDF_TYPE, _dg("Finding")), (f, _dg("findingKind"), _lit("gap")),
            (f, _dg("reason"), _lit(entry["reasons"][0])), (f, _dg("aboutLabel"), ox.Literal(about, language="zh")),
            (f, _dg("partOf"), _n(ns.plan_iri(entry["plan"])))] + [(f, _dg("member"), _n(t)) for t in entry["evidence"]]


def _duplicate_triples(entry: dict[str, Any]) -> list[tuple]:
    f = _finding(f"{entry['kind']}/" + "|".join(entry["tasks"]))
    out = [(f, RDF_TYPE, _dg("Finding")), (f, _dg("findingKind"), _lit(entry["kind"])),
           (f, _dg("score"), _lit(float(entry["score"]))), (f, _dg("evidence"), ox.Literal(entry["evidence"], language="zh"))]
    out += [(f, _dg("member"), _n(t)) for t in entry["tasks"]]
    edge = _dg(DUPLICATE_EDGES[entry["kind"]])
    for a, b in zip(entry["tasks"], entry["tasks"][1:]):       # restates points from the measure to the task
        out += [(_n(a), edge, _n(b))] if entry["kind"] == "restates" else [(_n(a), edge, _n(b)), (_n(b), edge, _n(a))]
    if entry.get("slot"):
        out.append((f, _dg("slot"), ox.Literal(entry["slot"], language="zh")))
    return out


DUPLICATE_EDGES = {"duplicate": "duplicateOf", "overlap": "overlapsWith", "restates": "restates", "parallel": "parallelWith"}


def _dependency_triples(dep: dict[str, Any]) -> list[tuple]:
    f = _finding(f"dependency/{dep['from']}|{dep['to']}")
    out = [(_n(dep["from"]), _dg("dependsOn"), _n(dep["to"])), (f, RDF_TYPE, _dg("Finding")),
           (f, _dg("findingKind"), _lit("dependency")), (f, _dg("dependencyKind"), _lit(dep["kind"])),
           (f, _dg("dependent"), _n(dep["from"])), (f, _dg("prerequisite"), _n(dep["to"])),
           (f, _dg("evidence"), ox.Literal(dep["evidence"], language="zh"))]
    if "score" in dep:
        out.append((f, _dg("score"), _lit(float(dep["score"]))))
    return out


def _alignment_triples(entry: dict[str, Any]) -> list[tuple]:
    out: list[tuple] = []
    for rank, cand in enumerate(entry["candidates"], start=1):
        f = _finding(f"correspondence/{entry['task']}|{cand['task']}")
        out += [(f, RDF_TYPE, _dg("Finding")), (f, _dg("findingKind"), _lit("correspondence")),
                (f, _dg("dependent"), _n(entry["task"])), (f, _dg("prerequisite"), _n(cand["task"])),
                (f, _dg("score"), _lit(float(cand["score"]))), (f, _dg("rank"), _lit(rank))]
        if rank == 1:
            out.append((_n(entry["task"]), _dg("correspondsTo"), _n(cand["task"])))
    return out
