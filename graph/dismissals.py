"""Dismissed findings: a person says a finding (a duplicate pair, a parallel family …) is not a problem, with a
reason; the graph keeps who said it and when (PROV-O), and the listings show the finding as dismissed.

Dismissals live in their own named graph, …/graph/dismissals, which no load or analysis replaces (analysis
results are rewritten at every load). A dismissal is keyed by the finding's kind and its member duties —
the same key the finding's IRI is minted from (graph/analysis.py), and duty IRIs are minted from plan id,
kind and number — so after a reload of the same plan it still matches the finding that comes back. Writes are
one SPARQL Update each (queries/dismiss.ru, queries/undismiss.ru) whose values are pyoxigraph terms
serialized by pyoxigraph, never request text pasted into the update."""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Any
from urllib.parse import unquote

import pyoxigraph as ox

from . import namespaces as ns
from .contract import DismissedBrief
from .queries import select

DISMISSALS_GRAPH = ns.GRAPH + "dismissals"
FINDING_PREFIX = ns.ID + "finding/"
VIAS = ("cli", "http-token")
MAX_REASON_CHARS = 500
MAX_NAME_CHARS = 100
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class DismissalError(ValueError):
    """A dismissal that cannot be made as asked (no reason, a bad IRI …): a clean CLI message or an HTTP 400."""


class FindingNotFound(DismissalError):
    """No finding (or no dismissal, for an undo) matches what was given: an HTTP 404."""


@dataclass(frozen=True)
class FindingRef:
    """A finding as a dismissal names it: kind and member duties (sorted), and its IRI in the store."""

    finding: str
    kind: str
    members: tuple[str, ...]

    @property
    def key(self) -> str:
        return finding_key(self.kind, self.members)


@dataclass(frozen=True)
class Dismissal:
    """One dismissal as the dismissals graph holds it; `at` is the xsd:dateTime's lexical form."""

    iri: str
    finding: str
    kind: str
    members: tuple[str, ...]
    reason: str
    by: str
    at: str
    via: str

    @property
    def key(self) -> str:
        return finding_key(self.kind, self.members)

    def brief(self) -> DismissedBrief:
        """What a listing shows next to the finding (`"dismissed": {…}`)."""
        return {"reason": self.reason, "by": self.by, "at": self.at, "via": self.via}

    def as_json(self) -> dict[str, Any]:
        return {"dismissal": self.iri, "finding": self.finding, "kind": self.kind, "tasks": list(self.members),
                **self.brief()}


def finding_key(kind: str, members: Iterable[str]) -> str:
    """Kind and member duties in IRI order: what stays the same across reloads of the same plan."""
    return f"{kind}/" + "|".join(sorted(set(members)))


def dismissal_iri(kind: str, members: Iterable[str]) -> str:
    return f"{ns.ID}dismissal/{ns.slug(finding_key(kind, members))}"


def agent_iri(name: str) -> str:
    return f"{ns.ID}agent/{ns.slug(name)}"


def task_ref(task: str) -> str:
    """A duty IRI as a person types it on the command line: plan/kind/number (chengdu_task_table/task/205)."""
    prefix = f"{ns.ID}task/"
    return unquote(task[len(prefix):]) if task.startswith(prefix) else task


def task_of_ref(ref: str) -> str:
    """The duty IRI of `ref`: an IRI as it is, plan/kind/number minted as graph/namespaces.py mints it."""
    if "://" in ref:
        return ref
    plan, _, rest = ref.rpartition("/")
    plan, _, kind = plan.rpartition("/")
    if not (plan and kind and rest.isdigit()):
        raise DismissalError(f"{ref[:80]!r} is neither an IRI nor plan/kind/number")
    return ns.task_iri(plan, kind, int(rest))


