"""`dutygraph vocab candidates`: what the loaded documents name that the curated vocabularies do not cover
yet — unknown units (kept as new nodes), regulations, and frequent domain terms — for a curator to add."""
from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pyoxigraph as ox

from . import namespaces as ns
from .listings import departments, regulations
from .queries import select
from .tokenize import tokens
from .vocabulary import vocabulary

# Words that end like a facility, place or hazard term: the shapes worth a curator's look.
_DOMAIN_SUFFIX = re.compile(r"(场所|设施|设备|管网|管线|管道|工程|企业|场馆|园区|仓库|车辆|站|库|场|区域|路段|系统|灾害|事故)$")


def candidates(store: ox.Store, min_count: int = 2, limit: int = 100) -> list[dict[str, Any]]:
    vocab = vocabulary()
    out: list[dict[str, Any]] = []
    for unit in departments(store):
        if unit["id"].startswith(ns.ID):     # minted, not from ontology/departments.ttl
            out.append({"kind": "unit", "term": unit["name"], "count": len(unit["tasks"]),
                        "examples": unit["tasks"][:3], "note": "unknown unit, kept as a new node"})
    for reg in regulations(store):
        out.append({"kind": "regulation", "term": reg["title"] or reg["number"], "count": len(reg["tasks"]),
                    "examples": reg["tasks"][:3], "note": "cited; no curated regulation list yet"})
    known = set(vocab.facility_labels) | {label for (_, label) in vocab.units}
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for row in select(store, "texts"):
        text = "\n".join(x for x in (row["text"], row["requirements"]) if x)
        for token in set(tokens(text)):
            if len(token) >= 3 and token not in known and _DOMAIN_SUFFIX.search(token) and not re.search(r"\d", token):
                counts[token] += 1
                examples.setdefault(token, []).append(row["task"])
    for term, n in counts.most_common():
        if n < min_count or len(out) >= limit + 50:
            break
        out.append({"kind": "term", "term": term, "count": n, "examples": examples[term][:3],
                    "note": "frequent term not in facilities.ttl"})
    return out
