"""Documents → store, all or nothing: every file is parsed and turned into triples before the store is
touched, then the plan graphs, the ontology graph and the analysis graphs they change are switched in at
once (one transaction, or for a large load one bulk write and a journalled switch). Only regular files are
read: a FIFO would block for ever and /dev/zero never ends."""
from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from dutygraph import ontology
from dutygraph.loaders import LoadError, PlanRecord, read_document
from dutygraph.loaders.detect import SUPPORTED_SUFFIXES

from . import namespaces as ns
from .build import plan_triples
from .store import BULK_THRESHOLD, GraphPayload, bulk_replace, named_graphs, replace_graphs

if TYPE_CHECKING:
    from .analysis import Baseline

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
    """Parse every document first; two files that would be the same plan are an error, not a silent overwrite.
    A path that is not a regular file is refused before anything is read."""
    paths = list(map(Path, paths))
    for path in paths:
        _refuse_special(path)
    plans: list[PlanRecord] = []
    seen: dict[str, str] = {}
    for path in paths:
        if on_file:
            on_file(path)
        plans.append(_read_unique(path, layout, seen))
    return plans


def find_documents(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """The files named, plus the supported documents (.txt .tsv .csv .docx .xlsx .pdf) anywhere under the
    folders named, in name order (hidden files and Office lock files ~$… left out); and the entries under
    those folders passed over, as (path, reason): FIFOs, sockets, devices, unreadable files, broken links,
    link loops. A path named that is neither a folder nor a regular file is a LoadError, raised before
    anything is read: reading a FIFO waits for a writer for ever, and /dev/zero never ends."""
    files: list[Path] = []
    skipped: list[tuple[str, str]] = []
    for path in map(Path, paths):
        try:
            mode = os.stat(path).st_mode
        except OSError as exc:
            raise LoadError(str(path), _stat_problem(exc)) from None
        if stat.S_ISDIR(mode):
            found, passed = _walk(path)
            files += found
            skipped += passed
        else:
            _refuse_special(path, mode)
            files.append(path)
    return files, skipped


def document_paths(paths: Iterable[Path]) -> list[Path]:
    """find_documents' files, without its checks on the files named (read_all and read_folder refuse those)."""
    files: list[Path] = []
    for path in map(Path, paths):
        files += find_documents([path])[0] if path.is_dir() else [path]
    return files


def _walk(root: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """Depth first through `root` in name order, following links to folders but never one back to a folder
    above it (a loop) nor into a folder met before; an explicit stack, so no depth of nesting overflows."""
    files: list[Path] = []
    skipped: list[tuple[str, str]] = []
    top = os.stat(root)
    met = {(top.st_dev, top.st_ino): root}
    stack = [(root, frozenset(met))]
    while stack:
        folder, above = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            skipped.append((str(folder), f"cannot list the folder: {exc.strerror or exc}"))
            continue
        subfolders = []
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith((".", "~$")):
                continue
            try:
                info = os.stat(path)
            except OSError as exc:
                if entry.is_symlink() or path.suffix.lower() in SUPPORTED_SUFFIXES:
                    skipped.append((str(path), _stat_problem(exc)))
                continue
            key = (info.st_dev, info.st_ino)
            if stat.S_ISDIR(info.st_mode):
                if key in above:
                    skipped.append((str(path), "a link loop (it leads back to a folder above it)"))
                elif key in met:
                    skipped.append((str(path), f"the same folder as {met[key]}, already read"))
                else:
                    met[key] = path
                    subfolders.append((path, above | {key}))
            elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            elif not stat.S_ISREG(info.st_mode):
                skipped.append((str(path), f"not a regular file ({_kind(info.st_mode)})"))
            elif not os.access(path, os.R_OK):
                skipped.append((str(path), "cannot read the file: permission denied"))
            else:
                files.append(path)
        stack += reversed(subfolders)
    return sorted(files), skipped


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "a special file"


def _stat_problem(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a link loop (the link leads back to itself)"
    if exc.errno == errno.ENOENT:
        return "no such file (or a broken link)"
    return f"cannot read the file: {exc.strerror or exc}"


def _refuse_special(path: Path, mode: int | None = None) -> None:
    """LoadError unless `path` is a regular file (a link to one is fine); reads nothing from it."""
    if mode is None:
        try:
            mode = os.stat(path).st_mode
        except OSError as exc:
            raise LoadError(str(path), _stat_problem(exc)) from None
    if not stat.S_ISREG(mode):
        raise LoadError(str(path), f"not a regular file ({_kind(mode)}); name documents or the folders holding them")


def read_folder(
    paths: Iterable[Path],
    layout: str | None = None,
    skip_bad: bool = False,
    on_file: Callable[[Path], None] | None = None,
) -> tuple[list[PlanRecord], list[tuple[str, str]]]:
    """Read files and folders (recursively). All or nothing by default: the first bad file raises LoadError.
    With skip_bad, bad files are listed as (file, message) and the good ones are returned. Either way the
    entries under the folders that are no documents one can read (find_documents) are listed, not read."""
    files, failures = find_documents(paths)
    plans: list[PlanRecord] = []
    seen: dict[str, str] = {}
    for path in files:
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
    """Replace the plans' graphs and their analysis results, all or nothing, also after a crash, on either
    backend (remotely as far as the engine allows, docs/DEPLOY.md). An ordinary load into the embedded store
    is ONE transaction: the loaded plans are analysed on an in-memory store
    holding just them (and the ontology), the cross-plan results from their duties and those of the plans
    already stored, and plans, ontology and results are written together. A large load does the same
    through the bulk loader (_bulk_load), streaming plan by plan, and switches everything in at once."""
    report = LoadReport(plans=plans)
    large = sum(len(p.tasks) for p in plans) * TRIPLES_PER_TASK > BULK_THRESHOLD
    if large:
        report.triples = _bulk_load(store, plans, analyse)
        return report
    payloads = [plan_triples(p) for p in plans] + [ontology_payload()]
    if analyse:
        payloads += _analysis_payloads(store, payloads, [p.plan_id for p in plans])
    report.triples = replace_graphs(store, payloads)
    return report


def _analysis_payloads(store: ox.Store, payloads: list[GraphPayload], loaded: list[str]) -> list[GraphPayload]:
    """The analysis graphs that change once `payloads` are written: the loaded plans analysed on their own,
    then alignment and centrality over them and every other stored plan (graph/analysis.py: changed)."""
    from .analysis import AnalysisResult, _all_tasks, changed, cross_plan_findings, cross_plan_inputs, plan_findings

    scratch = ox.Store()
    scratch.bulk_extend(_quads(payloads))
    result = AnalysisResult()
    findings = plan_findings(scratch, _all_tasks(scratch), sorted(loaded), result)
    everything = sorted(cross_plan_inputs(store, skip=set(loaded)) + cross_plan_inputs(scratch), key=_duty_order)
    return changed(store, findings + cross_plan_findings(everything, result))


def _bulk_load(store: ox.Store, plans: list[PlanRecord], analyse: bool) -> int:
    """A load above BULK_THRESHOLD, through store.bulk_replace: every graph it may write is journalled first
    (plans, ontology, the loaded plans' analysis graphs, every plan's alignment graph, the centrality graph),
    then all are streamed in and switched in by one update; only one plan's triples are in memory at a time.
    Plan graphs the store already holds unchanged are not written: the switch copies every replaced triple
    once more inside its transaction (~0.3 ms a triple), which made re-loading a folder slow."""
    from .analysis import ANALYSIS_GRAPH, Baseline, alignment_graph, cross_plan_inputs, plan_analysis_graph, stored_digest

    graphs = [ns.plan_graph(p.plan_id) for p in plans] + [ns.ONTOLOGY_GRAPH]
    existing = set(named_graphs(store))
    held = {g: stored_digest(store, g) for g in graphs if g in existing}
    if not analyse:
        payloads = chain((plan_triples(p) for p in plans), [ontology_payload()])
        return bulk_replace(store, graphs, (q for payload in payloads for q in _if_changed(payload, held)))
    loaded = {p.plan_id for p in plans}
    stored = cross_plan_inputs(store, skip=loaded)
    every = sorted(loaded | {t["plan"]["id"] for t in stored})
    graphs += [plan_analysis_graph(p) for p in sorted(loaded)] + [alignment_graph(p) for p in every] + [ANALYSIS_GRAPH]
    return bulk_replace(store, graphs, _analysed(plans, stored, Baseline.of(store), held))


def _analysed(plans: list[PlanRecord], stored: list[dict], baseline: Baseline,
              held: dict[str, str]) -> Iterator[GraphPayload]:
    """Each plan's graph (unless held unchanged) and its changed analysis graph, found on a scratch store
    holding that plan and the ontology; the ontology; then the changed alignment and centrality graphs over
    every plan's duties: what _analysis_payloads gives for the same plans, one plan's worth in memory."""
    from .analysis import AnalysisResult, _all_tasks, cross_plan_findings, cross_plan_inputs, plan_findings

    ontology = ontology_payload()
    duties = list(stored)
    for plan in plans:
        payload = plan_triples(plan)
        scratch = ox.Store()
        scratch.bulk_extend(_quads([payload, ontology]))
        findings = plan_findings(scratch, _all_tasks(scratch, [plan.plan_id]), [plan.plan_id], AnalysisResult())
        duties += cross_plan_inputs(scratch)
        yield from _if_changed(payload, held, scratch)
        yield from baseline.keep(findings)
        del scratch
    yield from _if_changed(ontology, held)
    yield from baseline.keep(cross_plan_findings(sorted(duties, key=_duty_order), AnalysisResult()))


def _if_changed(payload: GraphPayload, held: dict[str, str], scratch: ox.Store | None = None) -> list[GraphPayload]:
    """[payload], or [] when the store holds exactly its triples (`held`: stored digests; `scratch`, if given,
    already holds the payload), compared as pyoxigraph stores them."""
    from .analysis import stored_digest

    if payload.graph not in held:
        return [payload]
    if scratch is None:
        scratch = ox.Store()
        scratch.bulk_extend(_quads([payload]))
    return [] if stored_digest(scratch, payload.graph) == held[payload.graph] else [payload]


def _quads(payloads: list[GraphPayload]) -> Iterator[ox.Quad]:
    return (ox.Quad(s, p, o, ox.NamedNode(payload.graph)) for payload in payloads for s, p, o in payload.triples)


def _duty_order(task: dict) -> tuple:
    """list_tasks' order, which alignment's results depend on."""
    return task["plan"]["id"], task["line"], task["kind"], task["number"]


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
