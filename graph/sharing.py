"""Which departments share a facility type: rolled up the SKOS hierarchy (a duty on 学校 counts for
人员密集场所), split into co-responsible (named on the same duty) and parallel (separate duties);
department pairs with their shared types; networkx over the department–facility bipartite projection
for overlap weights and centrality ("who is in the middle of the safety system")."""
from __future__ import annotations

from itertools import combinations
from typing import Any

import networkx as nx
from networkx.algorithms import bipartite

from .vocabulary import Vocabulary, vocabulary


def _concepts_of(task: dict[str, Any], label_to_iri: dict[str, str], vocab: Vocabulary) -> dict[str, bool]:
    """Concept IRI → True when tagged directly, False when reached by rolling up."""
    out: dict[str, bool] = {}
    for label in task.get("facility_types") or []:
        iri = label_to_iri.get(label)
        if not iri:
            continue
        out[iri] = True
        for ancestor in vocab.ancestors(iri):
            out.setdefault(ancestor, False)
    return out


def shared_facilities(tasks: list[dict[str, Any]], vocab: Vocabulary | None = None) -> dict[str, Any]:
    """Per facility type: departments, duties and how the departments share it; per department pair:
    the shared types with evidence; per department: centrality in the projection."""
    vocab = vocab or vocabulary()
    label_to_iri = {label: iri for iri, label in vocab.facility_pref.items()}
    per_facility: dict[str, dict[str, Any]] = {}
    for task in tasks:
        departments = [f"{iri}\t{name}" for iri, name in zip(task.get("department_ids") or [], task.get("departments") or [])]
        if not departments:
            continue
        for iri, direct in _concepts_of(task, label_to_iri, vocab).items():
            entry = per_facility.setdefault(iri, {"tasks": [], "direct_tasks": [], "departments": {}, "co": set()})
            entry["tasks"].append(task["id"])
            if direct:
                entry["direct_tasks"].append(task["id"])
            for name in departments:
                entry["departments"].setdefault(name, []).append(task["id"])
            for a, b in combinations(sorted(set(departments)), 2):
                entry["co"].add((a, b))
    facilities = []
    pairs: dict[tuple[str, str], dict[str, list[str]]] = {}
    for iri, entry in per_facility.items():
        keys = sorted(entry["departments"], key=lambda n: (-len(entry["departments"][n]), n))
        names = [k.split("\t", 1)[1] for k in keys]
        co_pairs = sorted(tuple(k.split("\t", 1)[1] for k in p) for p in entry["co"])
        parallel_pairs = [tuple(k.split("\t", 1)[1] for k in p) for p in combinations(sorted(keys), 2) if p not in entry["co"]]
        facilities.append({
            "facility_type": vocab.facility_pref[iri],
            "iri": iri,
            "departments": names,
            "tasks": entry["tasks"],
            "direct_tasks": entry["direct_tasks"],
            "co_responsible": [list(p) for p in co_pairs],
            "parallel": [list(p) for p in parallel_pairs],
            "department_ids": [k.split("\t", 1)[0] for k in keys],
            "department_tasks": {k: entry["departments"][k] for k in keys},
        })
        if entry["direct_tasks"]:
            for a, b in combinations(sorted(keys), 2):
                evidence = sorted(set(entry["departments"][a]) | set(entry["departments"][b]))
                pairs.setdefault((a, b), {})[vocab.facility_pref[iri]] = evidence
    facilities.sort(key=lambda f: (-len(f["departments"]), f["facility_type"]))
    return {
        "facilities": facilities,
        "pairs": [{"departments": [k.split("\t", 1)[1] for k in p], "department_ids": [k.split("\t", 1)[0] for k in p],
                   "facility_types": sorted(v), "evidence": v}
                  for p, v in sorted(pairs.items(), key=lambda kv: (-len(kv[1]), kv[0]))],
        "centrality": centrality(facilities),
    }


def department_centrality(tasks: list[dict[str, Any]], vocab: Vocabulary | None = None) -> list[dict[str, Any]]:
    """Only the centrality of shared_facilities (what the analysis graph stores), without its per-pair
    listings, which grow with the square of the departments (millions of pairs at 500 plans)."""
    vocab = vocab or vocabulary()
    label_to_iri = {label: iri for iri, label in vocab.facility_pref.items()}
    per_facility: dict[str, dict[str, Any]] = {}
    for task in tasks:
        departments = [f"{iri}\t{name}" for iri, name in zip(task.get("department_ids") or [], task.get("departments") or [])]
        if not departments:
            continue
        for iri, direct in _concepts_of(task, label_to_iri, vocab).items():
            entry = per_facility.setdefault(iri, {"iri": iri, "direct_tasks": [], "department_tasks": {}})
            if direct:
                entry["direct_tasks"].append(task["id"])
            for name in departments:
                entry["department_tasks"].setdefault(name, []).append(task["id"])
    return centrality(list(per_facility.values()))


