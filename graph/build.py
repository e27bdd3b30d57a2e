"""PlanRecord → triples of the plan's named graph. Pure: no store access, same records → same triples."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import pyoxigraph as ox

from dutygraph.loaders.records import Deadline, PlanRecord, TaskRecord
from dutygraph.loaders.units import lead_of

from . import namespaces as ns
from .citations import document_iri, find_plan_citations
from .entities import extract
from .store import GraphPayload
from .unit_identity import PlanUnits, ResolvedUnit, plan_units, resolve_department
from .vocabulary import vocabulary

KIND_CLASS = {"task": "TableTask", "measure": "Measure", "schedule": "ScheduleItem"}
Triple = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _dg(local: str) -> ox.NamedNode:
    return ox.NamedNode(ns.DG + local)


RDF_TYPE = _n(ns.RDF + "type")
PREF_LABEL = _n(ns.SKOS + "prefLabel")
ALT_LABEL = _n(ns.SKOS + "altLabel")
DCT_TITLE = _n(ns.DCT + "title")
DCT_IDENTIFIER = _n(ns.DCT + "identifier")
PROV_DERIVED = _n(ns.PROV + "wasDerivedFrom")


def _str(value: str) -> ox.Literal:
    return ox.Literal(value)


def _zh(value: str) -> ox.Literal:
    return ox.Literal(value, language="zh")


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n(ns.XSD + "integer"))


def _bool(value: bool) -> ox.Literal:
    return ox.Literal("true" if value else "false", datatype=_n(ns.XSD + "boolean"))


def _iso_date(value: str) -> ox.Literal:
    """xsd:gYear, xsd:gYearMonth or xsd:date by the length of the ISO string."""
    datatype = {4: "gYear", 7: "gYearMonth", 10: "date"}.get(len(value), "string")
    return ox.Literal(value, datatype=_n(ns.XSD + datatype))


def plan_triples(plan: PlanRecord) -> GraphPayload:
    """All triples of one plan. Units named in the curated vocabulary (ontology/departments.ttl) resolve to
    its IRIs, whatever spelling the plan uses; other names get IRIs minted from their own jurisdiction and
    canonical name, with the function and level read off the name (graph/unit_identity.py). What a curator
    should hear about (merged spellings, functions not recognised) is added once to plan.warnings."""
    out: list[Triple] = []
    plan_node = _n(ns.plan_iri(plan.plan_id))
    out += [
        (plan_node, RDF_TYPE, _dg("Plan")),
        (plan_node, DCT_IDENTIFIER, _str(plan.plan_id)),
        (plan_node, DCT_TITLE, _zh(plan.title or plan.plan_id)),
        (plan_node, _dg("layout"), _str(plan.layout)),
        (plan_node, _dg("sourceFile"), _str(plan.file)),
    ]
    if plan.jurisdiction:
        out.append((plan_node, _dg("jurisdiction"), _zh(plan.jurisdiction)))
    if plan.level:
        out.append((plan_node, _dg("level"), _zh(plan.level)))
    if getattr(plan, "issuer", ""):
        out.append((plan_node, _n(ns.DCT + "publisher"), _zh(plan.issuer)))
    if getattr(plan, "issuer_level", ""):
        out.append((plan_node, _dg("issuerLevel"), _zh(plan.issuer_level)))
    if getattr(plan, "doc_number", ""):
        out.append((plan_node, _dg("docNumber"), _zh(plan.doc_number)))
    out += _citation_triples(plan_node, plan)
    if getattr(plan, "date", ""):
        out.append((plan_node, _n(ns.DCT + "issued"), _iso_date(plan.date)))
    section_nodes: dict[tuple[str, str], ox.NamedNode] = {}
    for index, (kind, title) in enumerate(plan.sections, start=1):
        node = _n(ns.section_iri(plan.plan_id, kind, index))
        section_nodes[(kind, title)] = node
        out += [
            (node, RDF_TYPE, _dg("Section")),
            (node, DCT_TITLE, _zh(title)),
            (node, _dg("partOf"), plan_node),
            (node, _dg("kind"), _str(kind)),
            (node, _dg("order"), _int(index)),
        ]
    units = _UnitNodes(plan_units(plan))
    plan.warnings.extend(w for w in units.resolved.warnings if w not in plan.warnings)
    for task in plan.tasks:
        out += _task_triples(plan, task, plan_node, section_nodes, units)
    for variant, canonical in sorted(plan.variants.items()):
        known = units.resolved.units.get(canonical)
        iri = known.iri if known else resolve_department(canonical, plan.jurisdiction, plan.issuer_level or plan.level).iri
        out.append((_n(iri), ALT_LABEL, _zh(variant)))
    return GraphPayload(graph=ns.plan_graph(plan.plan_id), triples=out)


@dataclass
class _UnitNodes:
    """The plan's resolved unit names, and the minted nodes already described in this plan's graph."""

    resolved: PlanUnits
    described: set[str] = field(default_factory=set)


def resolve_unit(name: str, jurisdiction: str, collective: bool) -> tuple[str, str | None]:
    """(IRI, canonical label) from the vocabulary, or (minted IRI, None) for a name it does not know."""
    unit = vocabulary().resolve_unit(name, jurisdiction)
    if unit is not None:
        return unit.iri, unit.label
    return (ns.collective_iri(jurisdiction, name) if collective else ns.org_iri(jurisdiction, name)), None


def unknown_units(plan: PlanRecord) -> list[str]:
    """Unit names of the plan the vocabulary does not know: kept as new nodes, listed for curation."""
    return sorted(n for n, u in plan_units(plan).units.items() if u.curated is None)


def _task_triples(plan, task: TaskRecord, plan_node, section_nodes, units: _UnitNodes) -> list[Triple]:
    node = _n(ns.task_iri(plan.plan_id, task.kind, task.number))
    out: list[Triple | None] = [
        (node, RDF_TYPE, _dg("Task")),
        (node, RDF_TYPE, _dg(KIND_CLASS.get(task.kind, "Task"))),
        (node, _dg("kind"), _str(task.kind)),
        (node, _dg("number"), _int(task.number)),
        (node, _dg("partOf"), plan_node),
        (node, _dg("statement"), _zh(task.text)) if task.text else None,
        (node, _dg("requirements"), _zh(task.requirements)) if task.requirements else None,
        (node, _dg("unitsAsWritten"), _zh(task.units_raw)) if task.units_raw else None,
        (node, _dg("openEnded"), _bool(task.open_ended)),
        (node, _dg("sourceFile"), _str(task.file)),
        (node, _dg("firstLine"), _int(task.lines[0])),
        (node, _dg("lastLine"), _int(task.lines[1])),
        (node, _dg("rawCell"), _str(json.dumps(task.raw, ensure_ascii=False, sort_keys=True))),
        (node, PROV_DERIVED, plan_node),
    ]
    if task.section and (task.kind, task.section) in section_nodes:
        out.append((node, _dg("section"), section_nodes[(task.kind, task.section)]))
    position = 0
    assigned: set[str] = set()
    leads = set(lead_of(task))          # every unit written in a 牵头 role; else the first concrete one
    named = [(n, False) for n in task.departments] + [(n, True) for n in task.collective_units]
    for name, collective in named:
        unit = units.resolved.resolve(name)
        if unit.iri in assigned:       # two spellings of one unit on one duty
            continue
        assigned.add(unit.iri)
        position += 1
        role = "collective" if collective else ("lead" if name in leads else "coResponsible")
        out += _assignment(node, position, unit, role, collective, units)
    out += [(node, _dg("responsiblePerson"), _zh(person)) for person in task.persons]
    if task.deadline:
        out += _deadline(node, task.deadline)
    out += _entity_triples(node, task)
    return [t for t in out if t is not None]


def _citation_triples(plan_node: ox.NamedNode, plan: PlanRecord) -> list[Triple]:
    """What the plan rests on (its 根据/按照 preamble and narrative): plan dg:implements each cited document and
    dg:drafts each one it orders written; one node per document across plans, shared with the duties' citations."""
    out: list[Triple] = []
    for citation in find_plan_citations(plan.text, plan.title, plan.doc_number):
        if citation.role == "self":
            continue
        doc = _n(document_iri(citation))
        out += [(plan_node, _dg("implements" if citation.role == "cited" else "drafts"), doc),
                (doc, RDF_TYPE, _dg("Regulation"))]
        if citation.title:
            out.append((doc, DCT_TITLE, _zh(citation.title)))
        if citation.number:
            out.append((doc, _dg("docNumber"), _zh(citation.number)))
    return out