def _iri(value: str, what: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(value)
    except ValueError:
        raise DismissalError(f"{what}: {value[:80]!r} is not a valid IRI") from None


def _text(value: str | None, what: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise DismissalError(f"{what} is empty")
    if len(text) > limit:
        raise DismissalError(f"{what} is {len(text)} characters long; at most {limit}")
    if _CONTROL.search(text):
        raise DismissalError(f"{what} contains control characters")
    return text


def find_finding(store: ox.Store, finding: str | None = None, tasks: Sequence[str] = (),
                 kind: str | None = None) -> FindingRef:
    """The finding named by its IRI, or made up of exactly `tasks` (of `kind` when given; required when the
    same duties make up findings of two kinds)."""
    if finding:
        rows = select(store, "finding_members", finding=_iri(finding, "finding"))
    elif tasks:
        rows = select(store, "finding_members", anchor=_iri(tasks[0], "task"))
        for task in tasks[1:]:
            _iri(task, "task")
    else:
        raise DismissalError("name the finding by its IRI or by its duties")
    found: dict[str, FindingRef] = {}
    for row in rows:
        ref = found.get(row["finding"], FindingRef(row["finding"], row["kind"], ()))
        found[row["finding"]] = FindingRef(ref.finding, ref.kind, tuple(sorted({*ref.members, row["task"]})))
    wanted = set(tasks)
    matches = [f for f in found.values() if (finding or set(f.members) == wanted) and kind in (None, f.kind)]
    if not matches:
        raise FindingNotFound(f"no finding {finding or ' '.join(tasks)}" + (f" of kind {kind!r}" if kind else ""))
    if len(matches) > 1:
        raise DismissalError(f"these duties make up findings of kinds {', '.join(sorted(f.kind for f in matches))}; "
                             "say which with kind")
    return matches[0]


def dismiss(store: ox.Store, finding: FindingRef, reason: str, by: str, at: datetime | None = None,
            via: str = "cli") -> Dismissal:
    """Record that `by` dismissed `finding` for `reason` (Chinese text), at `at` (now, UTC, when None); a
    second dismissal of the same finding replaces the first. One SPARQL Update."""
    if via not in VIAS:
        raise DismissalError(f"via must be one of {', '.join(VIAS)}")
    reason, by = _text(reason, "reason", MAX_REASON_CHARS), _text(by, "by", MAX_NAME_CHARS)
    when = (at or datetime.now(UTC)).replace(microsecond=0)
    if when.tzinfo is None:
        raise DismissalError("the time of a dismissal needs a time zone")
    record = Dismissal(dismissal_iri(finding.kind, finding.members), finding.finding, finding.kind,
                       tuple(sorted(set(finding.members))), reason, by, when.isoformat().replace("+00:00", "Z"), via)
    row: dict[str, ox.NamedNode | ox.Literal] = {"dismissal": _iri(record.iri, "dismissal"), "finding": _iri(record.finding, "finding"),
           "kind": ox.Literal(record.kind), "reason": ox.Literal(reason, language="zh"),
           "agent": _iri(agent_iri(by), "by"), "by": ox.Literal(by),
           "at": ox.Literal(record.at, datatype=ox.NamedNode(ns.XSD + "dateTime")), "via": ox.Literal(via)}
    members = [_iri(m, "task") for m in record.members]
    store.update(_bound(_update_text("dismiss"), row, {"member": members}))
    return record


def undismiss(store: ox.Store, finding: str | None = None, tasks: Sequence[str] = (),
              kind: str | None = None) -> Dismissal:
    """Withdraw the dismissal of a finding named by its IRI or by its duties (and kind); the finding need not
    be in the store any more. The IRI may come with its percent-escapes decoded (some HTTP clients decode a
    path twice); decoding is one-to-one on minted finding IRIs. The withdrawn dismissal is returned."""
    wanted = set(tasks)
    matches = [d for d in dismissals(store)
               if (unquote(d.finding) == unquote(finding) if finding else wanted and set(d.members) == wanted)
               and kind in (None, d.kind)]
    if not matches:
        raise FindingNotFound(f"no dismissal of {finding or ' '.join(tasks)}")
    if len(matches) > 1:
        raise DismissalError("these duties have dismissals of several kinds; say which with kind")
    store.update(_bound(_update_text("undismiss"), {"dismissal": _iri(matches[0].iri, "dismissal")}, {}))
    return matches[0]


def dismissals(store: ox.Store) -> list[Dismissal]:
    """Every dismissal the store holds, oldest first."""
    found: dict[str, Dismissal] = {}
    for row in select(store, "dismissals"):
        old = found.get(row["dismissal"])
        members = tuple(sorted({*(old.members if old else ()), row["member"]}))
        found[row["dismissal"]] = Dismissal(row["dismissal"], row["finding"], row["kind"], members, row["reason"],
                                            row["by"] or "", row["at"], row["via"])
    return list(found.values())


def dismissed_by_key(store: ox.Store) -> dict[str, Dismissal]:
    """Dismissals by finding key (finding_key), to mark findings in a listing."""
    return {d.key: d for d in dismissals(store)}


def _update_text(name: str) -> str:
    return resources.files(__package__).joinpath("queries", f"{name}.ru").read_text(encoding="utf-8")


def _bound(update: str, row: dict[str, ox.NamedNode | ox.Literal], columns: dict[str, list[ox.NamedNode]]) -> str:
    """The update with `row` (one row of several variables) and `columns` (one variable, many rows) as VALUES
    blocks at the start of its WHERE group, each term written by pyoxigraph (IRIs validated, literals escaped)."""
    marker = "\nWHERE {"
    if update.count(marker) != 1:
        raise ValueError("an update file needs exactly one top-level 'WHERE {' line")
    blocks = [f" VALUES ({' '.join('?' + v for v in row)}) {{ ({' '.join(str(t) for t in row.values())}) }}"]
    blocks += [f" VALUES ?{var} {{ {' '.join(str(t) for t in terms)} }}" for var, terms in columns.items()]
    at = update.index(marker) + len(marker)
    return update[:at] + "\n" + "\n".join(blocks) + update[at:]
