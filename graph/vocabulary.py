"""The curated vocabularies (ontology/functions.ttl, departments.ttl, overrides.ttl, facilities.ttl and the
user's override files), read once: the single source of truth for department resolution, the name stems
that classify unknown bodies, facility tagging and jieba's user dictionary."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from dutygraph import ontology
from dutygraph.loaders.errors import LoadError

from . import namespaces as ns

SKOS_PREF = ns.SKOS + "prefLabel"
SKOS_ALT = ns.SKOS + "altLabel"
SKOS_HIDDEN = ns.SKOS + "hiddenLabel"
SKOS_BROADER = ns.SKOS + "broader"
RDF_TYPE = ns.RDF + "type"
VOCAB_ENV = "DUTYGRAPH_VOCAB"
# Stem tiers, strongest first; the confidence a match through each gives (graph/unit_functions.py).
TIER_CONFIDENCE = {"override": 1.0, "label": 0.95, "body": 0.9, "agency": 0.8, "short": 0.7}
_STEM_PREDICATES = {ns.DG + "bodyStem": "body", ns.DG + "agencyStem": "agency", ns.DG + "shortStem": "short"}

Term = ox.NamedNode | ox.BlankNode | ox.Literal   # an object in the vocabulary files


class VocabularyError(LoadError):
    """A user override file that cannot be read: names the file and line, like a bad document."""


@dataclass(frozen=True)
class Unit:
    iri: str
    label: str            # skos:prefLabel, the canonical name
    jurisdiction: str
    collective: bool
    function: str | None = None
    functions: tuple[str, ...] = ()
    level: str = ""
    external: bool = False    # from a user file ($DUTYGRAPH_VOCAB): not in the ontology graph, so its facts
                              # are written into the plan graph


@dataclass(frozen=True)
class Function:
    iri: str
    label: str
    alt_labels: tuple[str, ...]
    family: str | None
    distinct: bool        # dg:distinctBodies: many bodies of one government share it
    external: bool = False


@dataclass(frozen=True)
class Stem:
    """One way a body's name says its function: the text, the function and how strong the evidence is."""

    text: str
    function: str
    tier: str             # override | label | body | agency | short


@dataclass
class Vocabulary:
    units: dict[tuple[str, str], Unit] = field(default_factory=dict)       # (jurisdiction, any label) -> unit
    facility_labels: dict[str, str] = field(default_factory=dict)          # any label -> concept IRI
    facility_pref: dict[str, str] = field(default_factory=dict)            # concept IRI -> prefLabel
    broader: dict[str, list[str]] = field(default_factory=dict)            # concept IRI -> broader IRIs
    functions: dict[str, Function] = field(default_factory=dict)           # function IRI -> function
    families: dict[str, str] = field(default_factory=dict)                 # family IRI -> prefLabel
    stems: dict[str, list[Stem]] = field(default_factory=dict)             # stem text -> its stems
    function_by_label: dict[str, str] = field(default_factory=dict)        # function pref/alt label -> IRI
    files: tuple[str, ...] = ()                                            # user override files read

    def resolve_unit(self, name: str, jurisdiction: str) -> Unit | None:
        return self.units.get((jurisdiction, name))

    def curated_units(self) -> list[Unit]:
        """Every curated department and collective once (the label index holds each many times)."""
        return list({u.iri: u for u in self.units.values()}.values())

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

    def family_of(self, function: str) -> str | None:
        f = self.functions.get(function)
        return f.family if f else None


def user_files() -> tuple[str, ...]:
    """Override files named by $DUTYGRAPH_VOCAB (os.pathsep-separated), in order."""
    return tuple(p for p in os.environ.get(VOCAB_ENV, "").split(os.pathsep) if p.strip())


def _parse(path: Path, user: bool) -> list[tuple[str, str, Term]]:
    if not path.exists():
        if user:
            raise VocabularyError(str(path), "no such vocabulary file")
        return []
    out = []
    try:
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if isinstance(quad.subject, ox.NamedNode):
                out.append((quad.subject.value, quad.predicate.value, quad.object))
    except SyntaxError as exc:
        raise VocabularyError(str(path), exc.msg or str(exc), exc.lineno) from exc
    except (ValueError, OSError) as exc:
        raise VocabularyError(str(path), str(exc)) from exc
    return out


def _triples(name: str) -> list[tuple[str, str, Term]]:
    return _parse(ontology.path(name), user=False)