def _entity_triples(node: ox.NamedNode, task: TaskRecord) -> list[Triple]:
    entities = extract(task)
    out: list[Triple] = []
    for concept, _word in entities.facilities:
        out.append((node, _dg("concernsFacility"), _n(concept)))
    for citation in entities.citations:
        reg = _n(f"{ns.ID}regulation/{ns.slug(citation.key)}")
        out += [(node, _dg("citesRegulation"), reg), (reg, RDF_TYPE, _dg("Regulation")),
                (reg, _dg("citedAs"), _zh(citation.written))]
        if citation.title:
            out.append((reg, DCT_TITLE, _zh(citation.title)))
        if citation.number:
            out.append((reg, _dg("docNumber"), _zh(citation.number)))
    for index, target in enumerate(entities.targets, start=1):
        ind = _n(f"{node.value}/indicator/{index}")
        out += [
            (node, _dg("hasIndicator"), ind), (ind, RDF_TYPE, _dg("Indicator")),
            (ind, _dg("metric"), _zh(target.metric)), (ind, _dg("comparator"), _str(target.op)),
            (ind, _dg("value"), ox.Literal(_decimal(target.value), datatype=_n(ns.XSD + "decimal"))),
            (ind, _dg("unitOfMeasure"), _zh(target.unit)), (ind, _dg("sourcePhrase"), _zh(target.text)),
            (ind, _dg("order"), _int(index)),
        ]
        if target.year:
            out.append((ind, _dg("targetYear"), _iso_date(str(target.year))))
    return out


