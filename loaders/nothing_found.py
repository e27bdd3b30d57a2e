"""The message for a document in which no duty was found: what was looked for, and the lines that came closest,
so the user can see whether the document is not a duty list or is written in a way the reader misses."""
from __future__ import annotations

import re

from .assignments import OPEN
from .columns import header_meaning

LOOKED_FOR = ("a task table (序号 … 任务 … 牵头/责任单位) or duties with their units "
              "(（责任单位：…）, （A牵头，B配合）, （A负责）, 牵头单位：… lines)")
_SIGNALS = re.compile(r"牵头|负责|配合|责任|单位|部门|局|委|办|序号|任务|时限")


def duty_likeness(line: str) -> int:
    """A rough score: words of assignments, unit endings, a bracket at the end, header words."""
    score = len(_SIGNALS.findall(line))
    score += 2 if line.rstrip("。；; ").endswith(tuple("）)]】〕")) else 0
    score += 2 * sum(1 for cell in re.split(r"\t|\s{2,}|\|", line) if header_meaning(cell))
    score += 1 if any(ch in line for ch in OPEN) else 0
    return score


def closest_lines(text: str, count: int = 3) -> list[tuple[int, str]]:
    scored = [(duty_likeness(line), lineno, line.strip()) for lineno, line in enumerate(text.split("\n")[:20000], start=1)
              if line.strip()]
    best = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[1]))[:count]
    return [(lineno, line[:80]) for _, lineno, line in sorted(best, key=lambda s: s[1])]


def nothing_found_message(text: str) -> str:
    lines = closest_lines(text)
    nearest = "; ".join(f"line {n}: {line!r}" for n, line in lines) if lines else "none"
    return f"not a duty-allocation document: looked for {LOOKED_FOR}; found none. Most duty-like lines: {nearest}"
