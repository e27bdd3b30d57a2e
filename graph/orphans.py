"""Orphaned duties: nobody concrete accountable, no statement, no deadline, an open list, no requirements;
and plan-level gaps (facility types the narrative names but no duty covers, units named but holding no duty).
The well-formedness part runs the SHACL shapes (ontology/shapes.ttl) with pyshacl; each violated
property shape's sh:name is the reason code."""
from __future__ import annotations

from typing import Any

import pyoxigraph as ox
import rdflib
from pyshacl import validate

from dutygraph import ontology

from . import namespaces as ns
from .backend import backend_of, capabilities
from .vocabulary import vocabulary

SH = rdflib.Namespace(ns.SH)
REASONS = ("collective_only", "empty_task", "no_deadline", "open_ended", "no_requirements")


def shacl_reasons(store: ox.Store, graphs: list[str] | None = None) -> dict[str, set[str]]:
    """Run the duty shapes over the plan graphs (only `graphs` when given: the plans being re-analysed);
    task IRI → reason codes from the violated shapes."""
    data = rdflib.Graph()
    shape_query = """
        PREFIX dg: <https://w3id.org/dutygraph/ontology#>
        CONSTRUCT { ?t a ?c ; dg:statement ?s ; dg:responsible ?d ; dg:deadline ?dl }
        WHERE { ?t a ?c . FILTER(?c IN (dg:TableTask, dg:ScheduleItem))
                OPTIONAL { ?t dg:statement ?s } OPTIONAL { ?t dg:responsible ?d } OPTIONAL { ?t dg:deadline ?dl } }"""
    found = backend_of(store).construct(shape_query, graphs if capabilities(store).scoped_queries else None)
    nt = found.serialize(format=ox.RdfFormat.N_TRIPLES) or b""
    data.parse(data=nt.decode("utf-8"), format="nt")
    shapes = rdflib.Graph().parse(str(ontology.path("shapes.ttl")), format="turtle")
    _, report, _ = validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    reasons: dict[str, set[str]] = {}
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        source = report.value(result, SH.sourceShape)
        name = shapes.value(source, SH.name)
        if focus is not None and name is not None:
            reasons.setdefault(str(focus), set()).add(str(name))
    return reasons


def orphans(store: ox.Store, tasks: list[dict[str, Any]], graphs: list[str] | None = None) -> list[dict[str, Any]]:
    """One entry per orphaned duty (reasons in a fixed order), then the plan-level gaps (task null);
    `graphs` narrows the SHACL validation to the plans of `tasks`."""
    from_shapes = shacl_reasons(store, graphs)
    plans_with_requirements = {t["plan"]["id"] for t in tasks if t.get("requirements")}
    out: list[dict[str, Any]] = []
    for task in tasks:
        if task["kind"] == "measure":
            continue
        reasons = set(from_shapes.get(task["id"], set()))
        if task["open_ended"]:
            reasons.add("open_ended")
        if task["plan"]["id"] in plans_with_requirements and not task.get("requirements"):
            reasons.add("no_requirements")
        if not task["departments"] and not task["collective_units"]:
            reasons.discard("collective_only")
            reasons.add("no_units")
        if reasons:
            out.append({"task": task["id"], "plan": task["plan"]["id"], "number": task["number"], "kind": task["kind"],
                        "reasons": [r for r in REASONS + ("no_units",) if r in reasons],
                        "collective_units": task["collective_units"]})
    return out + plan_gaps(tasks)


def plan_gaps(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Facility types named by a plan's narrative measures that none of its duties concern (rolled up:
    a duty on 学校 covers a measure on 学校 only), and units of a plan that hold no table duty."""
    vocab = vocabulary()
    by_plan: dict[str, list[dict[str, Any]]] = {}
    for task in tasks:
        by_plan.setdefault(task["plan"]["id"], []).append(task)
    gaps: list[dict[str, Any]] = []
    for plan, items in sorted(by_plan.items()):
        measures = [t for t in items if t["kind"] == "measure"]
        duties = [t for t in items if t["kind"] != "measure"]
        covered = {f for t in duties for f in t.get("facility_types") or []}
        label_to_iri = {label: iri for iri, label in vocab.facility_pref.items()}
        covered_iris = {label_to_iri[f] for f in covered if f in label_to_iri}
        covered_with_parents = covered_iris | {a for c in covered_iris for a in vocab.ancestors(c)}
        named: dict[str, list[str]] = {}
        for m in measures:
            for f in m.get("facility_types") or []:
                named.setdefault(f, []).append(m["id"])
        for label, sources in sorted(named.items()):
            iri = label_to_iri.get(label)
            if label not in covered and iri not in covered_with_parents:
                gaps.append({"task": None, "plan": plan, "reasons": ["facility_not_covered"],
                             "facility_type": label, "evidence": sources})
        table_units = {n for t in items if t["kind"] == "task" for n in t["departments"]}
        other_units = {n: t["id"] for t in items if t["kind"] != "task" for n in t["departments"]}
        if any(t["kind"] == "task" for t in items):
            for name, source in sorted(other_units.items()):
                if name not in table_units:
                    gaps.append({"task": None, "plan": plan, "reasons": ["unit_without_task"],
                                 "unit": name, "evidence": [source]})
    return gaps
