"""Tagging duties with the facility and hazard types they concern, from statement and requirements."""
from __future__ import annotations

from .tokenize import tokens
from .vocabulary import Vocabulary, vocabulary


def tag_facilities(text: str, vocab: Vocabulary | None = None) -> list[tuple[str, str]]:
    """(concept IRI, matched word) pairs in order of first mention; one pair per concept.
    jieba (with the vocabulary as user dictionary) decides word boundaries, so 电梯 in 扶梯 or 学校 in
    a department name does not count; labels jieba cannot hold (with brackets) are matched as substrings."""
    vocab = vocab or vocabulary()
    found: dict[str, str] = {}
    for token in tokens(text):
        concept = vocab.facility_labels.get(token)
        if concept and concept not in found:
            found[concept] = token
    for label, concept in vocab.facility_labels.items():
        if concept not in found and any(ch in label for ch in "（）()、") and label in text:
            found[concept] = label
    return list(found.items())
