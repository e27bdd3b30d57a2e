"""One node per body per government. Each unit name of a plan resolves to a curated department
(ontology/departments.ttl, overrides) or to a minted IRI that includes the body's own jurisdiction; spellings of
one body inside a plan (规划局 = 市规划局 = 市规划和自然资源局 in a 市 plan) become one node, while the same name
in two governments stays two nodes, linked only by their function."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from dutygraph.loaders.records import PlanRecord

from . import namespaces as ns
from .unit_functions import (
    CITY,
    COUNTY,
    DISTRICT,
    LEVEL_RANK,
    NATIONAL,
    PROVINCE,
    STREET,
    TOWN,
    UnitReading,
    body_kind,
    next_place,
    places_of,
    read_unit,
)
from .vocabulary import Unit, Vocabulary, vocabulary

_LEVEL_CHAR = {PROVINCE: "省", CITY: "市", DISTRICT: "区", COUNTY: "县"}
_MERGING_BODIES = ("admin", "corps:")          # centres, branches, companies, parks, towns merge only by name


@dataclass(frozen=True)
class ResolvedUnit:
    """A unit name of one plan and the node it denotes. `reading` is set for every concrete unit the plan's
    graph must describe (minted, or from a user file outside the ontology graph)."""

    name: str
    iri: str
    label: str                    # the node's canonical label
    collective: bool
    curated: Unit | None = None
    reading: UnitReading | None = None
    jurisdiction: str = ""


@dataclass(frozen=True)
class PlanUnits:
    """Every unit name of a plan resolved, and what a curator should hear about (merges, unknown functions)."""

    units: dict[str, ResolvedUnit] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def resolve(self, name: str) -> ResolvedUnit:
        return self.units[name]


def plan_units(plan: PlanRecord) -> PlanUnits:
    """Resolve all unit names of a plan at once: merging spellings needs the whole plan (how often each is
    written, which are listed together on one duty and so are two bodies)."""
    vocab = vocabulary()
    context = _Context(plan.jurisdiction, plan.issuer_level or plan.level)
    counts: Counter[str] = Counter(n for t in plan.tasks for n in t.departments)
    together = {frozenset((a, b)) for t in plan.tasks for a in t.departments for b in t.departments if a != b}
    units: dict[str, ResolvedUnit] = {}
    for task in plan.tasks:
        for name in task.collective_units:
            units.setdefault(name, _collective(name, context, vocab))
        for name in task.departments:
            if name not in units:
                units[name] = resolve_department(name, context.jurisdiction, context.issuer_level, vocab)
    merged = _merge_by_function(units, counts, together, vocab)
    units.update(merged)
    warnings = [f"unit {n!r} merged into {u.label!r} (same function, level and kind of body)"
                for n, u in sorted(merged.items()) if n != u.label]
    warnings += [f"unit {n!r}: function not recognised from its name; kept as a new node "
                 "(confirm it with `dutygraph vocab candidates`)"
                 for n, u in sorted(units.items()) if u.reading and not u.collective and not u.reading.guess.functions]
    return PlanUnits(units, tuple(warnings))


@dataclass(frozen=True)
class _Context:
    jurisdiction: str
    issuer_level: str


def _collective(name: str, context: _Context, vocab: Vocabulary) -> ResolvedUnit:
    unit = vocab.resolve_unit(name, context.jurisdiction)
    if unit is not None:
        return ResolvedUnit(name, unit.iri, unit.label, True, unit, None, unit.jurisdiction)
    return ResolvedUnit(name, ns.collective_iri(context.jurisdiction, name), name, True, None, None,
                        context.jurisdiction)


def resolve_department(name: str, jurisdiction: str, issuer_level: str, vocab: Vocabulary | None = None) -> ResolvedUnit:
    """The curated department the name denotes (as written in the plan's jurisdiction first — the samples
    resolve exactly as before — then in the body's own jurisdiction, as written or in canonical form),
    else a minted node `…/id/org/<body's jurisdiction>/<canonical name>`."""
    vocab = vocab or vocabulary()
    known = vocab.resolve_unit(name, jurisdiction)
    reading = read_unit(name, issuer_level, places_of(jurisdiction))
    if known is not None:
        return ResolvedUnit(name, known.iri, known.label, False, known, reading if known.external else None,
                            known.jurisdiction)
    own = jurisdiction_of(reading, jurisdiction, issuer_level)
    label = canonical_label(reading)
    for key in (name, label):
        known = vocab.resolve_unit(key, own)
        if known is not None:
            return ResolvedUnit(name, known.iri, known.label, False, known, reading if known.external else None, own)
    return ResolvedUnit(name, ns.org_iri(own or jurisdiction, label), label, False, None, reading, own)


def jurisdiction_of(reading: UnitReading, plan_jurisdiction: str, issuer_level: str = "") -> str:
    """The government a body belongs to: its own place completed by the plan's (雁塔区 in a 西安市临潼区 plan
    → 西安市雁塔区), else the plan's own or the plan's higher part (市应急局 in that plan → 西安市); '' when
    the plan does not say (省应急管理厅 in a city plan). Streets, towns and units of lower level belong to the
    plan's government."""
    if reading.level == NATIONAL:
        return "国家"
    parts = _parts(plan_jurisdiction)
    if reading.place:
        own = _parts(reading.place)
        if not own or own[0][1] in (TOWN, STREET):
            return plan_jurisdiction
        head = [p for p, level in parts if LEVEL_RANK[level] < LEVEL_RANK[own[0][1]]]
        return "".join(head + [p for p, level in own if level not in (TOWN, STREET)])
    plan_level = parts[-1][1] if parts else issuer_level
    if not reading.level or not plan_level or LEVEL_RANK.get(reading.level, 9) >= LEVEL_RANK.get(plan_level, 9):
        return plan_jurisdiction
    head = [p for p, level in parts if LEVEL_RANK[level] <= LEVEL_RANK[reading.level]]
    return "".join(head)


