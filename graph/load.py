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
    """Replace the plans' graphs and the analysis graph. An ordinary load into the embedded store is ONE
    transaction: the analyses run on an in-memory copy of the store as it will be, and plans, ontology and
    analysis results are written together, so a crash leaves exactly the old or exactly the new state.
    A large load streams each plan's triples into the bulk loader as they are built (see
    store.bulk_replace: all or nothing, by a journal) and then re-runs the analyses in a second step."""
    report = LoadReport(plans=plans)
    large = sum(len(p.tasks) for p in plans) * TRIPLES_PER_TASK > BULK_THRESHOLD
    if analyse and not large and isinstance(store, ox.Store):
        from .analysis import compute_analysis

        payloads = [plan_triples(p) for p in plans] + [ontology_payload()]
        scratch = _future_copy(store, payloads)
        _, analysis_payload = compute_analysis(scratch)
        report.triples = replace_graphs(store, payloads + [analysis_payload])
        return report
    if large:
        graphs = [ns.plan_graph(p.plan_id) for p in plans] + [ns.ONTOLOGY_GRAPH]
        report.triples = bulk_replace(store, graphs, _stream(plans))
    else:
        report.triples = replace_graphs(store, [plan_triples(p) for p in plans] + [ontology_payload()])
    if analyse:
        from .analysis import run_analysis

        run_analysis(store)
    return report


def _future_copy(store: ox.Store, payloads: list[GraphPayload]) -> ox.Store:
    """An in-memory store holding what `store` will hold once `payloads` replace their graphs."""
    from .analysis import ANALYSIS_GRAPH

    replaced = {p.graph for p in payloads} | {ANALYSIS_GRAPH}
    scratch = ox.Store()
    scratch.bulk_extend(q for q in store if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in replaced))
    scratch.bulk_extend(ox.Quad(s, p, o, ox.NamedNode(payload.graph)) for payload in payloads for s, p, o in payload.triples)
    return scratch


def _stream(plans: list[PlanRecord]) -> Iterator[tuple]:
    """One plan's triples at a time, so only one plan's worth is in memory beside the store's batch."""
    for payload in chain((plan_triples(p) for p in plans), [ontology_payload()]):
        yield from ((s, p, o, payload.graph) for s, p, o in payload.triples)


def load_files(store: ox.Store, paths: Iterable[Path], layout: str | None = None,
               on_file: Callable[[Path], None] | None = None, analyse: bool = True) -> LoadReport:
    return load_plans(store, read_all(list(paths), layout, on_file), analyse=analyse)
