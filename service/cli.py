"""`dutygraph` command line: a thin shell over the library; every listing prints the same JSON as the API."""
from __future__ import annotations

import sys
from pathlib import Path

import typer

from dutygraph.loaders import LAYOUTS, LoadError

from . import output
from .settings import SAMPLES_DIR, SERVE_DEFAULTS, Settings, SettingsError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_show_locals=False,
                  help="dutygraph: duty-allocation tables as a knowledge graph.")

StoreOpt = typer.Option(None, "--store", help="Store folder (else $DUTYGRAPH_STORE, else ~/.local/share/dutygraph/store).")
FormatOpt = typer.Option("table", "--format", "-f", help="json | csv | table")


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _open(store: str | None):
    from dutygraph.graph.store import open_store

    where = _store_shown(store)
    try:
        db = open_store(store)
    except OSError as exc:
        _fail(f"cannot open the store at {where}: {exc} (is a server or another load using it?)")
    _tell_store(where)
    return db


def _store_shown(store: str | None) -> str:
    """The store a command uses as a person should see it: the absolute folder (a newcomer's `load` and `make run`
    must name the same one), or the engine's URL without any password in it."""
    from dutygraph.graph.store import store_location

    return store_location(store)


def _tell_store(where: str) -> None:
    """`使用数据库：…` on stderr, for the person at the terminal; not when stderr is a file or a pipe, where it would
    only be noise in logs and in tests that read a command's mixed output."""
    if sys.stderr.isatty():
        typer.echo(f"使用数据库：{where}", err=True)


def _emit(items: list[dict], fmt: str, title: str | None = None, columns: list[str] | None = None) -> None:
    if fmt == "json":
        typer.echo(output.to_json(items))
    elif fmt == "csv":
        sys.stdout.write(output.to_csv(items))
    elif fmt == "table":
        output.print_table(items, title=title, columns=columns)
    else:
        _fail(f"unknown format {fmt!r}: use json, csv or table", 2)


VocabOpt = typer.Option(None, "--vocab", metavar="FILE",
                        help="Override vocabulary (Turtle, see ontology/overrides.ttl); also $DUTYGRAPH_VOCAB=FILE[:FILE…].")


def _use_vocab(files: list[Path] | None) -> None:
    """Put --vocab files before $DUTYGRAPH_VOCAB's and read them now, so a bad file is a clean error."""
    import os

    from dutygraph.graph.vocabulary import VOCAB_ENV, VocabularyError, vocabulary

    if files:
        os.environ[VOCAB_ENV] = os.pathsep.join([str(f) for f in files] + [os.environ.get(VOCAB_ENV, "")]).strip(os.pathsep)
    try:
        vocabulary()
    except VocabularyError as exc:
        _fail(str(exc), 2)


