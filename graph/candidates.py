"""`dutygraph vocab candidates`: what the loaded documents name that the curated vocabularies do not cover
yet — units understood only from their names (with the guessed function, level and confidence, least sure
first), regulations, and frequent domain terms — for a curator to confirm in an override file."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import unquote

import pyoxigraph as ox

from . import namespaces as ns
from .listings import departments, regulations
from .queries import select
from .tokenize import tokens
from .unit_functions import places_of, read_unit
from .vocabulary import vocabulary

# Words that end like a facility, place or hazard term: the shapes worth a curator's look.
_DOMAIN_SUFFIX = re.compile(r"(场所|设施|设备|管网|管线|管道|工程|企业|场馆|园区|仓库|车辆|站|库|场|区域|路段|系统|灾害|事故)$")
KINDS = ("unit", "regulation", "term")


@dataclass(frozen=True)
class Candidate:
    """One row of the listing; unit rows fill the guess columns, the others leave them empty."""

    kind: str                 # unit | regulation | term
    term: str
    count: int                # duties naming it
    functions: list[str]      # guessed functions (labels); [] when none was recognised
    families: list[str]
    level: str
    jurisdiction: str
    confidence: float | None
    evidence: str             # the stems of the name that gave the guess
    documents: list[str]      # plan ids
    duties: list[str]         # "<plan> <kind> <number>", not IRIs
    note: str


def candidates(store: ox.Store, min_count: int = 2, limit: int = 100, kinds: tuple[str, ...] = KINDS) -> list[dict[str, Any]]:
    out: list[Candidate] = []
    if "unit" in kinds:
        out += unit_candidates(store)
    if "regulation" in kinds:
        out += [_plain("regulation", reg["title"] or reg["number"], reg["tasks"], "cited; no curated regulation list yet")
                for reg in regulations(store)]
    if "term" in kinds:
        out += _term_candidates(store, min_count, limit + 50 - len(out))
    return [asdict(c) for c in out]


def unit_candidates(store: ox.Store) -> list[Candidate]:
    """Minted units (not in departments.ttl or an override file), least sure guess first: a unit with no
    recognised function heads the list. Confidence and evidence are recomputed from the name with the
    current vocabulary (the level and jurisdiction stored at load are the context)."""
    vocab = vocabulary()
    rows: list[Candidate] = []
    for unit in departments(store):
        if not unit["id"].startswith(ns.ID) or unit["kind"] != "department":
            continue
        level, jurisdiction = unit["level"] or "", unit["jurisdiction"] or ""
        guess = read_unit(unit["name"], level, places_of(jurisdiction)).guess
        families = sorted({vocab.families.get(vocab.family_of(f) or "", "") for f in guess.functions} - {""})
        note = ("function not recognised: add the unit or a stem to an override file" if not unit["functions"]
                else "function guessed from the name: confirm or correct in an override file")
        rows.append(Candidate("unit", unit["name"], len(unit["tasks"]), unit["functions"], families, level,
                              jurisdiction, guess.confidence if unit["functions"] else 0.0, "、".join(guess.evidence),
                              _documents(unit["tasks"]), [duty_label(t) for t in unit["tasks"]], note))
    return sorted(rows, key=lambda c: (c.confidence or 0.0, -c.count, c.term))


def duty_label(task_iri: str) -> str:
    """…/id/task/lintong_plan/task/7 → 'lintong_plan task 7' (what a curator looks up in the document)."""
    prefix = f"{ns.ID}task/"
    if not task_iri.startswith(prefix):
        return task_iri
    parts = task_iri[len(prefix):].split("/")
    return " ".join(unquote(p) for p in parts)


def _documents(tasks: list[str]) -> list[str]:
    return sorted({p for p in (ns.plan_of_task(t) for t in tasks) if p})


def _plain(kind: str, term: str, tasks: list[str], note: str) -> Candidate:
    return Candidate(kind, term, len(tasks), [], [], "", "", None, "", _documents(tasks),
                     [duty_label(t) for t in tasks[:3]], note)


def _term_candidates(store: ox.Store, min_count: int, room: int) -> list[Candidate]:
    vocab = vocabulary()
    known = set(vocab.facility_labels) | {label for (_, label) in vocab.units}
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for row in select(store, "texts"):
        text = "\n".join(x for x in (row["text"], row["requirements"]) if x)
        for token in set(tokens(text)):
            if len(token) >= 3 and token not in known and _DOMAIN_SUFFIX.search(token) and not re.search(r"\d", token):
                counts[token] += 1
                examples.setdefault(token, []).append(row["task"])
    out: list[Candidate] = []
    for term, n in counts.most_common():
        if n < min_count or len(out) >= room:
            break
        out.append(_plain("term", term, examples[term], "frequent term not in facilities.ttl"))
    return out


def classify_names(names: list[str], jurisdiction: str, issuer_level: str) -> list[dict[str, Any]]:
    """`dutygraph vocab classify`: what a load would make of these names in a plan of `jurisdiction`."""
    from .unit_identity import resolve_department

    vocab = vocabulary()
    rows: list[dict[str, Any]] = []
    for name in names:
        unit = resolve_department(name, jurisdiction, issuer_level)
        reading = read_unit(name, issuer_level, places_of(jurisdiction))
        functions = unit.curated.functions if unit.curated else reading.guess.functions
        rows.append({
            "name": name, "kind": reading.kind, "id": unit.iri, "label": unit.label,
            "curated": unit.curated is not None,
            "functions": [vocab.functions[f].label for f in functions if f in vocab.functions],
            "families": sorted({vocab.families.get(vocab.family_of(f) or "", "") for f in functions} - {""}),
            "level": unit.curated.level if unit.curated else reading.level,
            "jurisdiction": unit.jurisdiction,
            "confidence": 1.0 if unit.curated else reading.guess.confidence,
            "evidence": "、".join(reading.guess.evidence),
        })
    return rows
