"""What every HTML page shares: the Jinja2 environment (autoescaping; assets only from this package, for
intranets), the reader's language and plan (query parameter, else cookie, else default), and one way to show
a table — sorted, filtered and paged on the server, downloadable as CSV and Excel with the same filter."""
from __future__ import annotations

import functools
import gzip
from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Annotated, Any, TypeVar
from urllib.parse import quote, urlencode

from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from dutygraph.graph import question_rows as qr
from dutygraph.graph import table_view
from dutygraph.graph.namespaces import plan_of_task
from dutygraph.graph.plan_choice import ALL, PlanInfo, chosen
from dutygraph.graph.search import build_index, search

from . import deps, i18n, output
from .answer_cache import AnswerCache
from .pages_rows import Source, task_rows
from .responses import csv_download, download
from .security import is_iri

R = TypeVar("R", bound=Response)
PLAN_COOKIE = "plan"
YEAR = 365 * 24 * 3600


def link(kind: str, iri: str | None) -> str:
    """The page of an item: its IRI only ever in an href, never in visible text."""
    return f"/{kind}/{quote(iri or '', safe='')}"


# base.html falls back to this when a page is rendered by an environment of another module that only has
# `link` (service/duty_lists.py): such pages are still framed in Chinese, without the plan selector.
link.zh = i18n.Messages("zh")  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Col:
    """A table column: the row key, the catalogue key of its header, and how its value is written out
    (`text`, `number`, `code` and `codes` for catalogue codes such as reasons, `pairs` for department pairs)."""

    key: str
    header: str
    kind: str = "text"
    sortable: bool = True
    shown: bool = True      # False: in downloads only (the page shows it another way)


@functools.cache
def environment() -> Environment:
    """The pages' templates, autoescaped; one environment per process, so templates are compiled once."""
    folder = str(resources.files("dutygraph.service").joinpath("templates"))
    env = Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals["link"] = link
    env.globals["evidence"] = i18n.evidence
    env.globals["t"] = i18n.Messages("zh")       # pages of other modules that extend base.html without a reader
    env.filters["qs"] = lambda params: urlencode({k: v for k, v in params.items() if v not in (None, "")})
    env.filters["num"] = lambda v: "" if v is None else (f"{v:.3f}".rstrip("0").rstrip(".") if isinstance(v, float) else v)
    return env


@dataclass
class Reader:
    """Who is reading: language, the plans to choose from and the one chosen (a plan id, ALL or None)."""

    request: Request
    t: i18n.Messages
    plans: list[PlanInfo]
    plan: str | None
    set_cookies: dict[str, str] = field(default_factory=dict)

    @property
    def plan_ids(self) -> set[str] | None:
        """The plans an answer covers: None for all of them."""
        if self.plan == ALL:
            return None
        return {self.plan} if self.plan else set()

    @property
    def plan_set(self) -> frozenset[str] | None:
        """plan_ids as a key for kept answers (None: all plans)."""
        return None if self.plan_ids is None else frozenset(self.plan_ids)

    @property
    def many(self) -> bool:
        """Whether rows of several plans are shown together, so a plan column is needed."""
        return self.plan == ALL and len(self.plans) > 1

    def titles(self) -> dict[str, str]:
        return {p.id: p.label for p in self.plans}

    def params(self, **changes: Any) -> dict[str, str]:
        out = {k: v for k, v in self.request.query_params.items() if k not in ("lang", "format")}
        out.update({k: str(v) for k, v in changes.items() if v is not None})
        return {k: v for k, v in out.items() if v != ""}

    def query(self, **changes: Any) -> str:
        return urlencode(self.params(**changes))

    def url(self, **changes: Any) -> str:
        params = self.params(**changes)
        return self.request.url.path + ("?" + urlencode(params) if params else "")