@app.command()
def load(
    paths: list[Path] = typer.Argument(..., help="Documents or folders (searched recursively for .txt .tsv .csv .docx .xlsx .pdf)."),
    store: str | None = StoreOpt,
    layout: str | None = typer.Option(None, "--format", help=f"Force a layout: {', '.join(LAYOUTS)} (Office files are read by suffix)."),
    skip_bad: bool = typer.Option(False, "--skip-bad", help="Load the good files and list the bad ones (default: all or nothing)."),
    graph: str | None = typer.Option(
        None, "--graph", metavar="IRI",
        help="Put the triples of the RDF files given into this named graph (replacing it) instead of …/graph/file/<name>. "
             "Only when every path is an RDF file; an absolute http(s) IRI, not one of dutygraph's own graphs "
             "(…/graph/plan/…, …/graph/ontology, …/graph/analysis). In .nq/.trig files only the default graph's "
             "triples go there; their named graphs keep their own names."),
    dry_run: bool = typer.Option(
        False, "--dry-run",
        help="Read the documents and show what would be stored, per duty: number, opening words, lead, co-responsible "
             "and collective units, responsible persons, deadline and warnings. Stores nothing and does not open the store."),
    output: str = typer.Option(
        "text", "--output", help="With --dry-run: text (a readable listing) or json (the same as JSON, one object per document)."),
    vocab: list[Path] | None = VocabOpt,
) -> None:
    """Load documents into the store. All or nothing: if any file fails, the store is left unchanged
    (unless --skip-bad). RDF files (.ttl .nt .nq .trig .jsonld .rdf) go into their own named graph
    …/graph/file/<name> (or the graph given by --graph); named graphs inside .nq/.trig files keep their names."""
    from rich.progress import Progress

    from dutygraph.graph.load import document_paths, is_rdf_file, load_plans, read_folder, read_rdf, user_graph_problem

    for p in paths:
        if not p.exists():
            _fail(f"{p}: no such file or folder; nothing was loaded")
    _use_vocab(vocab)
    if dry_run:
        _dry_run(paths, layout, output)
        return
    rdf_files = [p for p in paths if is_rdf_file(p)]
    documents = [p for p in paths if p not in rdf_files]
    if graph is not None:
        if documents:
            _fail(f"--graph is only for RDF files (.ttl .nt .nq .trig .jsonld .rdf), not {', '.join(map(str, documents))}; "
                  "load documents in a separate command; nothing was loaded", 2)
        problem = user_graph_problem(graph)
        if problem:
            _fail(f"--graph: {problem}; nothing was loaded", 2)
    files = document_paths(documents)
    if not files and not rdf_files:
        _fail("no supported documents found; nothing was loaded")
    try:
        rdf_payloads = read_rdf(rdf_files, graph)
        with Progress(transient=True) as progress:
            bar = progress.add_task("reading", total=len(files))
            plans, failures = read_folder(documents, layout, skip_bad=skip_bad,
                                          on_file=lambda p: progress.update(bar, advance=1, description=p.name))
    except LoadError as exc:
        _fail(f"{exc}; nothing was loaded")
    db = _open(store)
    if rdf_payloads:
        _write_rdf(db, rdf_payloads, len(rdf_files))
    report = load_plans(db, plans) if plans else None
    for plan in plans:
        for warning in plan.warnings:
            typer.echo(f"warning: {plan.file}: {warning}", err=True)
    if report:
        _emit(report.summary(), "table", title=f"loaded {len(plans)} plan(s), {report.triples} triples")
    if failures:
        _emit([{"file": f, "error": m} for f, m in failures], "table", title=f"{len(failures)} file(s) not loaded")
        if not plans:
            raise typer.Exit(1)


def _dry_run(paths: list[Path], layout: str | None, output: str) -> None:
    """`load --dry-run`: the library's preview of every document, as text or JSON; exit 1 if one cannot be read."""
    import json

    from dutygraph.graph.load import find_documents, is_rdf_file
    from dutygraph.loaders.preview import preview_document

    if output not in ("text", "json"):
        _fail(f"unknown --output {output!r}: use text or json", 2)
    previews, errors = [], []
    try:
        files, skipped = find_documents([p for p in paths if not is_rdf_file(p)])
    except LoadError as exc:
        _fail(str(exc))
    errors += [f"{path}: skipped: {why}" for path, why in skipped]
    for path in files:
        try:
            previews.append(preview_document(path, layout))
        except LoadError as exc:
            errors.append(str(exc))
    if output == "json":
        typer.echo(json.dumps([p.as_dict() for p in previews], ensure_ascii=False, indent=2))
    else:
        for preview in previews:
            typer.echo(_preview_text(preview))
    for error in errors:
        typer.echo(f"error: {error}", err=True)
    if errors:
        raise typer.Exit(1)


