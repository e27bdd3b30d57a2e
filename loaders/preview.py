"""What a load would store, shown before it is stored: per duty its number, opening words, lead,
co-responsible and collective units, responsible persons, deadline and warnings (in Chinese: the people who
check a preview are the civil servants who wrote the document). The CLI's `load --dry-run`
prints it and the HTTP upload page can show the same records, because both call `preview_document`."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .detect import read_document
from .records import PlanRecord, TaskRecord
from .unit_names import is_unit_name
from .units import lead_of

OPENING = 24   # characters of the duty's text shown


@dataclass(frozen=True)
class DutyPreview:
    number: str
    opening: str
    lead: list[str]
    co_responsible: list[str]
    collective: list[str]
    persons: list[str]
    deadline: str
    lines: tuple[int, int]
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DocumentPreview:
    file: str
    layout: str
    title: str
    duties: list[DutyPreview]
    warnings: list[str]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def duty_preview(task: TaskRecord) -> DutyPreview:
    lead = lead_of(task)
    warnings: list[str] = []
    if not task.departments and not task.collective_units:
        warnings.append("未写责任单位")
    unknown = [n for n in task.departments if not is_unit_name(n)]
    if unknown:
        warnings.append("不像单位名称：" + "、".join(unknown))
    if task.raw.get("continued_in"):
        warnings.append(f"该行跨页合并（{task.raw.get('table', '')} → {task.raw['continued_in']}），请核对两部分是否属于同一行")
    elif "\n" in task.raw.get("text", "") and task.raw.get("table", "").startswith("page") and task.lines[0] != task.lines[1]:
        warnings.append("该行跨多行续写，请核对合并是否正确")
    label = task.raw.get("label") or str(task.number)
    return DutyPreview(
        number=label, opening=" ".join(task.text.split())[:OPENING], lead=lead,
        co_responsible=[n for n in task.departments if n not in lead], collective=list(task.collective_units),
        persons=list(task.persons), deadline=task.deadline.raw if task.deadline else "", lines=task.lines,
        warnings=warnings,
    )


def plan_preview(plan: PlanRecord) -> DocumentPreview:
    return DocumentPreview(plan.file, plan.layout, plan.title, [duty_preview(t) for t in plan.tasks], list(plan.warnings))


def preview_document(path: str | Path, layout: str | None = None) -> DocumentPreview:
    """Read one document as `load` would, and store nothing; raises LoadError like `load`."""
    return plan_preview(read_document(path, layout))
