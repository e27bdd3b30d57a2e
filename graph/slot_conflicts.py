"""Why two near-identical clauses still order different things (issue 17): another action class, disjoint
objects, differently qualified kinds of one facility, another phase, or one word swapped for another object,
phase or document (监督工业建设项目 / 监督交通运输行业建设项目; 全面启动 / 全面完成; 对总体规划 / 对…发展规划).
Read by graph/duplicates.py on each candidate clause pair: a pair with a slot is parallel, not a duplicate."""
from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from .paraphrases import PHASE_WORDS, PHASES, PHRASING_WORDS, PRODUCT_TYPES, different_kinds, is_object, rewrite, slots, within
from .textsim import content_tokens

if TYPE_CHECKING:
    from .duplicates import Clause

_HAN = re.compile(r"[\u4e00-\u9fff]")
_PHRASING = re.compile("|".join(sorted(PHRASING_WORDS, key=len, reverse=True)))


@lru_cache(maxsize=200_000)
def plain_han(text: str) -> str:
    """The Chinese characters of a clause once rewritten and stripped of phrasing words (积极, 大力 …)."""
    text = rewrite(text)
    return "".join(_HAN.findall(_PHRASING.sub("", text)))


def conflict(small: Clause, big: Clause) -> str:
    """Why two near-identical clauses still order different things, as "what:slot", or "" when they do not:
    another action class; disjoint objects (the row's own ones for a clause naming none); differently
    qualified kinds of one facility (城市桥梁 / 公路桥梁); or one word swapped for an object or a phase."""
    if small.actions and big.actions and not small.actions & big.actions:
        return "action:" + "、".join(sorted(small.actions)) + "/" + "、".join(sorted(big.actions))
    if small.objects and big.objects and (
            not within(small.objects, big.objects) and not within(big.objects, small.objects)
            if small.inherited or big.inherited else not small.objects & big.objects):
        return "object:" + labels_of(small.objects) + "/" + labels_of(big.objects)
    if different_kinds(small.slots, big.slots, small.objects & big.objects):
        return "object:" + "、".join(q for _, q in sorted(small.slots.kinds)) + "/" + "、".join(
            q for _, q in sorted(big.slots.kinds))
    phases = [{PHASES[w] for w in PHASES if w in c.text} for c in (small, big)]
    if all(phases) and not phases[0] & phases[1]:
        return "phase:" + "、".join(sorted(phases[0])) + "/" + "、".join(sorted(phases[1]))
    why = swapped(small.text, big.text)
    if why.startswith("phase:") and not (small.requirement or big.requirement) and not all(
            any(p in c.text for p in PHASE_WORDS) for c in (small, big)):
        return ""                             # 隐患按计划完成整改 / 隐患治理: one order names no step of it
    if why.startswith("object:"):
        x, y = why[len("object:"):].split("/", 1)
        named, other = slots(x).objects, slots(y).objects
        if named and named <= big.objects and other <= small.objects:
            return ""                         # the other names the same facilities otherwise (两客一危)
        if small.slots.objects & big.slots.objects - named - other - _after(small.text, x) - _after(big.text, y):
            return ""                         # both name a facility outside the swap, not the head noun the
                                              # swapped words qualify (金属冶炼高危企业): a shared sub-duty on it
    return why


def _after(text: str, span: str) -> frozenset[str]:
    """The facilities named right after `span` in `text`: the head noun a swapped qualifier belongs to."""
    han = plain_han(text)
    at = han.find(span)
    return slots(han[at + len(span):at + len(span) + 8]).objects if at >= 0 else frozenset()


def labels_of(objects: Iterable[str]) -> str:
    """Up to three facility concepts by their preferred labels, for a slot's evidence."""
    from .vocabulary import vocabulary

    pref = vocabulary().facility_pref
    return "、".join(sorted(pref.get(o, o.rsplit("/", 1)[-1]) for o in objects)[:3])


def _replacements(ha: str, hb: str) -> list[tuple[int, int, int, int]]:
    """Spans where b says something else than a, with the single characters difflib matches by chance
    inside them (工业 / …建设工程 share 工) merged in."""
    spans: list[list[int]] = []
    current: list[int] | None = None
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ha, hb, autojunk=False).get_opcodes():
        if op == "equal" and (i2 - i1 >= 2 or current is None):
            current = None
        elif current is None:
            current = [i1, i2, j1, j2]
            spans.append(current)
        else:
            current[1], current[3] = i2, j2
    return [(i1, i2, j1, j2) for i1, i2, j1, j2 in spans if i2 > i1 and j2 > j1]


def swapped(a: str, b: str) -> str:
    """"object:x/y", "phase:x/y" or "product:x/y" when b reads like a with one object, phase or document
    replaced (监督工业建设项目 / 监督交通运输行业建设项目; 全面启动 / 全面完成; 对总体规划 / 对…发展规划), else ""."""
    ha, hb = plain_han(a), plain_han(b)
    for i1, i2, j1, j2 in _replacements(ha, hb):
        x, y = ha[i1:i2], hb[j1:j2]
        if max(len(x), len(y)) < 2:
            continue
        if any(p in x + "|" + y for p in PHASE_WORDS):
            return f"phase:{x}/{y}"
        if _names_object(ha[max(0, i1 - 1):i2 + 1]) and _names_object(hb[max(0, j1 - 1):j2 + 1]):
            return f"object:{x}/{y}"
        if min(len(x), len(y)) >= 2 and any(ha[i2:].startswith(k) and hb[j2:].startswith(k) for k in PRODUCT_TYPES):
            return f"product:{x}/{y}"
    return ""


def _names_object(span: str) -> bool:
    return bool(slots(span).objects) or any(is_object(t) for t in content_tokens(span))
