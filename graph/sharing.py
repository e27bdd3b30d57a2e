"""Who is in the middle of the safety system, and who shares what, compared government by government.

Centrality: networkx over the department–facility bipartite projection (facility tags rolled up the SKOS
hierarchy), one network per government (a plan's jurisdiction): 成都市's and 临潼区's departments are never
ranked in one list, since they never share a duty. Across governments bodies are compared by function
(ontology/functions.ttl): a function's centrality in a government sums its departments' centrality, a merged
body (区科工商务局, three functions) counting 1/3 for each. Which departments share a facility type within one
plan is answered from the store by graph/reports.shared_facilities; across governments the same rows are
folded by function here (`by_function`): 学校 is 教育's in 成都市 and in 临潼区."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
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


def government_of(task: Mapping[str, Any]) -> str:
    """The government a duty belongs to: its plan's jurisdiction, or the plan id when the plan names none
    (then the plan stands alone rather than being pooled with another)."""
    return task.get("jurisdiction") or task["plan"]["id"]


def department_centrality(tasks: list[dict[str, Any]], vocab: Vocabulary | None = None) -> list[dict[str, Any]]:
    """Department centrality in each government's department–facility projection (what the analysis graph
    stores), with the government as `jurisdiction` and the department's `rank` within it. A department named
    in two governments' plans (rare: IRIs are minted per jurisdiction) keeps the government where it
    touches most facility types."""
    vocab = vocab or vocabulary()
    label_to_iri = {label: iri for iri, label in vocab.facility_pref.items()}
    per_government: dict[str, list[dict[str, Any]]] = {}
    for task in tasks:
        per_government.setdefault(government_of(task), []).append(task)
    found: dict[str, dict[str, Any]] = {}
    for government in sorted(per_government):
        ranked = centrality(_facilities(per_government[government], label_to_iri, vocab))
        for rank, dept in enumerate(ranked, start=1):
            dept.update(jurisdiction=government, rank=rank)
            held = found.get(dept["iri"])
            if held is None or dept["facility_types"] > held["facility_types"]:
                found[dept["iri"]] = dept
    return sorted(found.values(), key=lambda d: (d["jurisdiction"], d["rank"]))


def _facilities(tasks: list[dict[str, Any]], label_to_iri: dict[str, str], vocab: Vocabulary) -> list[dict[str, Any]]:
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
    return list(per_facility.values())


def department_functions(tasks: Iterable[Mapping[str, Any]]) -> dict[str, tuple[str, ...]]:
    """Department IRI → its function IRIs, as the duties carry them (`department_functions`, parallel to
    `department_ids`)."""
    out: dict[str, tuple[str, ...]] = {}
    for task in tasks:
        for iri, functions in zip(task.get("department_ids") or [], task.get("department_functions") or []):
            out.setdefault(iri, tuple(functions))
    return out


def function_centrality(departments: list[dict[str, Any]],
                        functions: Mapping[str, tuple[str, ...]]) -> list[dict[str, Any]]:
    """Per government and function: the sum of its departments' centrality and betweenness there, a
    department with n functions counting 1/n for each (so a government's total is not inflated by merged
    bodies), and the departments summed. Departments with no known function are left out."""
    per: dict[tuple[str, str], dict[str, Any]] = {}
    for dept in departments:
        own = functions.get(dept["iri"]) or ()
        for function in own:
            entry = per.setdefault((dept["jurisdiction"], function), {
                "jurisdiction": dept["jurisdiction"], "function": function, "centrality": 0.0,
                "betweenness": 0.0, "departments": []})
            entry["centrality"] += dept["eigenvector"] / len(own)
            entry["betweenness"] += dept["betweenness"] / len(own)
            entry["departments"].append(dept["iri"])
    for entry in per.values():
        entry["centrality"] = round(entry["centrality"], 4)
        entry["betweenness"] = round(entry["betweenness"], 4)
        entry["departments"].sort()
    return [per[key] for key in sorted(per)]


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


def by_function(rows: Iterable[Mapping[str, Any]], functions: Mapping[str, tuple[str, ...]],
                government: Mapping[str, str], vocab: Vocabulary | None = None) -> list[dict[str, Any]]:
    """Shared facility types compared across governments by function: per type, each function (and its
    family) that carries it, in which governments, with each government's departments and duties as the
    evidence. `rows` are shared_facilities.rq rows, `government` maps a duty to its government. A department
    with no known function is listed under function None rather than dropped."""
    vocab = vocab or vocabulary()
    per: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = per.setdefault(row["facility"], {"label": row["label"], "tasks": set(), "direct": set(), "carried": {}})
        entry["tasks"].add(row["task"])
        if row["direct"]:
            entry["direct"].add(row["task"])
        for function in functions.get(row["dept"]) or (None,):
            held = entry["carried"].setdefault(function, {}).setdefault(government[row["task"]], {})
            held.setdefault(row["dept"], {"name": row["deptName"], "tasks": set()})["tasks"].add(row["task"])
    return sorted((_compared(iri, entry, vocab) for iri, entry in per.items()),
                  key=lambda f: (-len(f["shared_functions"]), -len(f["governments"]), f["facility_type"], f["iri"]))


def _compared(iri: str, entry: dict[str, Any], vocab: Vocabulary) -> dict[str, Any]:
    carriers = []
    for function, per_government in entry["carried"].items():
        family = vocab.family_of(function) if function else None
        carriers.append({
            "function": function, "label": vocab.functions[function].label if function in vocab.functions else None,
            "family": family, "family_label": vocab.families.get(family or ""),
            "governments": [{"jurisdiction": g,
                             "departments": [depts[d]["name"] for d in sorted(depts)], "department_ids": sorted(depts),
                             "tasks": sorted({t for d in depts.values() for t in d["tasks"]})}
                            for g, depts in sorted(per_government.items())]})
    carriers.sort(key=lambda c: (c["function"] is None, -len(c["governments"]), c["label"] or "", c["function"] or ""))
    governments = sorted({g["jurisdiction"] for c in carriers for g in c["governments"]})
    families: dict[str, set[str]] = {}
    for c in carriers:
        if c["family_label"]:
            families.setdefault(c["family_label"], set()).update(g["jurisdiction"] for g in c["governments"])
    return {"facility_type": entry["label"], "iri": iri, "by": "function", "governments": governments,
            "functions": carriers,
            "shared_functions": [c["label"] for c in carriers if c["function"] and len(c["governments"]) > 1],
            "shared_families": sorted(f for f, gs in families.items() if len(gs) > 1),
            "tasks": sorted(entry["tasks"]), "direct_tasks": sorted(entry["direct"])}