def _preview_text(preview) -> str:
    """The preview as a civil servant reads it: Chinese field names, one duty per block."""
    lines = [f"{preview.file}：{preview.layout}，{len(preview.duties)} 项任务 — {preview.title}"]
    for d in preview.duties:
        lines.append(f"  {d.number} {d.opening}…（第 {d.lines[0]}–{d.lines[1]} 行）")
        lines.append(f"      牵头：{'、'.join(d.lead) or '—'}；配合：{'、'.join(d.co_responsible) or '—'}；"
                     f"集合性单位：{'、'.join(d.collective) or '—'}；责任人：{'、'.join(d.persons) or '—'}；"
                     f"完成时限：{d.deadline or '—'}")
        lines += [f"      提示：{w}" for w in d.warnings]
    lines += [f"  提示：{w}" for w in preview.warnings]
    return "\n".join(lines)


def _write_rdf(db, payloads, files: int) -> None:
    """Reference data users add beside the plans: each payload replaces its named graph, all in one update."""
    from dutygraph.graph.store import replace_graphs

    count = replace_graphs(db, payloads)
    names = ", ".join(f"<{p.graph}>" for p in payloads)
    typer.echo(f"loaded {count} triples from {files} RDF file(s) into {names}")


@app.command()
def tasks(
    store: str | None = StoreOpt,
    plan: str | None = typer.Option(None, "--plan", help="Plan id (the file stem)."),
    kind: str | None = typer.Option(None, "--kind", help="task | measure | schedule"),
    fmt: str = FormatOpt,
) -> None:
    """List duties (the task JSON contract)."""
    from dutygraph.graph.tasks import list_tasks

    items = list_tasks(_open(store), plan=plan, kind=kind)
    _emit(items, fmt, columns=None if fmt != "table" else ["kind", "number", "text", "departments", "collective_units", "deadline"])


@app.command()
def query(
    sparql: str = typer.Argument(..., help="A SPARQL SELECT/ASK/CONSTRUCT query (or @file.rq)."),
    store: str | None = StoreOpt,
    fmt: str = FormatOpt,
) -> None:
    """Run a read-only SPARQL query: over the FROM / FROM NAMED graphs it names, else over all graphs (their union), as /sparql does."""
    from dutygraph.graph.sparql import run_readonly

    text = Path(sparql[1:]).read_text(encoding="utf-8") if sparql.startswith("@") else sparql
    try:
        items = run_readonly(_open(store), text)
    except ValueError as exc:
        _fail(str(exc), 2)
    _emit(items, fmt)


@app.command()
def export(
    store: str | None = StoreOpt,
    fmt: str = typer.Option("ttl", "--format", "-f", help="ttl | nt | jsonld | nq | trig"),
    out: Path = typer.Option(..., "-o", "--output", help="File to write."),
) -> None:
    """Export the whole graph (all plans merged for ttl/nt/jsonld; with graph names for nq/trig)."""
    from dutygraph.graph.export import export_store

    try:
        count = export_store(_open(store), fmt, out)
    except ValueError as exc:
        _fail(str(exc), 2)
    typer.echo(f"wrote {count} triples to {out}")


@app.command()
def stats(store: str | None = StoreOpt, fmt: str = FormatOpt) -> None:
    """Plans in the store and their duties by kind."""
    from dutygraph.graph.listings import stats as plan_stats

    _emit([dict(row) for row in plan_stats(_open(store))], fmt)


@app.command()
def departments(store: str | None = StoreOpt, fmt: str = FormatOpt) -> None:
    """Departments and collective units, each with the duties naming it."""
    from dutygraph.graph.listings import departments as listing

    items = listing(_open(store))
    _emit(items if fmt != "table" else [_count_tasks(i) for i in items], fmt)


@app.command()
def facilities(store: str | None = StoreOpt, fmt: str = FormatOpt) -> None:
    """Facility and hazard types the duties concern, each with its duties."""
    from dutygraph.graph.listings import facility_types

    items = facility_types(_open(store))
    _emit(items if fmt != "table" else [_count_tasks(i) for i in items], fmt)


