"""Chinese segmentation with jieba, its user dictionary built from the vocabularies so domain terms
(燃气管网, 市应急局, 电动自行车停放充电场所) stay one token. Used by the facility tagger and by text search."""
from __future__ import annotations

import logging
import threading
import warnings
from functools import lru_cache

with warnings.catch_warnings():          # jieba 0.42 imports pkg_resources, which warns on import
    warnings.simplefilter("ignore", UserWarning)
    import jieba

from .vocabulary import vocabulary

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def tokenizer() -> jieba.Tokenizer:
    """One private jieba.Tokenizer (not the global one) with the vocabulary as user words.
    jieba's own dictionary ships inside the package: nothing is downloaded."""
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            jieba.setLogLevel(logging.WARNING)
            tok = jieba.Tokenizer()
            for word in vocabulary().dictionary_words():
                tok.add_word(word, freq=max(2000, 400 * len(word)))
            _tokenizer = tok
    return _tokenizer


def tokens(text: str) -> list[str]:
    """Precise-mode tokens without HMM guessing (new words come from the dictionary, not from luck)."""
    return list(_tokens(text))


def search_tokens(text: str) -> list[str]:
    """Search-mode tokens (long words also split into their dictionary sub-words) for indexing queries."""
    return list(_search_tokens(text))


# Plans copy each other's clauses, and the analyses segment the same clause several times: memoised.
@lru_cache(maxsize=200_000)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(t for t in tokenizer().lcut(text, HMM=False) if t.strip())


@lru_cache(maxsize=200_000)
def _search_tokens(text: str) -> tuple[str, ...]:
    return tuple(t for t in tokenizer().lcut_for_search(text, HMM=False) if t.strip())
