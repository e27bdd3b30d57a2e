"""Sparse TF-IDF over jieba tokens, and top-k nearest neighbours by cosine without all pairs.
Shared by duplicate detection, cross-plan alignment and the measure → task links."""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from scipy import sparse

from .tokenize import tokens

# Function words and campaign boilerplate that say nothing about what a duty is about.
STOPWORDS = frozenset(
    "的 和 与 及 等 并 对 在 按 按照 根据 相关 有关 进行 开展 工作 情况 要求 规定 各类 各项 以及 其中 "
    "全面 加强 推进 进一步 积极 有效 切实 严格 依法 定期 及时 确保 实现 形成 提升 提高 完善 健全 "
    "建立健全 落实 强化 加快 持续 深入 组织 督促 指导 推动 城市 安全 管理 资料 齐全 记录 完整 相关资料".split()
)
_CONTENT = re.compile(r"[\u4e00-\u9fffA-Za-z]")


def content_tokens(text: str) -> list[str]:
    """Tokens that carry meaning: at least two characters, not a number, not a stopword."""
    return [t for t in tokens(text) if len(t) >= 2 and _CONTENT.search(t) and t not in STOPWORDS]


def tfidf_matrix(docs: Sequence[Sequence[str]], max_df: float = 0.5,
                 reference: tuple[int, Mapping[str, int]] | None = None) -> sparse.csr_matrix:
    """Rows L2-normalised; tokens in more than max_df of the documents are dropped (too common to tell).
    Document frequencies are counted over `docs`, or taken from `reference` (number of documents, frequency
    per token) so that a row's weights do not change with the other rows (graph/reference_terms.py)."""
    n = len(docs)
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(set(doc))
    if reference is not None:
        n, known = reference
        df = Counter({t: known.get(t, 0) for t in df})
    vocab = {t: i for i, t in enumerate(sorted(t for t, c in df.items() if n < 4 or c / n <= max_df))}
    rows, cols, vals = [], [], []
    for r, doc in enumerate(docs):
        counts = Counter(t for t in doc if t in vocab)
        weights = {t: (1 + math.log(c)) * math.log((1 + n) / (1 + df[t])) + 1e-9 for t, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        for t, w in weights.items():
            rows.append(r)
            cols.append(vocab[t])
            vals.append(w / norm)
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(docs), max(1, len(vocab))), dtype=np.float64)


def top_k_pairs(a: sparse.csr_matrix, b: sparse.csr_matrix, k: int, threshold: float,
                chunk: int = 2000) -> Iterable[tuple[int, int, float]]:
    """For each row of `a`, its k most similar rows of `b` with cosine ≥ threshold, computed chunk by
    chunk as sparse products (cost follows shared tokens, not len(a) × len(b))."""
    bt = b.T.tocsc()
    chunk = max(1, min(chunk, 20_000_000 // max(1, b.shape[0])))   # a block of products stays ~20M cells
    for start in range(0, a.shape[0], chunk):
        block = (a[start:start + chunk] @ bt).tocsr()
        indptr, indices, data = block.indptr, block.indices, block.data
        for i in range(block.shape[0]):
            lo, hi = indptr[i], indptr[i + 1]
            if lo == hi:
                continue
            cols, vals = indices[lo:hi], data[lo:hi]          # the row without building a matrix per row
            order = np.lexsort((cols, -vals))[: k]             # ties: lowest column first, every run
            for j in order:
                score = float(vals[j])
                if score >= threshold:
                    yield start + i, int(cols[j]), score