@app.command()
def regulations(store: str | None = StoreOpt, fmt: str = FormatOpt) -> None:
    """Regulations and documents cited, each with the citing duties."""
    from dutygraph.graph.listings import regulations as listing

    items = listing(_open(store))
    _emit(items if fmt != "table" else [_count_tasks(i) for i in items], fmt)


@app.command()
def indicators(store: str | None = StoreOpt, plan: str | None = typer.Option(None, "--plan"), fmt: str = FormatOpt) -> None:
    """Quantitative targets (metric, comparator, value, unit, source phrase) with their duty."""
    from dutygraph.graph.listings import indicators as listing

    _emit(listing(_open(store), plan=plan), fmt)


def _count_tasks(item: dict) -> dict:
    """Tables show how many duties, not the IRIs; json/csv keep the full lists."""
    return {k: (len(v) if k in ("tasks", "lead_tasks") else v) for k, v in item.items() if k != "id"}


@app.command()
def report(
    name: str = typer.Argument(..., help="shared-facilities | orphans | duplicates | dependencies | alignments | centrality"),
    store: str | None = StoreOpt,
    fmt: str = typer.Option("json", "--format", "-f", help="json | csv | xlsx | table"),
    out: Path | None = typer.Option(None, "-o", "--output", help="File for xlsx (or any format)."),
    facility: str | None = typer.Option(None, "--facility", help="shared-facilities: one facility type IRI."),
    department: str | None = typer.Option(None, "--department", help="shared-facilities: department name or IRI."),
    min_departments: int | None = typer.Option(None, "--min-departments"),
    plan: str | None = typer.Option(None, "--plan", help="shared-facilities: one plan id (sharing within it)."),
    reason: str | None = typer.Option(None, "--reason", help="orphans: one reason code."),
    kind: str | None = typer.Option(None, "--kind", help="duplicates: duplicate|overlap|restates|parallel; dependencies: a kind."),
    min_score: float | None = typer.Option(None, "--min-score"),
    by: str | None = typer.Option(None, "--by", help="shared-facilities: department (pairs within a plan) | function "
                                                       "(across governments)."),
    min_governments: int | None = typer.Option(None, "--min-governments", help="shared-facilities --by function."),
    scope: str | None = typer.Option(None, "--scope", help="centrality: plan (ranked within each government) | function."),
    jurisdiction: str | None = typer.Option(None, "--jurisdiction", help="centrality: one government, e.g. 成都市."),
) -> None:
    """Analysis reports (same JSON as the API). Governments are compared by function, never pooled."""
    from dutygraph.graph.reports import report as run

    filters = {"facility": facility, "department": department, "min_departments": min_departments, "plan": plan,
               "reason": reason, "kind": kind, "min_score": min_score, "by": by, "min_governments": min_governments,
               "scope": scope, "jurisdiction": jurisdiction}
    try:
        items = run(_open(store), name, **{k: v for k, v in filters.items() if v is not None})
    except (ValueError, TypeError) as exc:
        _fail(str(exc), 2)
    if fmt == "xlsx":
        target = out or Path(f"{name}.xlsx")
        target.write_bytes(output.to_xlsx(items, sheet=name))
        typer.echo(f"wrote {len(items)} rows to {target}")
    elif out is not None:
        out.write_text(output.to_json(items) if fmt == "json" else output.to_csv(items), encoding="utf-8")
    else:
        _emit(items, fmt)


@app.command()
def analyse(store: str | None = StoreOpt) -> None:
    """Re-run every analysis over the store and replace the analysis graph."""
    from dutygraph.graph.analysis import run_analysis

    result = run_analysis(_open(store))
    typer.echo(f"orphans {len(result.orphans)}, duplicate/parallel findings {len(result.duplicates)}, "
               f"dependencies {len(result.dependencies)}, aligned duties {len(result.alignments)}; "
               f"{result.triples} triples; seconds {result.seconds}")


