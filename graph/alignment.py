"""Cross-plan correspondences: for each duty of one plan, the best-matching duties of the other plans
(a district task and the city task that asks the same), so a user sees what was copied, dropped or added.
Sparse TF-IDF top-k over all duties at once; a shared facility type adds to the score."""
from __future__ import annotations

from typing import Any

from .textsim import content_tokens, tfidf_matrix, top_k_pairs

THRESHOLD = 0.2
FACILITY_BONUS = 0.1


def align(tasks: list[dict[str, Any]], k: int = 3) -> list[dict[str, Any]]:
    duties = [t for t in tasks if t["kind"] == "task" and (t.get("text") or t.get("requirements"))]
    if len({t["plan"]["id"] for t in duties}) < 2:
        return []
    docs = [content_tokens("\n".join(x for x in (t.get("text"), t.get("requirements")) if x)) for t in duties]
    matrix = tfidf_matrix(docs, max_df=0.3)
    candidates: dict[int, list[tuple[float, int]]] = {}
    for i, j, score in top_k_pairs(matrix, matrix, k=k * 8, threshold=THRESHOLD * 0.7):
        if duties[i]["plan"]["id"] == duties[j]["plan"]["id"]:
            continue
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
