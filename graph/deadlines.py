"""Deadlines across the duties: by month and by department, which have passed as of a given day, and the
open-ended ones (长期坚持, 持续推进 …) kept apart, since they have no date to pass. The store records when a
duty is due, not whether it was done, so "passed" means the deadline is behind us, not that the work is late."""
from __future__ import annotations

import calendar
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyoxigraph as ox

from .duty_lists import deadline_text
from .tasks import list_tasks

OPEN_ENDED_WORDS = re.compile(r"长期|持续|常态|经常|每年|每季|每月|定期|逐年|ongoing", re.IGNORECASE)


@dataclass(frozen=True)
class DatedDuty:
    task: str
    plan: str
    number: str
    kind: str
    text: str
    deadline: str               # as written
    due: date | None            # the last day the deadline allows (2020-06 → 2020-06-30); None when open or unclear
    departments: tuple[str, ...]
    department_ids: tuple[str, ...]
    lead: str | None
    passed: bool                # due before the day asked about


@dataclass(frozen=True)
class MonthGroup:
    key: str                    # 2020-06, or 2021 for a deadline that names only the year
    label: str                  # 2020年6月, 2021年（全年）
    duties: tuple[DatedDuty, ...]

    @property
    def passed(self) -> int:
        return sum(d.passed for d in self.duties)


@dataclass(frozen=True)
class DepartmentDeadlines:
    department: str             # IRI
    name: str
    dated: int
    passed: int
    open_ended: int
    next_due: date | None       # the nearest deadline not yet passed


@dataclass(frozen=True)
class DeadlineBoard:
    today: date
    plan: str | None
    months: tuple[MonthGroup, ...]
    departments: tuple[DepartmentDeadlines, ...]
    open_ended: tuple[DatedDuty, ...]
    unclear: tuple[DatedDuty, ...]      # a deadline written, but no date in it (规划水平年, 按照国家确定时间实施)
    undated: tuple[DatedDuty, ...]      # no deadline written

    @property
    def passed(self) -> tuple[DatedDuty, ...]:
        return tuple(d for m in self.months for d in m.duties if d.passed)

    @property
    def dated(self) -> int:
        return sum(len(m.duties) for m in self.months)


def due_date(end: str | None) -> date | None:
    """The last day an ISO deadline end allows: a year ends on 31 December, a month on its last day."""
    if not end:
        return None
    try:
        parts = [int(p) for p in end.split("-")]
        if len(parts) == 1:
            return date(parts[0], 12, 31)
        if len(parts) == 2:
            return date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
        return date(parts[0], parts[1], parts[2])
    except ValueError:
        return None


def is_open_ended(deadline: dict[str, Any] | None) -> bool:
    """Flagged ongoing by the loader, or worded so (持续推进) without a date; 2020年底前持续推进 keeps its date."""
    if not deadline:
        return False
    return bool(deadline.get("ongoing")) or (not deadline.get("end") and bool(OPEN_ENDED_WORDS.search(deadline.get("raw") or "")))


def deadline_board(store: ox.Store, today: date, plan: str | None = None) -> DeadlineBoard:
    """Every duty of `plan` (or of the store) sorted by when it is due, as of `today` (injected, for tests)."""
    return board(list_tasks(store, plan=plan), today, plan)


def board(tasks: Iterable[dict[str, Any]], today: date, plan: str | None = None) -> DeadlineBoard:
    """The board of these duties (list_tasks items): the pages pass each plan's kept duty list instead of
    reading every duty of a 500-plan store again."""
    months: dict[str, list[DatedDuty]] = defaultdict(list)
    apart: dict[str, list[DatedDuty]] = defaultdict(list)
    for task in tasks:
        deadline = task.get("deadline") or {}
        duty = _dated(task, today)
        if is_open_ended(deadline):
            apart["open"].append(duty)
        elif duty.due is not None:
            months[_month_key(deadline["end"])].append(duty)
        else:
            apart["unclear" if deadline.get("raw") else "none"].append(duty)
    groups = tuple(MonthGroup(key, _month_label(key), tuple(sorted(found, key=lambda d: (d.due, d.plan))))
                   for key, found in sorted(months.items(), key=lambda kv: _month_order(kv[0])))
    every = [d for g in groups for d in g.duties]
    return DeadlineBoard(today, plan, groups, _by_department(every, apart["open"]), tuple(apart["open"]),
                         tuple(apart["unclear"]), tuple(apart["none"]))


def _dated(task: dict[str, Any], today: date) -> DatedDuty:
    deadline = task.get("deadline") or {}
    due = None if is_open_ended(deadline) else due_date(deadline.get("end"))
    return DatedDuty(task=task["id"], plan=task["plan"]["id"], number=str(task["number"]), kind=task["kind"],
                     text=task["text"], deadline=deadline_text(deadline.get("raw")), due=due,
                     departments=tuple(task["departments"]), department_ids=tuple(task["department_ids"]),
                     lead=task["lead_department"], passed=due is not None and due < today)


def _month_key(end: str) -> str:
    return end[:7]


def _month_order(key: str) -> tuple[int, int]:
    year, _, month = key.partition("-")
    return int(year), int(month) if month else 13        # a year-only deadline after that year's months


def _month_label(key: str) -> str:
    year, _, month = key.partition("-")
    return f"{year}年{int(month)}月" if month else f"{year}年（全年）"


def _by_department(dated: list[DatedDuty], open_ended: list[DatedDuty]) -> tuple[DepartmentDeadlines, ...]:
    names: dict[str, str] = {}
    rows: dict[str, list[DatedDuty]] = defaultdict(list)
    open_counts: dict[str, int] = defaultdict(int)
    for duty in dated:
        for iri, name in zip(duty.department_ids, duty.departments):
            names[iri] = name
            rows[iri].append(duty)
    for duty in open_ended:
        for iri, name in zip(duty.department_ids, duty.departments):
            names[iri] = name
            open_counts[iri] += 1
    found = [DepartmentDeadlines(iri, names[iri], len(rows[iri]), sum(d.passed for d in rows[iri]), open_counts[iri],
                                 min((d.due for d in rows[iri] if not d.passed and d.due), default=None))
             for iri in names]
    return tuple(sorted(found, key=lambda d: (-d.passed, -d.dated, d.name)))
