"""The JSON contract of the CLI and the API: one TypedDict per row they print or send, read by mypy where graph/
builds the rows and by pydantic where a test (tests/test_contract.py) or /openapi.json checks them.

TypedDicts rather than pydantic models: the library keeps building and returning plain dicts (no object per row,
no copy when FastAPI or json.dumps sends them; at 150,000 duties a model per row would be the slowest part of an
answer). Each is `extra="forbid"` and `strict`: a key the contract does not name, or a number sent as text, fails
validation instead of reaching a client unannounced. A nested object (a deadline, a plan reference) has its own
TypedDict so that it is held to the same rules. Rows answering one question in two shapes (orphaned duties and
plan gaps; centrality by department or by function) are unions of the two: pydantic tells them apart by their
keys. pydantic needs typing_extensions' TypedDict on Python 3.11, and `with_config` is how it reads the
configuration of one (mypy refuses other statements in a TypedDict's body)."""
from __future__ import annotations

from typing import Literal, NotRequired

from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict

CONTRACT = ConfigDict(extra="forbid", strict=True)


# --- duties (graph/tasks.py, graph/questions.py) ---------------------------------------------------------------

@with_config(CONTRACT)
class PlanRef(TypedDict):
    """The plan a duty belongs to, with its title: enough to show where a duty comes from without a second call."""

    id: str
    title: str


@with_config(CONTRACT)
class Deadline(TypedDict):
    """A deadline as written (`raw`) and as an ISO interval (YYYY, YYYY-MM or YYYY-MM-DD); `start` and `end` are
    null when the text names no date (长期, 持续推进), which `ongoing` then says."""

    raw: str
    start: str | None
    end: str | None
    ongoing: bool


@with_config(CONTRACT)
class SourceLines(TypedDict):
    """Where a duty was read: the file and its first and last line, so a reader can check it in the document."""

    file: str
    lines: list[int]


@with_config(CONTRACT)
class TaskIndicator(TypedDict):
    """A quantitative target inside a duty, as the duty row carries it (the indicator listing adds ids)."""

    metric: str
    op: str
    value: float
    unit: str
    text: str
    year: int | None


@with_config(CONTRACT)
class Segment(TypedDict):
    """A piece of highlighted text: pages render segments, never HTML sent by the server."""

    text: str
    match: bool


@with_config(CONTRACT)
class Highlight(TypedDict):
    """A found duty's statement and requirements as segments, the query's words marked."""

    text: list[Segment]
    requirements: list[Segment]


@with_config(CONTRACT)
class TaskRow(TypedDict):
    """One duty (`dutygraph tasks`, /api/tasks, /api/tasks/{IRI}): the README's task contract. `score` and
    `highlight` are there only when the list answers a text query (`q`), ranked by score."""

    id: str
    plan: PlanRef
    kind: str
    number: int
    section: str | None
    text: str
    requirements: str
    departments: list[str]
    department_ids: list[str]
    lead_department: str | None
    collective_units: list[str]
    open_ended: bool
    deadline: Deadline | None
    source: SourceLines
    facility_types: list[str]
    regulations: list[str]
    indicators: list[TaskIndicator]
    score: NotRequired[float]
    highlight: NotRequired[Highlight]


@with_config(CONTRACT)
class SearchHit(TypedDict):
    """One ranked duty of a text search (/api/search): the duty's id and plan id only, since a hit list is read
    for its highlights; the duty itself is one more call."""

    task: str
    plan: str
    score: float
    words: list[str]
    text: list[Segment]
    requirements: list[Segment]


# --- entity listings (graph/listings.py) -----------------------------------------------------------------------

@with_config(CONTRACT)
class DepartmentRow(TypedDict):
    """A unit named on duties (`dutygraph departments`, /api/departments): `tasks` every duty naming it,
    `lead_tasks` those it leads; `jurisdiction` and `level` are null when the name gave neither."""

    id: str
    name: str
    kind: Literal["department", "collective"]
    jurisdiction: str | None
    level: str | None
    functions: list[str]
    tasks: list[str]
    lead_tasks: list[str]


@with_config(CONTRACT)
class FacilityTypeRow(TypedDict):
    """A facility or hazard type duties concern (`dutygraph facilities`, /api/facility-types), with the labels of
    its broader types, since the answers roll duties up to them."""

    id: str
    label: str
    broader: list[str]
    tasks: list[str]


@with_config(CONTRACT)
class PlanCitation(TypedDict):
    """A plan resting on a document: it implements it (preamble, narrative) or orders it drafted; `title` falls
    back to the plan id for an untitled plan."""

    id: str
    title: str
    role: Literal["implements", "drafts"]


@with_config(CONTRACT)
class RegulationRow(TypedDict):
    """A cited document (`dutygraph regulations`, /api/regulations): a document may be known by its title, its
    number (安委〔2019〕5号) or both, so either may be null."""

    id: str
    title: str | None
    number: str | None
    tasks: list[str]
    plans: list[PlanCitation]


@with_config(CONTRACT)
class IndicatorRow(TypedDict):
    """A quantitative target with its duty and plan (`dutygraph indicators`, /api/indicators); `year` is null when
    the target names none."""

    id: str
    task: str
    plan: str
    metric: str
    op: str
    value: float
    unit: str
    year: int | None
    text: str


