"""Who is in the middle of the safety system: networkx over the department–facility bipartite projection
(facility tags rolled up the SKOS hierarchy) gives overlap weights and department centrality. Which
departments share a facility type (co-responsible vs parallel) is answered from the store by
graph/reports.shared_facilities and graph/queries/shared_facilities.rq."""
from __future__ import annotations

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


def department_centrality(tasks: list[dict[str, Any]], vocab: Vocabulary | None = None) -> list[dict[str, Any]]:
    """Department centrality in the department–facility projection (what the analysis graph stores). The
    sharing report itself is read from the store by graph/queries/shared_facilities.rq; per-pair listings
    are not built here because they grow with the square of the departments."""
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
