"""Responsibility cells → unit names: split lists, detect 等… open lists, tell placeholders from departments,
and merge obvious variant spellings of one unit within a plan."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_TAGS = re.compile(r"</?p\s*>", re.IGNORECASE)
_SEPARATORS = "、，,；;/"
# "…等相关部门", "…等相关部门和单位", "…等部门", "…等负有安全生产监管职责的部门": the list is open.
_OPEN_TAIL = re.compile(r"等(?P<rest>(?:相关|有关|其他)?(?:部门|单位)(?:和|及)?(?:单位|部门)?|负有.+?(?:部门|单位)|部门)$")
_COLLECTIVE = re.compile(
    r"^各|各(?:相关|有关|成员)|相关部门|有关部门|成员单位|负有.*职责|^(?:市|区|县|镇|街道)级(?:各)?(?:部门|单位)"
    r"|部门和单位$|^(?:市|区|县)?(?:级)?(?:各)?(?:相关|有关)?(?:部门|单位)$|行业主管部门|其他成员"
)


@dataclass(frozen=True)
class UnitList:
    departments: list[str]
    collective_units: list[str]
    open_ended: bool


def clean_cell(text: str) -> str:
    """Remove <p> fragments and fold whitespace; keep single spaces (they separate Chengdu departments)."""
    return " ".join(_TAGS.sub(" ", text).split())


def is_collective(name: str) -> bool:
    """Placeholders (各街办, 市级各相关部门, 负有安全生产监管职责的部门 …) stand for a group, not a body."""
    return bool(_COLLECTIVE.search(name))


def _split_top_level(text: str) -> list[str]:
    """Split on separators and whitespace, but never inside brackets (区骊山国有生态林场（…管理处）)."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch in "（(〔[【":
            depth += 1
        elif ch in "）)〕]】":
            depth = max(0, depth - 1)
        if depth == 0 and (ch in _SEPARATORS or ch.isspace()):
            if current:
                parts.append("".join(current))
                current = []
            continue
        current.append(ch)
    if current:
        parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def split_units(cell: str) -> UnitList:
    """Split a responsibility cell as written; order is kept (the first concrete department leads)."""
    departments: list[str] = []
    collectives: list[str] = []
    open_ended = False
    for part in _split_top_level(clean_cell(cell)):
        match = _OPEN_TAIL.search(part)
        if match and match.start() > 0:
            open_ended = True
            rest = match.group("rest")
            part = part[: match.start()]
            if rest.startswith("负有"):
                collectives.append(rest)
        if not part:
            continue
        if is_collective(part):
            collectives.append(part)
        else:
            departments.append(part)
    return UnitList(_dedupe(departments), _dedupe(collectives), open_ended)


def _dedupe(names: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for name in names:
        seen.setdefault(name, None)
    return list(seen)


def _is_abbreviation(short: str, long: str) -> bool:
    """short is long with at most two characters left out, same first two and same last two characters
    (市公安交管局 ~ 市公安局交管局, but 市公安局 is not 市公安交管局)."""
    if not (0 < len(long) - len(short) <= 2) or short[:2] != long[:2] or short[-2:] != long[-2:]:
        return False
    it = iter(long)
    return all(ch in it for ch in short)


def _is_prefixed(short: str, long: str) -> bool:
    """区生态环境临潼分局 vs 生态环境临潼分局: the same body with and without the level prefix."""
    return len(long) == len(short) + 1 and long[0] in "市区县" and long[1:] == short and len(short) >= 4


def variant_map(
    counts: Counter[str], aliases: dict[str, str] | None = None, together: set[frozenset[str]] | None = None
) -> dict[str, str]:
    """Map each variant spelling in one plan to the spelling used most often (ties: the shorter).
    `aliases` (from the department vocabulary) maps known variants to canonical names first; two names
    listed together on one task (`together`) are never variants of each other."""
    mapping: dict[str, str] = {}
    names = sorted(counts, key=lambda n: (-counts[n], len(n), n))
    for name in names:
        if aliases and name in aliases and aliases[name] != name:
            mapping[name] = aliases[name]
    for i, name in enumerate(names):
        if name in mapping:
            continue
        for other in names[:i]:
            if other in mapping:
                continue
            if together and frozenset((name, other)) in together:
                continue
            a, b = sorted((name, other), key=len)
            if _is_abbreviation(a, b) or _is_prefixed(a, b):
                mapping[name] = other
                break
    return mapping
