"""The curated vocabularies (ontology/departments.ttl, ontology/facilities.ttl), read once: the single
source of truth for department resolution, facility tagging and jieba's user dictionary."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import pyoxigraph as ox

from dutygraph import ontology

from . import namespaces as ns

SKOS_PREF = ns.SKOS + "prefLabel"
SKOS_ALT = ns.SKOS + "altLabel"
SKOS_HIDDEN = ns.SKOS + "hiddenLabel"
SKOS_BROADER = ns.SKOS + "broader"
RDF_TYPE = ns.RDF + "type"


@dataclass(frozen=True)
class Unit:
    iri: str
    label: str            # skos:prefLabel, the canonical name
    jurisdiction: str
    collective: bool
    function: str | None = None


@dataclass
class Vocabulary:
    units: dict[tuple[str, str], Unit] = field(default_factory=dict)       # (jurisdiction, any label) -> unit
    facility_labels: dict[str, str] = field(default_factory=dict)          # any label -> concept IRI
    facility_pref: dict[str, str] = field(default_factory=dict)            # concept IRI -> prefLabel
    broader: dict[str, list[str]] = field(default_factory=dict)            # concept IRI -> broader IRIs

    def resolve_unit(self, name: str, jurisdiction: str) -> Unit | None:
        return self.units.get((jurisdiction, name))

    def ancestors(self, concept: str) -> list[str]:
        """All broader concepts, nearest first (学校 → 人员密集场所)."""
        seen: list[str] = []
        frontier = list(self.broader.get(concept, []))
        while frontier:
            c = frontier.pop(0)
            if c not in seen:
                seen.append(c)
                frontier += self.broader.get(c, [])
        return seen

    def dictionary_words(self) -> list[str]:
        """Every label usable as a jieba word (no spaces or brackets inside)."""
        words = set(self.facility_labels) | {label for (_, label) in self.units}
        return sorted(w for w in words if w and not any(ch in w for ch in " （）()、，"))


def _triples(name: str) -> list[tuple[str, str, ox.Term]]:
    path = ontology.path(name)
    if not path.exists():
        return []
    out = []
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        if isinstance(quad.subject, ox.NamedNode):
            out.append((quad.subject.value, quad.predicate.value, quad.object))
    return out


@cache
def vocabulary() -> Vocabulary:
    vocab = Vocabulary()
    by_subject: dict[str, dict[str, list[ox.Term]]] = {}
    for s, p, o in _triples("departments.ttl"):
        by_subject.setdefault(s, {}).setdefault(p, []).append(o)
    for iri, props in by_subject.items():
        types = {t.value for t in props.get(RDF_TYPE, [])}
        collective = ns.DG + "CollectiveUnit" in types
        if not collective and ns.DG + "Department" not in types:
            continue
        pref = next((o.value for o in props.get(SKOS_PREF, [])), None)
        jurisdiction = next((o.value for o in props.get(ns.DG + "jurisdiction", [])), "")
        if not pref:
            continue
        function = next((o.value for o in props.get(ns.DG + "function", [])), None)
        unit = Unit(iri, pref, jurisdiction, collective, function)
        for label in [pref] + [o.value for o in props.get(SKOS_ALT, []) + props.get(SKOS_HIDDEN, [])]:
            vocab.units.setdefault((jurisdiction, label), unit)
    for s, p, o in _triples("facilities.ttl"):
        if p == SKOS_PREF:
            vocab.facility_pref[s] = o.value
            vocab.facility_labels.setdefault(o.value, s)
        elif p in (SKOS_ALT, SKOS_HIDDEN):
            vocab.facility_labels.setdefault(o.value, s)
        elif p == SKOS_BROADER and isinstance(o, ox.NamedNode):
            vocab.broader.setdefault(s, []).append(o.value)
    return vocab
