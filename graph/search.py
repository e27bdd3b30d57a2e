"""Chinese full-text search over duty statements and requirements: jieba (same user dictionary as
extraction) for both index and query, BM25-style ranking, and highlights returned as text segments
(never HTML) so every page can render them safely."""
from __future__ import annotations

import math
import sys
from array import array
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
    """The inverted index, compact: duties by number (their IRI, plan and texts), and for each token one array
    of (duty number, count) pairs. At 500 plans (147,293 duties) dicts of IRI → count per token were
    estimated at 4.3 GiB in the service's cache; arrays hold 8 bytes a pair."""

    tasks: list[str] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)       # (statement, requirements)
    lengths: array = field(default_factory=lambda: array("I"))
    postings: dict[str, array] = field(default_factory=dict)       # token → duty, count, duty, count …
    total: int = 0                                                   # tokens in all duties

    def add(self, task: str, plan: str, text: str, requirements: str) -> None:
        number = len(self.tasks)
        self.tasks.append(task)
        self.plans.append(sys.intern(plan))
        self.texts.append((text, requirements))
        counts = Counter(t for t in search_tokens("\n".join(x for x in (text, requirements) if x))
                         if len(t.strip()) >= 1 and not t.isspace())
        size = sum(counts.values())
        self.lengths.append(size)
        self.total += size
        for token, n in counts.items():
            pairs = self.postings.get(token)
            if pairs is None:
                pairs = self.postings[token] = array("I")
            pairs.append(number)
            pairs.append(n)


def build_index(store: ox.Store) -> Index:
    """The inverted index of every duty's statement and requirements. Built per call: the service keeps
    one per store generation in its answer cache (service/api.py), the CLI searches once per process."""
    index = Index()
    for row in select(store, "texts"):
        index.add(row["task"], row["planId"], row["text"] or "", row["requirements"] or "")
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
    if not words or not index.tasks:
        return []
    n = len(index.tasks)
    average = index.total / n
    lengths = index.lengths
    scores: dict[int, float] = defaultdict(float)
    for word in words:
        pairs = index.postings.get(word, array("I"))
        found = len(pairs) // 2
        idf = math.log(1 + (n - found + 0.5) / (found + 0.5))
        for i in range(0, len(pairs), 2):
            doc, tf = pairs[i], pairs[i + 1]
            scores[doc] += idf * (tf * (K1 + 1) / (tf + K1 * (1 - B + B * lengths[doc] / average)))
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], index.tasks[kv[0]]))
    out = []
    for doc, score in ranked:
        if plan and index.plans[doc] != plan:
            continue
        text, requirements = index.texts[doc]
        out.append({"task": index.tasks[doc], "plan": index.plans[doc], "score": round(score, 3), "words": words,
                    "text": highlight(text, words), "requirements": highlight(requirements, words)})
        if len(out) >= limit:
            break
    return out
