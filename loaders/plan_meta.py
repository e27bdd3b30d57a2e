"""Plan-level facts a loader can read off the document: jurisdiction, level, and the variant spellings
of one unit within the plan (merged to the spelling the plan uses most)."""
from __future__ import annotations

import re
from collections import Counter

from .records import PlanRecord
from .units import variant_map

_TITLE_PLACE = re.compile(r"^([\u4e00-\u9fff]{2,4}?(?:省|自治区))?([\u4e00-\u9fff]{2,4}?市)?([\u4e00-\u9fff]{1,4}?(?:区|县|旗))?")
_CITY = re.compile(r"([\u4e00-\u9fff]{2})市")
_NOT_CITY = set("城超门夜股集上全本该各我县省地分州")


def jurisdiction_of(plan: PlanRecord, text: str) -> str:
    """From the title (西安市临潼区…), else the city the text names most (成都市 ×7)."""
    match = _TITLE_PLACE.match(plan.title)
    if match and (match.group(2) or match.group(3)):
        return "".join(g for g in match.groups() if g)
    counts = Counter(m.group(1) + "市" for m in _CITY.finditer(text) if m.group(1)[1] not in _NOT_CITY)
    common = [(name, n) for name, n in counts.most_common(3) if n >= 2]
    return common[0][0] if common else ""


def level_of(plan: PlanRecord) -> str:
    """市 or 区/县: the prefix most of the plan's named departments carry (市应急局 → 市)."""
    firsts = Counter(name[0] for t in plan.tasks for name in t.departments if name[0] in "市区县")
    return firsts.most_common(1)[0][0] if firsts else ""


def merge_variants(plan: PlanRecord, aliases: dict[str, str] | None = None) -> None:
    """Rewrite department names to one spelling per unit; the variants are kept in plan.variants."""
    counts = Counter(name for t in plan.tasks for name in t.departments)
    together = {frozenset((a, b)) for t in plan.tasks for a in t.departments for b in t.departments if a != b}
    mapping = variant_map(counts, aliases, together)
    plan.variants = mapping
    for variant, canonical in sorted(mapping.items()):
        plan.warnings.append(f"variant spelling {variant!r} merged into {canonical!r}")
    for task in plan.tasks:
        merged: list[str] = []
        for name in task.departments:
            name = mapping.get(name, name)
            if name not in merged:
                merged.append(name)
        task.departments = merged


def finalise(plan: PlanRecord, text: str) -> PlanRecord:
    plan.jurisdiction = plan.jurisdiction or jurisdiction_of(plan, text)
    merge_variants(plan)
    plan.level = plan.level or level_of(plan)
    return plan