@app.command()
def dismiss(
    target: list[str] = typer.Argument(..., metavar="FINDING_OR_TASKS",
                                       help="The finding's IRI (`finding` in `report duplicates`), or its duties "
                                            "(IRIs, or plan/kind/number such as chengdu_task_table/task/205)."),
    reason: str | None = typer.Option(None, "--reason", help="Why it is not a problem (required unless --undo)."),
    by: str | None = typer.Option(None, "--by", help="Who dismisses it (default: $USER)."),
    kind: str | None = typer.Option(None, "--kind", help="The finding's kind, when its duties make up several."),
    undo: bool = typer.Option(False, "--undo", help="Withdraw the dismissal instead."),
    store: str | None = StoreOpt,
) -> None:
    """Dismiss a finding with a reason, kept across reloads (prints the same JSON as POST /api/findings/dismiss)."""
    import os

    from dutygraph.graph import dismissals as dm

    finding = target[0] if len(target) == 1 and target[0].startswith(dm.FINDING_PREFIX) else None
    db = _open(store)
    try:
        tasks = [] if finding else [dm.task_of_ref(t) for item in target for t in item.replace(",", " ").split()]
        if undo:
            done = dm.undismiss(db, finding, tasks, kind)
        else:
            found = dm.find_finding(db, finding, tasks, kind)
            done = dm.dismiss(db, found, reason or "", by or os.environ.get("USER") or "", via="cli")
    except dm.DismissalError as exc:
        _fail(str(exc), 2)
    typer.echo(output.to_json({**done.as_json(), **({"withdrawn": True} if undo else {})}))


@app.command()
def evaluate(
    gold: Path = typer.Option(Path("tests/gold"), "--gold", help="Folder with the hand-labelled gold sets."),
    fmt: str = FormatOpt,
) -> None:
    """Precision/recall of extraction and analysis on the bundled samples against the gold sets
    (loads data/samples into a throw-away in-memory store)."""
    import pyoxigraph as ox

    from dutygraph.graph.evaluation import analysis_scores, as_rows, entity_scores
    from dutygraph.graph.load import load_files

    store = ox.Store()
    load_files(store, [Path("data/samples/chengdu_task_table.txt"), Path("data/samples/lintong_plan.txt")])
    rows = as_rows(entity_scores(store, gold), "entities") + as_rows(analysis_scores(store, gold), "analysis")
    _emit(rows, fmt)


vocab_app = typer.Typer(help="Curating the vocabularies.", no_args_is_help=True)
app.add_typer(vocab_app, name="vocab")


@vocab_app.command("candidates")
def vocab_candidates(store: str | None = StoreOpt, fmt: str = FormatOpt,
                     min_count: int = typer.Option(2, "--min-count", help="Least number of duties for a term."),
                     kind: str | None = typer.Option(None, "--kind", help="unit | regulation | term (default: all)."),
                     vocab: list[Path] | None = VocabOpt) -> None:
    """Units understood only from their names (guessed function, level, confidence, the duties and documents
    naming them; least sure first), cited regulations and frequent terms the vocabularies do not cover yet."""
    from dutygraph.graph.candidates import KINDS, candidates

    if kind is not None and kind not in KINDS:
        _fail(f"unknown --kind {kind!r}: use {', '.join(KINDS)}", 2)
    _use_vocab(vocab)
    _emit(candidates(_open(store), min_count=min_count, kinds=(kind,) if kind else KINDS), fmt,
          columns=["kind", "term", "count", "functions", "level", "confidence", "documents", "duties"])


