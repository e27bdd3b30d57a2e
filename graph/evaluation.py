"""Precision and recall of extraction and analysis against the hand-labelled gold sets in tests/gold/.
`dutygraph evaluate` prints them (the figures in docs/QUALITY.md); tests hold them above thresholds."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from . import namespaces as ns
from .build import resolve_unit
from .regulations import title_key
from .reports import alignments, dependencies, duplicates
from .tasks import list_tasks

FAC = "https://w3id.org/dutygraph/facility/"


def _pr(predicted: Counter, expected: Counter) -> dict[str, float]:
    hit = sum((predicted & expected).values())
    p_total, e_total = sum(predicted.values()), sum(expected.values())
    return {"precision": round(hit / p_total, 3) if p_total else 1.0,
            "recall": round(hit / e_total, 3) if e_total else 1.0,
            "predicted": p_total, "expected": e_total, "correct": hit}


def _task_id(plan: str, kind: str, number: int) -> str:
    return ns.task_iri(plan, kind, number)


def _reg_key(text: str) -> str:
    return title_key(text) if "〔" not in text or "《" in text else text.replace(" ", "")


def entity_scores(store: ox.Store, gold_dir: Path) -> dict[str, dict[str, float]]:
    tasks = {t["id"]: t for t in list_tasks(store)}
    jurisdiction = {"chengdu_task_table": "成都市", "lintong_plan": "西安市临潼区"}
    counters: dict[str, tuple[Counter[Any], Counter[Any]]] = {k: (Counter(), Counter()) for k in ("departments", "facility_types", "regulations", "indicators")}
    label_to_slug = _facility_slugs(store)
    for row in json.loads((gold_dir / "entities.json").read_text(encoding="utf-8")):
        task = tasks.get(_task_id(row["plan"], row["kind"], row["number"]))
        if task is None:
            continue
        key = task["id"]
        predicted, expected = counters["facility_types"]
        predicted.update((key, label_to_slug.get(f)) for f in task["facility_types"])
        expected.update((key, s) for s in row["facility_types"])
        predicted, expected = counters["regulations"]
        predicted.update((key, _reg_key(r)) for r in task["regulations"])
        expected.update((key, _reg_key(r)) for r in row["regulations"])
        predicted, expected = counters["indicators"]
        predicted.update((key, i["op"], float(i["value"]), i["unit"], i.get("year")) for i in task["indicators"])
        expected.update((key, i["op"], float(i["value"]), i["unit"], i.get("year")) for i in row["indicators"])
    for name, plan in (("chengdu_rows.json", "chengdu_task_table"), ("lintong_rows.json", "lintong_plan")):
        for row in json.loads((gold_dir / name).read_text(encoding="utf-8")):
            task = tasks.get(_task_id(plan, row["kind"], row["number"]))
            if task is None:
                continue
            predicted, expected = counters["departments"]
            predicted.update((task["id"], iri) for iri in task["department_ids"])
            expected.update((task["id"], resolve_unit(n, jurisdiction[plan], False)[0]) for n in dict.fromkeys(row["departments"]))
    return {name: _pr(p, e) for name, (p, e) in counters.items()}


def _facility_slugs(store: ox.Store) -> dict[str, str]:
    from .vocabulary import vocabulary

    return {label: iri[len(FAC):] for iri, label in vocabulary().facility_pref.items()}


def _pair(plan: str, a: dict[str, Any], b: dict[str, Any]) -> frozenset[str]:
    return frozenset((_task_id(plan, a["kind"], a["number"]), _task_id(plan, b["kind"], b["number"])))


POSITIVE_KINDS = ("duplicate", "overlap", "restates")


def analysis_scores(store: ox.Store, gold_dir: Path) -> dict[str, dict[str, Any]]:
    """Duplicates (duplicate + overlap + restates together) and parallel templates against the hand-labelled
    pairs of tests/gold/pairs (issue 17; "unsure" pairs left out, precision over the labelled pairs only);
    dependencies and alignments against analysis.json."""
    gold = json.loads((gold_dir / "analysis.json").read_text(encoding="utf-8"))
    pairs = [g for g in json.loads((gold_dir / "pairs" / "sample_pairs.json").read_text(encoding="utf-8"))["pairs"]
             if not g.get("unsure")]
    dup_gold = {_pair(g["plan"], g["a"], g["b"]) for g in pairs if g["label"] in POSITIVE_KINDS}
    par_gold = {_pair(g["plan"], g["a"], g["b"]) for g in pairs if g["label"] == "parallel"}
    labelled = {_pair(g["plan"], g["a"], g["b"]) for g in pairs}
    found = duplicates(store)
    dup_pred = {frozenset(f["tasks"]) for f in found if f["kind"] in POSITIVE_KINDS and len(f["tasks"]) == 2}
    families = [set(f["tasks"]) for f in found if f["kind"] == "parallel"]
    par_pred = {p for p in labelled if any(p <= fam for fam in families)}
    scores: dict[str, dict[str, Any]] = {
        "duplicates": _labelled_pr({p for p in dup_pred if p in labelled}, dup_gold),
        "parallel": _labelled_pr(par_pred, par_gold),
    }
    deps = dependencies(store)
    dep_pred = {(d["from"], d["to"]) for d in deps}
    undirected = {frozenset(p) for p in dep_pred}
    gold_deps = [(_task_id(g["plan"], g["from"]["kind"], g["from"]["number"]),
                  _task_id(g["plan"], g["to"]["kind"], g["to"]["number"]), g["kind"]) for g in gold["dependencies"]]
    hits = sum(1 for f, t, k in gold_deps if (f, t) in dep_pred or (k == "measure_to_task" and frozenset((f, t)) in undirected))
    gold_from = {f for f, _, _ in gold_deps} | {t for _, t, _ in gold_deps}
    judged = [d for d in dep_pred if d[0] in gold_from and d[1] in gold_from]
    gold_pairs = {frozenset((f, t)) for f, t, _ in gold_deps}
    correct = sum(1 for d in judged if frozenset(d) in gold_pairs)
    scores["dependencies"] = {"precision": round(correct / len(judged), 3) if judged else 1.0,
                              "recall": round(hits / len(gold_deps), 3) if gold_deps else 1.0,
                              "predicted": len(judged), "expected": len(gold_deps), "correct": hits}
    best = {a["task"]: [c["task"] for c in a["candidates"]] for a in alignments(store)}
    top1 = top3 = 0
    for g in gold["alignments"]:
        task = _task_id("lintong_plan", g["lintong"]["kind"], g["lintong"]["number"])
        wanted = {_task_id("chengdu_task_table", "task", n) for n in g["chengdu"]}
        cands = [c for c in best.get(task, []) if c.startswith(ns.ID + "task/chengdu_task_table/")]
        top1 += bool(cands[:1] and cands[0] in wanted)
        top3 += bool(set(cands[:3]) & wanted)
    n = len(gold["alignments"])
    scores["alignments"] = {"precision": round(top1 / n, 3), "recall": round(top3 / n, 3), "predicted": n,
                            "expected": n, "correct": top1, "note": "precision = hit@1, recall = hit@3"}
    return scores


def _labelled_pr(predicted: set, expected: set) -> dict[str, float]:
    """Precision over the predicted pairs the gold set labels (it is not exhaustive); recall over gold."""
    hit = len(predicted & expected)
    return {"precision": round(hit / len(predicted), 3) if predicted else 1.0,
            "recall": round(hit / len(expected), 3) if expected else 1.0,
            "predicted": len(predicted), "expected": len(expected), "correct": hit}


def as_rows(scores: dict[str, dict[str, Any]], group: str) -> list[dict[str, Any]]:
    return [{"group": group, "kind": k, **v} for k, v in scores.items()]
