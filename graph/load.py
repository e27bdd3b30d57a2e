"""Documents → store, all or nothing: every file is parsed and turned into triples before the store is
touched, then all plan graphs (and the ontology graph) are replaced in one transaction."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from itertools import chain
from typing import Callable, Iterable, Iterator

import pyoxigraph as ox

from dutygraph import ontology
from dutygraph.loaders import LoadError, PlanRecord, read_document
from dutygraph.loaders.detect import SUPPORTED_SUFFIXES

from . import namespaces as ns
from .build import plan_triples
from .store import BULK_THRESHOLD, GraphPayload, bulk_replace, replace_graphs

TRIPLES_PER_TASK = 50      # measured on the samples: 21,237 triples for 433 duties


@dataclass
class LoadReport:
    plans: list[PlanRecord] = field(default_factory=list)
    triples: int = 0

    def summary(self) -> list[dict[str, object]]:
        return [
            {"file": p.file, "plan": p.plan_id, "layout": p.layout, "tasks": len(p.tasks), "warnings": len(p.warnings)}
            for p in self.plans
        ]


def ontology_payload() -> GraphPayload:
    """The shipped Turtle files as one named graph, so SPARQL users can query labels and hierarchies."""
    triples = []
    skolem: dict[str, ox.NamedNode] = {}

    def stable(term):
        """Blank nodes get IRIs numbered in parse order, so the same files give the same quads."""
        if isinstance(term, ox.BlankNode):
            if term.value not in skolem:
                skolem[term.value] = ox.NamedNode(f"{ns.BASE}.well-known/genid/{path.stem}-{len(skolem) + 1}")
            return skolem[term.value]
        return term

    for path in ontology.available():
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            triples.append((stable(quad.subject), quad.predicate, stable(quad.object)))
    return GraphPayload(graph=ns.ONTOLOGY_GRAPH, triples=triples)


def read_all(paths: Iterable[Path], layout: str | None = None, on_file: Callable[[Path], None] | None = None) -> list[PlanRecord]:
    """Parse every document first; two files that would be the same plan are an error, not a silent overwrite."""
    plans: list[PlanRecord] = []
    seen: dict[str, str] = {}
    for path in paths:
        if on_file:
            on_file(path)
        plans.append(_read_unique(path, layout, seen))
    return plans


def document_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named, plus the supported documents (.txt .tsv .csv .docx .xlsx .pdf) anywhere under the folders
    named, in name order; hidden files and Office lock files (~$…) are left out."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = (f for f in path.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES)
            files += sorted(f for f in found if not any(p.startswith((".", "~$")) for p in f.relative_to(path).parts))
        else:
            files.append(path)
    return files


def read_folder(
    paths: Iterable[Path],
    layout: str | None = None,
    skip_bad: bool = False,
    on_file: Callable[[Path], None] | None = None,
) -> tuple[list[PlanRecord], list[tuple[str, str]]]:
    """Read files and folders (recursively). All or nothing by default: the first bad file raises LoadError.
    With skip_bad, bad files are listed as (file, message) and the good ones are returned."""
    plans: list[PlanRecord] = []
    failures: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for path in document_paths(paths):
        if on_file:
            on_file(path)
        try:
            plans.append(_read_unique(path, layout, seen))
        except LoadError as exc:
            if not skip_bad:
                raise
            failures.append((str(path), str(exc)))
    return plans, failures


def _read_unique(path: Path, layout: str | None, seen: dict[str, str]) -> PlanRecord:
    plan = read_document(path, layout)
    if plan.plan_id in seen:
        raise LoadError(path.name, f"same plan id {plan.plan_id!r} as {seen[plan.plan_id]}; rename one of them")
    seen[plan.plan_id] = str(path)
    return plan


def load_plans(store: ox.Store, plans: list[PlanRecord], analyse: bool = True) -> LoadReport:
    """Replace the plans' graphs and their analysis results. An ordinary load into the embedded store is ONE
    transaction: the loaded plans are analysed on an in-memory store holding just them (and the ontology),
    the cross-plan results from their duties and those of the plans already stored, and plans, ontology and
    results are written together, so a crash leaves exactly the old or exactly the new state. A large load
    streams each plan's triples into the bulk loader as they are built (see store.bulk_replace: all or
    nothing, by a journal) and then analyses the loaded plans in a second step."""
    report = LoadReport(plans=plans)
    large = sum(len(p.tasks) for p in plans) * TRIPLES_PER_TASK > BULK_THRESHOLD
    if analyse and not large and isinstance(store, ox.Store):
        payloads = [plan_triples(p) for p in plans] + [ontology_payload()]
        report.triples = replace_graphs(store, payloads + _analysis_payloads(store, payloads, [p.plan_id for p in plans]))
        return report
    if large:
        graphs = [ns.plan_graph(p.plan_id) for p in plans] + [ns.ONTOLOGY_GRAPH]
        report.triples = bulk_replace(store, graphs, _stream(plans))
    else:
        report.triples = replace_graphs(store, [plan_triples(p) for p in plans] + [ontology_payload()])
    if analyse:
        from .analysis import run_analysis

        run_analysis(store, plans=[p.plan_id for p in plans])
    return report


def _analysis_payloads(store: ox.Store, payloads: list[GraphPayload], loaded: list[str]) -> list[GraphPayload]:
    """The analysis graphs that change once `payloads` are written: the loaded plans analysed on their own,
    then alignment and centrality over them and every other stored plan (graph/analysis.py: changed)."""
    from .analysis import AnalysisResult, _all_tasks, changed, cross_plan_findings, cross_plan_inputs, plan_findings

    scratch = ox.Store()
    scratch.bulk_extend(ox.Quad(s, p, o, ox.NamedNode(payload.graph)) for payload in payloads for s, p, o in payload.triples)
    result = AnalysisResult()
    findings = plan_findings(scratch, _all_tasks(scratch), sorted(loaded), result)
    everything = cross_plan_inputs(store, skip=set(loaded)) + cross_plan_inputs(scratch)
    everything.sort(key=lambda t: (t["plan"]["id"], t["line"], t["kind"], t["number"]))
    return changed(store, findings + cross_plan_findings(everything, result))


def _stream(plans: list[PlanRecord]) -> Iterator[tuple]:
    """One plan's triples at a time, so only one plan's worth is in memory beside the store's batch."""
    for payload in chain((plan_triples(p) for p in plans), [ontology_payload()]):
        yield from ((s, p, o, payload.graph) for s, p, o in payload.triples)