@vocab_app.command("classify")
def vocab_classify(names: list[str] = typer.Argument(..., help="Unit names as a document writes them."),
                   jurisdiction: str = typer.Option("", "--jurisdiction", help="The issuing government, e.g. 广州市."),
                   level: str = typer.Option("", "--level", help="The issuer's level (市, 区, 县 …) for names without a place."),
                   fmt: str = FormatOpt, vocab: list[Path] | None = VocabOpt) -> None:
    """How names would be understood at load: the node each resolves to, its function(s), family, level,
    jurisdiction and confidence. Use it to check an override file before loading again."""
    from dutygraph.graph.candidates import classify_names

    _use_vocab(vocab)
    _emit(classify_names(names, jurisdiction, level), fmt,
          columns=["name", "label", "curated", "functions", "families", "level", "jurisdiction", "confidence"])


@app.command()
def viz(
    store: str | None = StoreOpt,
    focus: str | None = typer.Option(None, "--focus", help="Department, facility type or task (name or IRI)."),
    view: str | None = typer.Option(None, "--view", help="start | all | focus | sharing | quality | dependencies"),
    depth: int = typer.Option(1, "--depth", min=1, max=3),
    plan: str | None = typer.Option(None, "--plan"),
    function: str | None = typer.Option(None, "--function", help="Department function or family (应急管理, 安全应急)."),
    facility: str | None = typer.Option(None, "--facility", help="Facility type (燃气管网); narrower types included."),
    edges: list[str] = typer.Option([], "--edges", help="Edge kinds to keep (repeat or comma-separate): lead, concerns …"),
    out: Path = typer.Option(..., "-o", "--output", help="HTML file that opens from disk (no server, no CDN)."),
) -> None:
    """Write a self-contained interactive network view."""
    from dutygraph.viz import FocusNotFound, VizError, render_view
    from dutygraph.viz.routes import filters_from

    try:
        html = render_view(_open(store), view, focus=focus, depth=depth,
                           filters=filters_from(plan, function, facility, edges), standalone=True)
    except (VizError, FocusNotFound) as exc:
        _fail(str(exc), 2)
    out.write_text(html, encoding="utf-8")
    typer.echo(f"wrote {out}")


def _knob(name: str) -> str:
    """A serve option's help: the settings field's own, with its default and its variable (service/settings.py)."""
    info = Settings.model_fields[name]
    default = SERVE_DEFAULTS.get(name, info.default)
    shown = "" if default in (None, (), False) else f"default {'on' if default is True else default}; "
    return f"{info.description} ({shown}${info.json_schema_extra['env']})"  # type: ignore[index]


