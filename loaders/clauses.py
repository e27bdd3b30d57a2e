"""Clauses of an assignment bracket or cell: `A牵头，B、C参与，D负责落实`, `A、B指导`, `A会同有关部门负责`,
`A、B，各省级人民政府按职责分工负责`, each clause a list of units with what they do. Split out of assignments.py,
which finds the brackets; this module says what the words inside one mean."""
from __future__ import annotations

import re

from .unit_names import is_name_list, is_unit_list
from .units import split_units

VERBS = r"(?:按职责分工|按照职责分工|按职责|分别|共同|各自|依职责)?"
# 指导 (guide) is how a document assigns work it leaves to the local governments: the guiding units own the duty.
_CLAUSE = re.compile(
    rf"^(?P<names>.+?)(?:等(?:相关|有关)?(?:部门|单位)?)?{VERBS}"
    r"(?P<verb>牵头(?:负责|落实|实施|推进)?|负责(?:落实|实施)?|主责|主办|承办|配合(?:落实|实施)?|参与|协助|协办|协同|落实|指导)?$"
)
# （第一责任单位为牵头单位，下同）: a note on how to read the list, not a unit (the first unit leads anyway)
_NOTE = re.compile(r"[（(][^（）()]*(?:下同|为牵头单位)[^（）()]*[）)]")
# …负责，排在第一位的部门为牵头部门，下同: the same note written as clauses of the bracket itself
_NOTE_CLAUSE = re.compile(r"^下同$|第一位.{0,6}为牵头(?:单位|部门)")
# A会同B负责: A does the work and leads, B works with it (A、B会同C: A leads, B and C work with it)
_WITH = re.compile(r"^(?P<lead>.+?)会同(?P<support>.+)$")
_LEAD_VERBS = ("牵头", "主责", "主办")
_SUPPORT_VERBS = ("配合", "参与", "协助", "协办", "协同")


def read_clauses(text: str, declared: bool = False) -> dict[str, str] | None:
    """`A牵头，B、C参与，D负责落实` → lead A, support B、C, units D; every clause must name units only.
    Text after a full stop (以下各项工作均需…不再列出) is a note, not an assignment. A verb after a plain list
    (`A、B，C负责`) is said of the whole list; after a clause with its own verb (`A指导，C负责落实`) of C only."""
    text = re.split(r"[。]", text, maxsplit=1)[0].strip("；;，, ")
    text = _NOTE.sub("", text).strip("；;，, ")
    found: dict[str, list[str]] = {"lead": [], "support": [], "units": []}
    said = False                  # a clause before this one had a verb of its own
    for clause in (c.strip() for c in re.split(r"[，,；;]", text)):
        if clause and found != {"lead": [], "support": [], "units": []} and _NOTE_CLAUSE.search(clause):
            continue
        match = _CLAUSE.match(clause) if clause else None
        if match is None:
            return None
        verb = match.group("verb") or ""
        names = match.group("names")
        paired = _WITH.match(names) if not verb.startswith(_SUPPORT_VERBS) else None
        if paired and _names(paired.group("lead"), declared) and _names(paired.group("support"), declared):
            first, *others = split_units(paired.group("lead"), expand=False).departments or [paired.group("lead")]
            found["lead"].append(first)                  # A、B会同C负责: the first listed leads, as in a plain list
            found["support"].extend([*others, paired.group("support")])
            said = True
            continue
        if not _names(names, declared):
            return None
        role = "lead" if verb.startswith(_LEAD_VERBS) else "support" if verb.startswith(_SUPPORT_VERBS) else "units"
        if role == "units" and verb and (found["lead"] or found["units"] and said):
            role = "support"
        said = said or bool(verb)
        found[role].append(clause if not verb else names)
    return {role: "、".join(names) for role, names in found.items() if names} or None


def _names(text: str, declared: bool) -> bool:
    return (is_name_list if declared else is_unit_list)(text)