def centrality(facilities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Bipartite department–facility graph (weight = duties), projected onto departments with weight =
    number of shared facility types; degree, weighted degree (overlap), betweenness (distance = 1/weight)
    and eigenvector centrality in that projection."""
    graph = nx.Graph()
    for f in facilities:
        if not f["direct_tasks"]:
            continue
        graph.add_node(("facility", f["iri"]), bipartite=1)
        for key, task_ids in f["department_tasks"].items():
            graph.add_node(("dept", key), bipartite=0)
            graph.add_edge(("dept", key), ("facility", f["iri"]), weight=len(task_ids))
    departments = [n for n, d in graph.nodes(data=True) if d["bipartite"] == 0]
    if not departments:
        return []
    if len(departments) > EXACT_LIMIT:
        return _large_centrality(graph, departments)
    projection = bipartite.weighted_projected_graph(graph, departments)
    for _, _, data in projection.edges(data=True):
        data["distance"] = 1.0 / data["weight"]     # many shared types = close
    betweenness = nx.betweenness_centrality(projection, weight="distance", normalized=True)
    try:
        eigen = nx.eigenvector_centrality_numpy(projection, weight="weight")
    except Exception:  # a graph with no edges has no eigenvector centrality
        eigen = {}
    out = []
    for node in departments:
        iri, name = node[1].split("\t", 1)
        out.append({
            "department": name,
            "iri": iri,
            "facility_types": graph.degree(node),
            "partners": projection.degree(node),
            "overlap": sum(d["weight"] for _, _, d in projection.edges(node, data=True)),
            "betweenness": round(betweenness.get(node, 0.0), 4),
            "eigenvector": round(abs(float(eigen.get(node, 0.0))), 4),
        })
    return sorted(out, key=lambda d: (-d["eigenvector"], -d["betweenness"], d["department"]))


EXACT_LIMIT = 300        # departments; above, _large_centrality (hundreds of plans)
BACKBONE_EDGES = 10
PIVOTS = 200


def _large_centrality(graph: nx.Graph, departments: list) -> list[dict[str, Any]]:
    """The same figures for thousands of departments, where the projection is nearly complete (millions of
    edges) and exact betweenness would take hours: the projection as a sparse product, the eigenvector by
    scipy, betweenness estimated (Brandes from 200 fixed pivots) on the backbone of each department's 10
    strongest ties — shortest paths at distance 1/weight run along strong ties anyway."""
    import numpy as np
    from scipy import sparse
    from scipy.sparse.linalg import eigsh

    index = {node: i for i, node in enumerate(departments)}
    facilities = sorted({f for d in departments for f in graph[d]})
    column = {f: j for j, f in enumerate(facilities)}
    rows = [index[d] for d in departments for f in graph[d]]
    cols = [column[f] for d in departments for f in graph[d]]
    incidence = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(departments), len(facilities)))
    shared = (incidence @ incidence.T).tocsr()
    shared.setdiag(0)
    shared.eliminate_zeros()
    try:
        _, vector = eigsh(shared.astype(float), k=1, which="LA")
        eigen = np.abs(vector[:, 0])
    except Exception:  # no edges
        eigen = np.zeros(len(departments))
    backbone = nx.Graph()
    backbone.add_nodes_from(range(len(departments)))
    for i in range(len(departments)):
        start, end = shared.indptr[i], shared.indptr[i + 1]
        strongest = np.argsort(-shared.data[start:end])[:BACKBONE_EDGES]
        for k in strongest:
            backbone.add_edge(i, int(shared.indices[start + k]), distance=1.0 / shared.data[start + k])
    betweenness = nx.betweenness_centrality(backbone, k=min(PIVOTS, len(departments)), seed=0,
                                            weight="distance", normalized=True)
    out = []
    for node in departments:
        i = index[node]
        iri, name = node[1].split("\t", 1)
        out.append({
            "department": name, "iri": iri, "facility_types": graph.degree(node),
            "partners": int(shared.indptr[i + 1] - shared.indptr[i]),
            "overlap": int(shared[i].sum()),
            "betweenness": round(betweenness.get(i, 0.0), 4),
            "eigenvector": round(float(eigen[i]), 4),
        })
    return sorted(out, key=lambda d: (-d["eigenvector"], -d["betweenness"], d["department"]))