@app.command()
def serve(
    store: str | None = typer.Option(None, "--store", help=_knob("store")),
    host: str | None = typer.Option(None, "--host", help=_knob("host")),
    port: int | None = typer.Option(None, "--port", help=_knob("port")),
    workers: int | None = typer.Option(None, "--workers", help=_knob("workers")),
    samples: bool | None = typer.Option(None, "--load-samples-if-empty", is_flag=True, flag_value=True, help=_knob("samples_dir")),
    allow_update: bool | None = typer.Option(None, "--allow-update", is_flag=True, flag_value=True, help=_knob("allow_update")),
    allow_load: bool | None = typer.Option(None, "--allow-load", is_flag=True, flag_value=True, help=_knob("allow_load")),
    token: str | None = typer.Option(None, "--token", help=_knob("token")),
    timeout: float | None = typer.Option(None, "--timeout", help=_knob("timeout_s")),
    max_rows: int | None = typer.Option(None, "--max-rows", help=_knob("max_rows")),
    max_concurrent_queries: int | None = typer.Option(None, "--max-concurrent-queries", help=_knob("max_concurrent_queries")),
    cors_origin: list[str] = typer.Option([], "--cors-origin", help=_knob("cors_origins")),
    max_body_bytes: int | None = typer.Option(None, "--max-body-bytes", help=_knob("max_body_bytes")),
    max_upload_bytes: int | None = typer.Option(None, "--max-upload-bytes", help=_knob("max_upload_bytes")),
    query_isolation: str | None = typer.Option(None, "--query-isolation", help=_knob("query_isolation")),
    query_memory_mb: int | None = typer.Option(None, "--query-memory-mb", metavar="N", help=_knob("query_memory_mb")),
    service_allow: list[str] = typer.Option([], "--service-allow", metavar="URL", help=_knob("service_allowlist")),
    load_allow: list[str] = typer.Option([], "--load-allow", metavar="PREFIX", help=_knob("load_allowlist")),
    cache: bool | None = typer.Option(None, "--cache/--no-cache", help=_knob("cache")),
    warm: bool | None = typer.Option(None, "--warm/--no-warm", help=_knob("warm")),
    cache_mb: int | None = typer.Option(None, "--cache-mb", help=_knob("cache_mb")),
    local_uploads: bool | None = typer.Option(None, "--local-uploads", is_flag=True, flag_value=True, help=_knob("local_uploads")),
    preview_minutes: float | None = typer.Option(None, "--preview-minutes", help=_knob("preview_minutes")),
) -> None:
    """Serve the HTTP API, the SPARQL endpoint and the pages. Every option can also be set by its DUTYGRAPH_*
    variable (the option wins); unsafe combinations are refused before anything starts (docs/DEPLOY.md)."""
    settings = _serve_settings({
        "store": store, "host": host, "port": port, "workers": workers,
        "samples_dir": SAMPLES_DIR if samples else None, "allow_update": allow_update or None,
        "allow_load": allow_load or None, "token": token, "timeout_s": timeout, "max_rows": max_rows,
        "max_concurrent_queries": max_concurrent_queries, "cors_origins": cors_origin,
        "max_body_bytes": max_body_bytes, "max_upload_bytes": max_upload_bytes, "query_isolation": query_isolation,
        "query_memory_mb": query_memory_mb, "service_allowlist": service_allow, "load_allowlist": load_allow,
        "cache": cache, "warm": warm, "cache_mb": cache_mb, "local_uploads": local_uploads or None,
        "preview_minutes": preview_minutes})
    run_server(settings)


def _serve_settings(flags: dict[str, object]) -> Settings:
    try:
        return Settings.load(flags, base=SERVE_DEFAULTS)
    except SettingsError as exc:
        _fail(str(exc), 2)
        raise  # unreachable: _fail exits


def run_server(settings: Settings) -> None:
    """One process serving the app, or `settings.workers` uvicorn workers over a remote engine, each handed
    the same settings as $DUTYGRAPH_SETTINGS (in the environment, so the token is never in argv)."""
    import os

    import uvicorn

    from .app import _open, create_app

    _tell_store(_store_shown(settings.store))
    if settings.workers == 1:
        try:
            app = create_app(settings)
        except OSError as exc:
            _fail(f"cannot open the store at {_store_shown(settings.store)}: {exc} (is a server or another load using it?)")
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")
        return
    if settings.samples_dir is not None:     # once, here, before the workers start (they then find plans)
        _open(settings)
    os.environ.update(settings.to_env())
    uvicorn.run("dutygraph.service.app:app_from_env", factory=True, workers=settings.workers, host=settings.host,
                port=settings.port, log_level="info")


@app.command("gen-corpus")
def gen_corpus(
    plans: int = typer.Option(50, "--plans", min=1, help="How many plans (50 ≈ 15,000 duties; 500 ≈ 150,000)."),
    seed: int = typer.Option(1, "--seed", help="Same seed and --plans, same files."),
    out: Path = typer.Option(..., "-o", "--output", help="Folder for the plans and labels.json."),
) -> None:
    """Write a synthetic benchmark corpus derived from the two sample documents (labels.json beside it)."""
    from dutygraph.graph.corpus import generate

    labels = generate(plans, seed, out)
    specs = labels["plans"].values()
    typer.echo(f"wrote {len(specs)} plans, {sum(s['tasks'] for s in specs)} duties and labels.json to {out}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