def _decimal(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def _assignment(task_node, position: int, resolved: ResolvedUnit, role: str, collective: bool,
                units: _UnitNodes) -> list[Triple]:
    unit = _n(resolved.iri)
    a = _n(f"{task_node.value}/unit/{position}")
    out: list[Triple] = [
        (task_node, _dg("assignment"), a),
        (a, RDF_TYPE, _dg("Assignment")),
        (a, _dg("unit"), unit),
        (a, _dg("role"), _str("co-responsible" if role == "coResponsible" else role)),
        (a, _dg("order"), _int(position)),
        (task_node, _dg("assignedTo"), unit),
    ]
    if collective:
        out.append((task_node, _dg("collectiveUnit"), unit))
    else:
        out += [(task_node, _dg("responsible"), unit), (task_node, _dg(role), unit)]
    if resolved.name != resolved.label:
        out.append((unit, ALT_LABEL, _zh(resolved.name)))
    described = resolved.curated is not None and resolved.reading is None   # the ontology graph holds its facts
    if not described and resolved.iri not in units.described:
        units.described.add(resolved.iri)
        out += _unit_facts(unit, resolved)
    return out


def _unit_facts(unit: ox.NamedNode, resolved: ResolvedUnit) -> list[Triple]:
    """A minted unit (or one from a user vocabulary file) described in the plan graph: its label, jurisdiction,
    and — read off its name — level and functions, marked as guessed with the classifier's confidence."""
    kind = "CollectiveUnit" if resolved.collective else "Department"
    out: list[Triple] = [(unit, RDF_TYPE, _dg(kind)), (unit, RDF_TYPE, _n(ns.ORG + "Organization")),
                         (unit, PREF_LABEL, _zh(resolved.label))]
    if resolved.jurisdiction:
        out.append((unit, _dg("jurisdiction"), _zh(resolved.jurisdiction)))
    reading, curated = resolved.reading, resolved.curated
    if curated is not None:
        out += [(unit, _dg("function"), _n(f)) for f in curated.functions]
        out += [(unit, _dg("level"), _zh(curated.level))] if curated.level else []
        return out + _external_functions(curated.functions)
    if reading is None or resolved.collective:
        return out
    if reading.level:
        out.append((unit, _dg("level"), _zh(reading.level)))
    guess = reading.guess
    out += [(unit, _dg("function"), _n(f)) for f in guess.functions]
    out += [(unit, _dg("functionGuessed"), _bool(True)),
            (unit, _dg("functionConfidence"), ox.Literal(f"{guess.confidence:.2f}", datatype=_n(ns.XSD + "decimal")))]
    if guess.evidence:
        out.append((unit, _dg("functionEvidence"), _zh("、".join(guess.evidence))))
    return out + _external_functions(guess.functions)


def _external_functions(functions) -> list[Triple]:
    """Functions a user vocabulary file adds are not in the ontology graph: their label and family go here."""
    vocab = vocabulary()
    out: list[Triple] = []
    for iri in functions:
        function = vocab.functions.get(iri)
        if function is not None and function.external:
            node = _n(iri)
            out += [(node, RDF_TYPE, _dg("Function")), (node, RDF_TYPE, _n(ns.SKOS + "Concept")),
                    (node, PREF_LABEL, _zh(function.label))]
            out += [(node, _dg("family"), _n(function.family))] if function.family else []
    return out


def _deadline(task_node, deadline: Deadline) -> list[Triple]:
    d = _n(task_node.value + "/deadline")
    out: list[Triple] = [
        (task_node, _dg("deadline"), d),
        (d, RDF_TYPE, _dg("Deadline")),
        (d, _dg("deadlineRaw"), _zh(deadline.raw)),
        (d, _dg("ongoing"), _bool(deadline.ongoing)),
    ]
    if deadline.start:
        out.append((d, _dg("deadlineStart"), _iso_date(deadline.start)))
    if deadline.end:
        out.append((d, _dg("deadlineEnd"), _iso_date(deadline.end)))
    return out