def _parts(place: str) -> list[tuple[str, str]]:
    """西安市临潼区 → [(西安市, 市), (临潼区, 区)]."""
    out: list[tuple[str, str]] = []
    end, level = 0, ""
    while found := next_place(place + "人民政府", end, level):
        out.append((place[end:found[0]], found[1]))
        end, level = found
    return out if end == len(place) else []


def canonical_label(reading: UnitReading) -> str:
    """The name a minted node carries: without its place, with its level prefix (广州市规划局 and 规划局 in a
    市 plan are both 市规划局). National bodies, branches, companies, parks and towns keep their own names."""
    written = re.sub(r"^(?:中共|中国共产党)", "", reading.name)
    written = re.sub(r"[（(][^（）()]*[）)]$", "", written).strip() or written
    if reading.place and written.startswith(reading.place) and reading.level != NATIONAL:
        above_town = "".join(p for p, level in _parts(reading.place) if level not in (TOWN, STREET))
        written = written[len(above_town):]
    plain = reading.body in ("admin", "centre") or reading.body.startswith("corps:")
    if plain and reading.level in _LEVEL_CHAR and written == reading.core:
        return _LEVEL_CHAR[reading.level] + written
    if written.startswith("委") and reading.level in _LEVEL_CHAR:
        return _LEVEL_CHAR[reading.level] + written
    return written


def _merge_by_function(units: dict[str, ResolvedUnit], counts: Counter[str], together: set[frozenset[str]],
                       vocab: Vocabulary) -> dict[str, ResolvedUnit]:
    """Minted spellings with the same jurisdiction, level, functions and kind of body, whose evidence names
    the main body (not an agency), are one body: they join a curated department with that key if there is
    exactly one, else the spelling the plan writes most. Functions many bodies share never merge."""
    groups: dict[tuple, list[str]] = {}
    for name, unit in units.items():
        key = _merge_key(unit, vocab)
        if key is not None and unit.curated is None:
            groups.setdefault(key, []).append(name)
    curated = _curated_keys(vocab)
    out: dict[str, ResolvedUnit] = {}
    for key, names in groups.items():
        target = curated.get(key)
        if target is not None:
            for name in names:
                out[name] = ResolvedUnit(name, target.iri, target.label, False, target, None, target.jurisdiction)
            continue
        leaders: list[str] = []
        for name in sorted(names, key=lambda n: (-counts[n], len(n), n)):
            leader = next((lead for lead in leaders if frozenset((name, lead)) not in together), None)
            if leader is None:
                leaders.append(name)
            elif units[name].iri != units[leader].iri:
                lead = units[leader]
                out[name] = ResolvedUnit(name, lead.iri, lead.label, False, None, lead.reading, lead.jurisdiction)
    return out


def _merge_key(unit: ResolvedUnit, vocab: Vocabulary) -> tuple | None:
    reading = unit.reading
    if unit.collective or reading is None or not reading.guess.mergeable or not reading.guess.functions:
        return None
    if not reading.body.startswith(_MERGING_BODIES):
        return None
    if any(vocab.functions[f].distinct for f in reading.guess.functions if f in vocab.functions):
        return None
    return (unit.jurisdiction, reading.level, frozenset(reading.guess.functions), reading.body)


def _curated_keys(vocab: Vocabulary) -> dict[tuple, Unit]:
    """Curated departments by merge key; a key two departments share (市应急局, 市安委办 …) is left out."""
    keys: dict[tuple, list[Unit]] = {}
    for unit in vocab.curated_units():
        if unit.collective or not unit.functions:
            continue
        key = (unit.jurisdiction, unit.level, frozenset(unit.functions), body_kind(unit.label))
        keys.setdefault(key, []).append(unit)
    return {key: found[0] for key, found in keys.items() if len(found) == 1}
