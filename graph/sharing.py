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
