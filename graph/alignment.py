"""Cross-plan correspondences: for each duty of one plan, the best-matching duties of the other plans
(a district task and the city task that asks the same), so a user sees what was copied, dropped or added.
Sparse TF-IDF top-k; a shared facility type adds to the score. The document frequencies are a fixed
reference (graph/reference_terms.py), not the store's, so scores do not drift as plans are loaded.

Blocking by plan: comparing every duty with every duty of every other plan grows with the square of the
store (150,000 duties: 2 × 10¹⁰ products). Each plan is compared with the NEIGHBOUR_PLANS plans whose
vocabulary is closest to its own (cosine of the plans' summed TF-IDF vectors) — a district plan with its
city's and its sister districts' — so the cost grows with the number of duties times that constant. With up
to NEIGHBOUR_PLANS + 1 plans in the store this is exactly the all-pairs answer; above, the benchmark
(`make bench`) reports how many of the all-pairs top-3 it keeps."""
from __future__ import annotations

from typing import Any

import numpy as np
from scipy import sparse

from .reference_terms import reference_frequencies
from .textsim import content_tokens, tfidf_matrix, top_k_pairs

THRESHOLD = 0.2
FACILITY_BONUS = 0.1
NEIGHBOUR_PLANS = 12


def documents(tasks: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[list[str]]]:
    """The duties alignment compares (table tasks with some text) and their content tokens."""
    duties = [t for t in tasks if t["kind"] == "task" and (t.get("text") or t.get("requirements"))]
    return duties, [content_tokens("\n".join(x for x in (t.get("text"), t.get("requirements")) if x)) for t in duties]


def align(tasks: list[dict[str, Any]], k: int = 3) -> list[dict[str, Any]]:
    """For each duty, its k best matches in the other plans. Term weights come from the reference frequencies
    (graph/reference_terms.py), not from the plans in the store: a score then depends on the two duties
    alone, so loading a plan changes only the matches it enters (and the plans whose neighbours it joins),
    and the same documents give the same scores whatever else was loaded before."""
    duties, docs = documents(tasks)
    if len({t["plan"]["id"] for t in duties}) < 2:
        return []
    matrix = tfidf_matrix(docs, max_df=0.3, reference=reference_frequencies())
    candidates: dict[int, list[tuple[float, int]]] = {}
    for i, j, score in _cross_plan_pairs(matrix, [t["plan"]["id"] for t in duties], k * 8, THRESHOLD * 0.7):
        shared = set(duties[i].get("facility_types") or []) & set(duties[j].get("facility_types") or [])
        total = min(1.0, score + (FACILITY_BONUS if shared else 0.0))
        if total >= THRESHOLD:
            candidates.setdefault(i, []).append((total, j))
    out = []
    for i, found in sorted(candidates.items()):
        best = sorted(found, key=lambda c: (-c[0], duties[c[1]]["id"]))[:k]
        out.append({"task": duties[i]["id"], "plan": duties[i]["plan"]["id"],
                    "candidates": [{"task": duties[j]["id"], "plan": duties[j]["plan"]["id"], "score": round(s, 3)}
                                   for s, j in best]})
    return out


def _cross_plan_pairs(matrix: sparse.csr_matrix, plans: list[str], k: int, threshold: float):
    """(i, j, cosine) for the k nearest duties j of each duty i among the duties of i's neighbour plans."""
    names = sorted(set(plans))
    index = {p: n for n, p in enumerate(names)}
    rows_of: list[list[int]] = [[] for _ in names]
    for row, plan in enumerate(plans):
        rows_of[index[plan]].append(row)
    membership = sparse.csr_matrix((np.ones(len(plans)), ([index[p] for p in plans], range(len(plans)))),
                                   shape=(len(names), len(plans)))
    centroids = membership @ matrix
    norms = np.sqrt(np.asarray(centroids.multiply(centroids).sum(axis=1)).ravel())
    centroids = sparse.diags(1 / np.where(norms > 0, norms, 1)) @ centroids
    closeness = (centroids @ centroids.T).toarray()
    np.fill_diagonal(closeness, -1.0)
    for p, rows in enumerate(rows_of):
        others = [q for q in np.lexsort((np.arange(len(names)), -closeness[p]))[:NEIGHBOUR_PLANS] if q != p]
        columns = sorted(r for q in others for r in rows_of[q])
        if not columns:
            continue
        for a, b, score in top_k_pairs(matrix[rows], matrix[columns], k=k, threshold=threshold):
            yield rows[a], columns[b], score
