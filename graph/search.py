"""Chinese full-text search over duty statements and requirements: jieba (same user dictionary as
extraction) for both index and query, BM25-style ranking, and highlights returned as text segments
(never HTML) so every page can render them safely."""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from .contract import Segment
from .queries import select
from .tokenize import search_tokens

K1, B = 1.2, 0.75


@dataclass
class Index:
    docs: dict[str, dict[str, Any]] = field(default_factory=dict)
    postings: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    lengths: dict[str, int] = field(default_factory=dict)


def build_index(store: ox.Store) -> Index:
    """The inverted index of every duty's statement and requirements. Built per call: the service keeps
    one per store generation in its answer cache (service/api.py), the CLI searches once per process."""
    index = Index()
    for row in select(store, "texts"):
        text = "\n".join(x for x in (row["text"], row["requirements"]) if x)
        counts = Counter(t for t in search_tokens(text) if len(t.strip()) >= 1 and not t.isspace())
        index.docs[row["task"]] = {"plan": row["planId"], "text": row["text"] or "", "requirements": row["requirements"] or ""}
        index.lengths[row["task"]] = sum(counts.values())
        for token, n in counts.items():
            index.postings[token][row["task"]] = n
    return index


def highlight(text: str, words: list[str]) -> list[Segment]:
    """Split text into segments, marking every occurrence of a query word (longest first)."""
    marks = [False] * len(text)
    for word in sorted(set(words), key=len, reverse=True):
        if not word:
            continue
        start = text.find(word)
        while start >= 0:
            for i in range(start, start + len(word)):
                marks[i] = True
            start = text.find(word, start + len(word))
    segments: list[Segment] = []
    for ch, marked in zip(text, marks):
        if segments and segments[-1]["match"] == marked:
            segments[-1]["text"] += ch
        else:
            segments.append({"text": ch, "match": marked})
    return segments


def search(store: ox.Store, query: str, limit: int = 50, plan: str | None = None,
           index: Index | None = None) -> list[dict[str, Any]]:
    """Ranked duties for a Chinese query (e.g. 燃气管道 安全检查), each with its highlighted text; `index` is
    build_index(store) when the caller keeps one."""
    index = index if index is not None else build_index(store)
    words = [w for w in dict.fromkeys(search_tokens(query)) if w.strip() and w not in "，。、；,. "]
    if not words or not index.docs:
        return []
    n = len(index.docs)
    average = sum(index.lengths.values()) / n
    scores: dict[str, float] = defaultdict(float)
    for word in words:
        posting = index.postings.get(word, {})
        idf = math.log(1 + (n - len(posting) + 0.5) / (len(posting) + 0.5))
        for task, tf in posting.items():
            norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * index.lengths[task] / average))
            scores[task] += idf * norm
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    out = []
    for task, score in ranked:
        doc = index.docs[task]
        if plan and doc["plan"] != plan:
            continue
        out.append({"task": task, "plan": doc["plan"], "score": round(score, 3), "words": words,
                    "text": highlight(doc["text"], words), "requirements": highlight(doc["requirements"], words)})
        if len(out) >= limit:
            break
    return out