@with_config(CONTRACT)
class StatsRow(TypedDict):
    """How many duties of one kind a plan holds (`dutygraph stats`): the keys are the stats.rq columns as they are."""

    planId: str
    title: str
    kind: str
    tasks: int


# --- the six questions (graph/reports.py) ----------------------------------------------------------------------

@with_config(CONTRACT)
class SharedFacilityRow(TypedDict):
    """A facility type and the departments sharing it (/api/shared-facilities, by department): pairs named on one
    duty (`co_responsible`), and pairs of one plan on different duties of the type (`parallel`); departments are
    most involved first."""

    facility_type: str
    iri: str
    departments: list[str]
    department_ids: list[str]
    tasks: list[str]
    direct_tasks: list[str]
    co_responsible: list[list[str]]
    parallel: list[list[str]]


@with_config(CONTRACT)
class SharedGovernment(TypedDict):
    """One government's departments carrying a function on a facility type: the evidence for the comparison."""

    jurisdiction: str
    departments: list[str]
    department_ids: list[str]
    tasks: list[str]


@with_config(CONTRACT)
class SharedFunction(TypedDict):
    """A function carrying a facility type, and where; `function` is null for departments of no known function,
    which are listed rather than dropped."""

    function: str | None
    label: str | None
    family: str | None
    family_label: str | None
    governments: list[SharedGovernment]


@with_config(CONTRACT)
class SharedByFunctionRow(TypedDict):
    """A facility type compared across governments by function (/api/shared-facilities?by=function): governments
    are compared, never pooled, because their departments never share a duty."""

    facility_type: str
    iri: str
    by: Literal["function"]
    governments: list[str]
    functions: list[SharedFunction]
    shared_functions: list[str | None]
    shared_families: list[str]
    tasks: list[str]
    direct_tasks: list[str]


SharedFacilitiesRow = SharedFacilityRow | SharedByFunctionRow


@with_config(CONTRACT)
class OrphanTaskRow(TypedDict):
    """An orphaned duty (/api/orphans) with every reason code it was found for."""

    task: str
    plan: str
    kind: str
    number: int
    reasons: list[str]


@with_config(CONTRACT)
class OrphanGapRow(TypedDict):
    """A gap of a plan rather than of a duty (a facility type or unit nobody answers for): `task` is null, `about`
    names what is missing and `evidence` the duties that point at it."""

    task: None
    plan: str
    reasons: list[str]
    about: str
    evidence: list[str]


OrphanRow = OrphanTaskRow | OrphanGapRow


@with_config(CONTRACT)
class DismissedBrief(TypedDict):
    """Who dismissed a finding, why, when (xsd:dateTime lexical form) and through what (cli, api, page)."""

    reason: str
    by: str
    at: str
    via: str


@with_config(CONTRACT)
class DuplicateRow(TypedDict):
    """A duplicate, overlap, restatement or parallel finding (/api/duplicates) over its duties; `finding` is the
    IRI a dismissal names, `dismissed` null until someone dismisses it."""

    finding: str
    kind: Literal["duplicate", "overlap", "restates", "parallel"]
    score: float
    evidence: str
    tasks: list[str]
    dismissed: DismissedBrief | None


# `from` is a Python keyword, hence the functional form: duty `from` depends on duty `to` (/api/dependencies);
# `score` only for the kinds that are estimated rather than read from the text.
DependencyRow = TypedDict("DependencyRow", {"from": str, "to": str, "kind": str, "evidence": str,
                                            "score": NotRequired[float]})
with_config(CONTRACT)(DependencyRow)


@with_config(CONTRACT)
class AlignmentCandidate(TypedDict):
    """A duty of another plan matching the aligned duty, with its similarity score."""

    task: str
    score: float


@with_config(CONTRACT)
class AlignmentRow(TypedDict):
    """A duty and its best matches in other plans, best first (/api/alignments)."""

    task: str
    candidates: list[AlignmentCandidate]


@with_config(CONTRACT)
class CentralityRow(TypedDict):
    """A department's centrality within its own government (/api/centrality, scope=plan), ranked there only;
    `jurisdiction` is null for a plan that names no government."""

    department: str
    iri: str
    jurisdiction: str | None
    scope: Literal["plan"]
    centrality: float
    betweenness: float
    rank: int


@with_config(CONTRACT)
class FunctionGovernment(TypedDict):
    """A function's centrality in one government, with the departments summed into it."""

    jurisdiction: str
    centrality: float
    betweenness: float
    departments: list[str]
    department_ids: list[str]


@with_config(CONTRACT)
class FunctionCentralityRow(TypedDict):
    """A function compared across the governments where it is found (/api/centrality?scope=function): the mean
    over them, and each government's own figure."""

    function: str
    label: str | None
    family: str | None
    family_label: str | None
    scope: Literal["function"]
    n_governments: int
    centrality: float
    betweenness: float
    governments: list[FunctionGovernment]


CentralityAnswerRow = CentralityRow | FunctionCentralityRow

# What each question's rows are, by the names of graph/reports.REPORTS (one place for tests and /openapi.json).
REPORT_ROWS: dict[str, object] = {
    "shared-facilities": SharedFacilitiesRow, "orphans": OrphanRow, "duplicates": DuplicateRow,
    "dependencies": DependencyRow, "alignments": AlignmentRow, "centrality": CentralityAnswerRow,
}