def reader(request: Request, plans: list[PlanInfo]) -> Reader:
    query, cookies = request.query_params, request.cookies
    lang = i18n.choose(query, cookies, request.headers.get("accept-language", ""))
    plan = chosen(plans, query.get("plan") or cookies.get(PLAN_COOKIE))
    remember: dict[str, str] = {}
    if query.get("lang") in i18n.LANGUAGES:
        remember[i18n.COOKIE] = lang
    if plan and plan == query.get("plan"):
        remember[PLAN_COOKIE] = plan
    return Reader(request, i18n.Messages(lang), plans, plan, remember)


def render(env: Environment, who: Reader, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = env.get_template(template).render(t=who.t, lang=who.t.lang, who=who, plans=who.plans,
                                             plan=who.plan, all_plans=ALL, **context)
    return remembered(HTMLResponse(html, status_code=status), who)


def remembered(response: R, who: Reader) -> R:
    """The reader's language and plan chosen by query parameter, remembered in cookies."""
    for name, value in who.set_cookies.items():
        response.set_cookie(name, value, max_age=YEAR, samesite="lax", httponly=True)
    return response


@dataclass(frozen=True)
class KeptPage:
    """A page as sent — status, body and headers, not its cookies — kept for one store generation, with the
    body also gzip-compressed when it is large text."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]
    remember: bool        # whether it set the reader's cookies (pages do, downloads do not)
    gzipped: bytes | None = None

    def response(self, who: Reader) -> Response:
        """As sent to this reader: compressed if their browser accepts it, with their cookies if it set any."""
        headers = dict(self.headers)
        body = self.body
        if self.gzipped is not None:
            headers["vary"] = "Accept-Encoding"
            if accepts_gzip(who.request):
                body, headers["content-encoding"] = self.gzipped, "gzip"
        sent = Response(body, status_code=self.status, headers=headers)
        return remembered(sent, who) if self.remember else sent


UNKEPT_HEADERS = frozenset({"set-cookie", "content-length"})
GZIP_FROM = 32 * 1024         # text bodies from this size are kept gzip-compressed too
FAST_GZIP_FROM = 1 << 20      # … and from this size compressed faster, less tightly (downloads of many plans)
GZIP_TYPES = ("text/", "application/json")   # .xlsx and .docx are zip files already


def accepts_gzip(request: Request) -> bool:
    return any(part.split(";")[0].strip() == "gzip" and not part.replace(" ", "").endswith("q=0")
               for part in request.headers.get("accept-encoding", "").lower().split(","))


def compressed(body: bytes, media: str) -> bytes | None:
    """The gzip of a large text body (no timestamp: the same page gives the same bytes), else None: the orphans
    CSV of 500 plans is 22.5 MB, and 8 readers fetching it at once spent p95 307 ms only sending it. Level 5, or 1
    from FAST_GZIP_FROM on (at 50 plans' orphans CSV, 2.3 MB: 34 ms → 16 ms, 492 → 591 KB)."""
    if len(body) < GZIP_FROM or not media.lower().startswith(GZIP_TYPES):
        return None
    return gzip.compress(body, compresslevel=1 if len(body) >= FAST_GZIP_FROM else 5, mtime=0)


async def kept(answers: AnswerCache, who: Reader, build: Callable[[], Awaitable[Response]],
               vary: Hashable = None) -> Response:
    """The page (or download) of this URL for this reader's language and plan, built once per store
    generation and then sent as kept: rendering a table page of 400 KB and sorting 44,000 rows for it cost
    tens of milliseconds per request, which 8 readers at once turned into waits. Kept with every other answer
    (AnswerCache: in the budget, forgotten at every write); only 200 answers are kept. `vary`: what else the
    page depends on (the day, for /deadlines)."""
    request = who.request
    key = ("page", request.url.path, request.url.query, who.t.lang, who.plan, vary)
    found, page, generation = answers.lookup(key)
    if found:
        return page.response(who)
    response = await build()
    if response.status_code == 200 and isinstance(getattr(response, "body", None), bytes):
        headers = tuple((k, v) for k, v in response.headers.items() if k.lower() not in UNKEPT_HEADERS)
        body = bytes(response.body)
        packed = await run_in_threadpool(compressed, body, response.headers.get("content-type", ""))
        page = KeptPage(response.status_code, body, headers, "set-cookie" in response.headers, packed)
        answers.keep(key, page, generation)
        return page.response(who)
    return response


@dataclass(frozen=True)
class Table:
    """A table on a page: its columns, which keys the text filter reads, its facets and its defaults."""

    name: str
    columns: tuple[Col, ...]
    searched: tuple[str, ...]
    facets: tuple[str, ...] = ()
    sort: str | None = None
    descending: bool = False
    size: int = 25

    def query(self, request: Request) -> table_view.TableQuery:
        return table_view.TableQuery.parse(request.query_params, self.size, self.sort, self.descending, self.facets)

    def view(self, rows: Sequence[dict[str, Any]] | table_view.Indexed, request: Request) -> table_view.TableView:
        return table_view.apply(rows, self.query(request), self.searched, self.facets)

    def indexed(self, rows: Sequence[dict[str, Any]], shared: bool = True) -> table_view.Indexed:
        """The rows with their orders and searched texts, to keep between requests (PageContext.kept_rows);
        `shared`: the rows themselves are kept as another answer too."""
        return table_view.Indexed(rows, self.searched, self.facets, shares_rows=shared)

    def exported(self, many: bool) -> list[Col]:
        """The columns of a download: the plan column only when rows of several plans are shown."""
        return [c for c in self.columns if c.key != "plan_title" or many]

    def visible(self, many: bool) -> list[Col]:
        return [c for c in self.exported(many) if c.shown]


def table_key(table: Table, key: Hashable) -> tuple:
    """Where a table's indexed rows are kept: by table and `key` (the plans chosen, for most)."""
    return ("table", table.name, key)


def cell(value: Any, kind: str, t: i18n.Messages) -> Any:
    """A value as a download writes it: codes in the reader's language, pairs kept as pairs (output._flat)."""
    if kind == "code":
        return t(value) if value else ""
    if kind == "codes":
        return "、".join(t(v) for v in value or [])
    if kind == "evidence":
        return i18n.evidence(value, t)
    return value


def table_download(table: Table, rows: Sequence[dict[str, Any]] | table_view.Indexed, who: Reader, fmt: str, filename: str,
                   many: bool | None = None, kept: tuple[AnswerCache, Hashable] | None = None) -> Response:
    """Every row the reader's filter and sort select (not only the page shown), under the page's headers.
    `kept`: where indexed rows are kept (the answers and the rows' key): their CSV lines are kept beside them,
    so another filter or sort of the download joins kept lines (57,274 orphan rows of 500 plans: 1.2 s a
    download written afresh)."""
    query = table.query(who.request)
    columns = table.exported(who.many if many is None else many)
    keys = [c.key for c in columns]
    headers = [who.t(c.header) for c in columns]
    if fmt != "xlsx" and kept is not None and isinstance(rows, table_view.Indexed):
        answers, key = kept
        source = rows
        lines = answers.get(("csv-lines", key, who.t.lang, tuple(keys)),
                            lambda: output.csv_lines(_cells(source.rows, columns, who.t), keys))
        text = output.csv_header(headers) + "".join(lines[i] for i in table_view.selected(source, query))
        return csv_download(table.name, text, filename)
    selected = table_view.everything(rows, query, table.searched, table.facets)
    return download(fmt if fmt in ("csv", "xlsx") else "csv", table.name, _cells(selected, columns, who.t),
                    columns=keys, headers=headers, filename=filename)


def _cells(rows: Sequence[dict[str, Any]], columns: list[Col], t: i18n.Messages) -> list[dict[str, Any]]:
    return [{c.key: cell(r.get(c.key), c.kind, t) for c in columns} for r in rows]


def wanted_format(request: Request) -> str | None:
    fmt = (request.query_params.get("format") or "").lower()
    return fmt if fmt in ("csv", "xlsx") else None


def task_label(t: i18n.Messages, kind: str | None, number: Any) -> str:
    """「第 12 项任务」: how a duty is named in text, never by its id."""
    if kind is None or number is None:
        return ""
    return t("item", number=number, kind=t(kind))


def joined(values: Iterable[Any]) -> str:
    return "、".join(str(v) for v in values if v)


@dataclass(frozen=True)
class PageContext:
    """The store, the kept answers and the templates of one request (service/deps.py), and the ways the page
    routes read them; built per request, so no router holds the store between requests."""

    db: Any
    answers: AnswerCache
    src: Source
    env: Environment

    async def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await run_in_threadpool(self.answers.call, fn, self.db, *args, **kwargs)

    async def who(self, request: Request) -> Reader:
        return reader(request, await run_in_threadpool(self.src.plans))

    def searched(self, store: Any, q: str, limit: int = 100, plan: str | None = None) -> list[dict]:
        """search() over the index kept for this store generation (built once, not per request)."""
        return search(store, q, limit=limit, plan=plan, index=self.answers.index(build_index, store))

    async def found(self, lookup: Callable[..., Any], iri: str) -> dict:
        """The item behind an IRI from the URL, or 404 (also for text that is no IRI at all)."""
        item = await self.run(lookup, iri) if is_iri(iri) else None
        if item is None:
            raise HTTPException(404, "not found")
        return item

    async def duties(self, reading: Reader, ids: list[str], unit: str | None = None) -> tuple[list[dict], bool]:
        """The duties behind `ids` in the chosen plans — or in all of its plans when it has none there (a
        department of another government) — and whether they span several plans."""
        chosen_ids = [i for i in ids if qr.in_plans(i, reading.plan_ids)] or ids
        tasks = await run_in_threadpool(self.src.tasks, {plan_of_task(i) for i in chosen_ids})
        rows = task_rows([tasks[i] for i in chosen_ids if i in tasks], reading.titles(), unit)
        rows.sort(key=lambda r: (r["plan"] or "", r["kind"] or "", r["number"] or 0))
        return rows, len({r["plan"] for r in rows}) > 1

    def kept_rows(self, table: Table, key: Hashable, build: Callable[[], Sequence[dict[str, Any]]],
                  shared: bool = True) -> table_view.Indexed:
        """A table's rows, built by `build` once per store generation and kept indexed (sorted orders, searched
        texts): a URL nobody asked for yet — another sort, filter or page — then costs a slice, not a re-sort.
        `shared`: `build` returns rows kept as another answer (only the index is counted for this one)."""
        return self.answers.get(table_key(table, key), lambda: table.indexed(build(), shared))

    def table_page(self, reading: Reader, table: Table, rows: Sequence[dict] | table_view.Indexed, template: str,
                   filename: str, many: bool, rows_key: Hashable = None, **context: Any) -> Response:
        """The table as a page, or as the CSV or Excel download ?format= asks for; `rows_key`: the key the
        rows were kept under (kept_rows), so their CSV lines are kept too."""
        fmt = wanted_format(reading.request)
        if fmt:
            kept = None if rows_key is None else (self.answers, table_key(table, rows_key))
            return table_download(table, rows, reading, fmt, filename=filename, many=many, kept=kept)
        return render(self.env, reading, template, view=table.view(rows, reading.request), table=table, many=many,
                      columns=table.visible(many), **context)

    async def page(self, request: Request, build: Callable[..., Awaitable[Response]], vary: Hashable = None,
                   **args: Any) -> Response:
        """`build(self, reader, **args)`, kept per URL, reader, `vary` and store generation (kept)."""
        reading = await self.who(request)
        return await kept(self.answers, reading, lambda: build(self, reading, **args), vary)


def page_context(db: deps.Store, answers: deps.Answers) -> PageContext:
    return PageContext(db, answers, Source(answers, db), environment())


Ctx = Annotated[PageContext, Depends(page_context)]
