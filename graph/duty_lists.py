"""A department's 责任清单: the duties of one plan it leads or helps with, the document a 安委办 sends to each
department. Built from one plan's duty list (tasks.rq …) and its unit roles (task_units.rq), so a whole plan's
set of lists costs the two queries of that plan, whatever the size of the store."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from . import namespaces as ns
from .backend import capabilities
from .queries import select, select_in
from .tasks import list_tasks

ROLE_LABELS = {"lead": "牵头", "co-responsible": "配合", "collective": "负责"}
ROLE_ORDER = {"lead": 0, "co-responsible": 1, "collective": 2}
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class DutyLine:
    """One duty as the department reads it: what, its role on it, who leads it, by when, which facilities."""

    task: str                       # the duty's IRI
    number: str                     # its number in the document (序号 of the original table)
    kind: str                       # task | measure | schedule
    text: str
    requirements: str
    role: str                       # lead | co-responsible | collective
    leads: tuple[str, ...]          # the duty's lead departments (whom a co-responsible department works with)
    partners: tuple[str, ...]       # every other department named on the duty
    deadline: str                   # as written, without the spaces PDF text puts between 2020 年 12 月
    deadline_end: str | None        # ISO YYYY, YYYY-MM or YYYY-MM-DD
    ongoing: bool
    facility_types: tuple[str, ...]

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


@dataclass(frozen=True)
class DutyList:
    """One department's duties in one plan, lead duties first, each group in document order."""

    department: str                 # IRI
    name: str
    plan: str
    plan_title: str
    lines: tuple[DutyLine, ...]

    @property
    def title(self) -> str:
        return f"《{self.plan_title}》责任清单"

    def count(self, role: str) -> int:
        return sum(line.role == role for line in self.lines)

    def by_facility(self) -> list[tuple[str, int, int]]:
        """(facility type, lead duties, co-responsible duties), most duties first; 未标注 for duties with none."""
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for line in self.lines:
            for facility in line.facility_types or ("未标注设施类型",):
                counts[facility][0 if line.role == "lead" else 1] += 1
        return sorted(((f, c[0], c[1]) for f, c in counts.items()), key=lambda r: (-(r[1] + r[2]), r[0]))


def deadline_text(raw: str | None) -> str:
    return _SPACE.sub("", raw or "")


def plan_duty_lists(store: ox.Store, plan: str, collective: bool = False) -> list[DutyList]:
    """Every department's list for one plan, most duties first; collective units (各镇街 …) only when asked,
    since a list is sent to a concrete department."""
    tasks = list_tasks(store, plan=plan)
    if not tasks:
        return []
    graphs = [ns.plan_graph(plan), ns.ONTOLOGY_GRAPH] if capabilities(store).scoped_queries else None
    roles: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in select_in(store, "task_units", graphs, planId=plan):
        roles[row["task"]].append(row)
    wanted = ("lead", "co-responsible", "collective") if collective else ("lead", "co-responsible")
    lines: dict[str, list[DutyLine]] = defaultdict(list)
    names: dict[str, str] = {}
    seen: set[tuple[str, str]] = set()
    for task in tasks:
        units = roles.get(task["id"], [])
        for unit in sorted(units, key=lambda u: ROLE_ORDER.get(u["role"], 3)):    # a unit named twice keeps its first role
            if unit["role"] in wanted and (task["id"], unit["unit"]) not in seen:
                seen.add((task["id"], unit["unit"]))
                lines[unit["unit"]].append(_line(task, unit, units))
                names[unit["unit"]] = min(names.get(unit["unit"], unit["name"]), unit["name"])
    title = tasks[0]["plan"]["title"]
    lists = [DutyList(iri, names[iri], plan, title, tuple(sorted(found, key=lambda x: ROLE_ORDER.get(x.role, 3))))
             for iri, found in lines.items()]
    return sorted(lists, key=lambda d: (-len(d.lines), d.name, d.department))


def department_duty_lists(store: ox.Store, department: str, plan: str | None = None) -> list[DutyList]:
    """One department's lists, one per plan naming it (or only `plan`), in plan order; [] when it has none."""
    if plan is not None:
        plans = [plan]
    else:
        rows = select(store, "department_duties", unit=ox.NamedNode(department))
        plans = sorted({p for p in (ns.plan_of_task(r["task"]) for r in rows) if p})
    found = [next((d for d in plan_duty_lists(store, p, collective=True) if d.department == department), None)
             for p in plans]
    return [d for d in found if d is not None]


def _line(task: dict[str, Any], unit: dict[str, Any], units: list[dict[str, Any]]) -> DutyLine:
    deadline = task.get("deadline") or {}
    concrete = [u for u in units if u["role"] in ("lead", "co-responsible")]
    return DutyLine(
        task=task["id"], number=str(task["number"]), kind=task["kind"], text=task["text"],
        requirements=task["requirements"], role=unit["role"],
        leads=tuple(dict.fromkeys(u["name"] for u in concrete if u["role"] == "lead")),
        partners=tuple(dict.fromkeys(u["name"] for u in concrete if u["unit"] != unit["unit"])),
        deadline=deadline_text(deadline.get("raw")), deadline_end=deadline.get("end"),
        ongoing=bool(deadline.get("ongoing")), facility_types=tuple(task["facility_types"]),
    )