def _subjects(triples: list[tuple[str, str, Term]]) -> dict[str, dict[str, list[Term]]]:
    by_subject: dict[str, dict[str, list[Term]]] = {}
    for s, p, o in triples:
        by_subject.setdefault(s, {}).setdefault(p, []).append(o)
    return by_subject


def _add_units(vocab: Vocabulary, by_subject: dict[str, dict[str, list[Term]]], external: bool) -> None:
    """First file wins for a (jurisdiction, label): user files and overrides.ttl are read before departments.ttl."""
    for iri, props in by_subject.items():
        types = {t.value for t in props.get(RDF_TYPE, [])}
        collective = ns.DG + "CollectiveUnit" in types
        if not collective and ns.DG + "Department" not in types:
            continue
        pref = next((o.value for o in props.get(SKOS_PREF, [])), None)
        if not pref:
            continue
        jurisdiction = next((o.value for o in props.get(ns.DG + "jurisdiction", [])), "")
        functions = tuple(o.value for o in props.get(ns.DG + "function", []))
        level = next((o.value for o in props.get(ns.DG + "level", [])), "")
        unit = Unit(iri, pref, jurisdiction, collective, functions[0] if functions else None, functions, level, external)
        for label in [pref] + [o.value for o in props.get(SKOS_ALT, []) + props.get(SKOS_HIDDEN, [])]:
            vocab.units.setdefault((jurisdiction, label), unit)


def _add_functions(vocab: Vocabulary, by_subject: dict[str, dict[str, list[Term]]], override: bool,
                   external: bool) -> None:
    """Functions, families and name stems; an override file may add stems to a shipped function (tier override)."""
    for iri, props in by_subject.items():
        types = {t.value for t in props.get(RDF_TYPE, [])}
        pref = next((o.value for o in props.get(SKOS_PREF, [])), None)
        if ns.DG + "FunctionFamily" in types and pref:
            vocab.families[iri] = pref
        if ns.DG + "Function" in types and pref and iri not in vocab.functions:
            alts = tuple(o.value for o in props.get(SKOS_ALT, []))
            family = next((o.value for o in props.get(ns.DG + "family", [])), None)
            distinct = any(o.value == "true" for o in props.get(ns.DG + "distinctBodies", []))
            vocab.functions[iri] = Function(iri, pref, alts, family, distinct, external)
            shape_only = not any(p in props for p in _STEM_PREDICATES)   # 人民政府: told by the name's shape
            for label in (pref, *alts):
                vocab.function_by_label.setdefault(label, iri)
                if not shape_only:
                    _add_stem(vocab, Stem(label, iri, "override" if override else "label"))
        for predicate, tier in _STEM_PREDICATES.items():
            for o in props.get(predicate, []):
                _add_stem(vocab, Stem(o.value, iri, "override" if override else tier))


def _add_stem(vocab: Vocabulary, stem: Stem) -> None:
    """Keep one stem per (text, function), the strongest tier."""
    rank = list(TIER_CONFIDENCE)
    found = vocab.stems.setdefault(stem.text, [])
    for index, old in enumerate(found):
        if old.function == stem.function:
            if rank.index(stem.tier) < rank.index(old.tier):
                found[index] = stem
            return
    found.append(stem)


def vocabulary() -> Vocabulary:
    """The vocabulary for the override files $DUTYGRAPH_VOCAB names now (read once per set of files)."""
    return _vocabulary(user_files())


@cache
def _vocabulary(files: tuple[str, ...]) -> Vocabulary:
    vocab = Vocabulary(files=files)
    sources = [(_parse(Path(f), user=True), True, True) for f in files]
    sources += [(_triples("overrides.ttl"), True, False), (_triples("functions.ttl"), False, False),
                (_triples("departments.ttl"), False, False)]
    for triples, override, external in sources:
        by_subject = _subjects(triples)
        _add_functions(vocab, by_subject, override, external)
        _add_units(vocab, by_subject, external)
    for s, p, o in _triples("facilities.ttl"):
        if p == SKOS_PREF:
            vocab.facility_pref[s] = o.value
            vocab.facility_labels.setdefault(o.value, s)
        elif p in (SKOS_ALT, SKOS_HIDDEN):
            vocab.facility_labels.setdefault(o.value, s)
        elif p == SKOS_BROADER and isinstance(o, ox.NamedNode):
            vocab.broader.setdefault(s, []).append(o.value)
    return vocab