RDF_SUFFIXES = {".ttl": "TURTLE", ".nt": "N_TRIPLES", ".nq": "N_QUADS", ".trig": "TRIG", ".jsonld": "JSON_LD", ".rdf": "RDF_XML",
                ".owl": "RDF_XML"}


def is_rdf_file(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in RDF_SUFFIXES


def user_graph_problem(iri: str) -> str | None:
    """Why `iri` cannot be the graph user RDF is loaded into (None when it can): it must be an absolute
    http(s) IRI and not one of dutygraph's own graphs (plans, ontology, analysis, load bookkeeping)."""
    scheme, _, rest = iri.partition(":")
    if scheme.lower() not in ("http", "https") or not rest.startswith("//") or len(rest) <= 2 or rest[2] == "/":
        return f"graph {iri!r} is not an absolute http(s) IRI"
    try:
        ox.NamedNode(iri)
    except ValueError as exc:
        return f"graph {iri!r} is not a valid IRI: {exc}"
    if ns.is_reserved_graph(iri):
        return f"graph <{iri}> is one of dutygraph's own graphs (plans, ontology, analysis); choose another IRI"
    return None


def read_rdf(paths: Iterable[Path], graph: str | None = None) -> list[GraphPayload]:
    """Parse RDF files (before the store is touched) into one payload per graph they fill. Triples in a file's
    default graph go into `graph` if given, else into the file's own graph …/graph/file/<name>; quads in a
    named graph (.nq, .trig, JSON-LD) keep their graph name. Every graph is replaced as a whole on load (the
    target graph even if it ends up empty). Blank nodes are renamed per file so two files never share one.
    Raises LoadError (FILE:LINE: message) for a file that does not parse or that writes into one of
    dutygraph's own graphs."""
    graphs: dict[str, list] = {}
    for path in map(Path, paths):
        target = graph or ns.file_graph(path.name)
        graphs.setdefault(target, [])
        fmt = getattr(ox.RdfFormat, RDF_SUFFIXES[path.suffix.lower()])
        try:
            for quad in ox.parse(path=str(path), format=fmt, rename_blank_nodes=True):
                name = quad.graph_name
                if isinstance(name, ox.DefaultGraph):
                    into = target
                elif isinstance(name, ox.NamedNode) and not ns.is_reserved_graph(name.value):
                    into = name.value
                elif isinstance(name, ox.NamedNode):
                    raise LoadError(path.name, f"graph <{name.value}> is one of dutygraph's own graphs")
                else:
                    raise LoadError(path.name, f"graph {name} has a blank-node name; name it with an IRI")
                graphs.setdefault(into, []).append((quad.subject, quad.predicate, quad.object))
        except SyntaxError as exc:
            raise LoadError(path.name, exc.msg or str(exc), exc.lineno) from exc
        except (ValueError, OSError) as exc:
            raise LoadError(path.name, str(exc)) from exc
    return [GraphPayload(g, triples) for g, triples in graphs.items()]


def load_files(store: ox.Store, paths: Iterable[Path], layout: str | None = None,
               on_file: Callable[[Path], None] | None = None, analyse: bool = True) -> LoadReport:
    return load_plans(store, read_all(list(paths), layout, on_file), analyse=analyse)
