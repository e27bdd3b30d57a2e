"""Table and prose in one document: a 实施方案 whose narrative measures carry their units in brackets and whose
task table is attached after them. Each part is read by the reader that fits it — the table by its table reader,
the prose before it by duty-text — and the duties of both are kept: the table's rows as kind `task`, the prose's
assignments as kind `measure` (numbered in their own series, so no number is claimed twice)."""
from __future__ import annotations

import re
from dataclasses import replace

from . import duty_text, text_table
from .errors import LoadError
from .metadata import title_from_text
from .records import PlanRecord, TaskRecord

_ANNEX = re.compile(r"^\s*附\s*件\s*\d*\s*[：:]?\s*$")


def prose_measures(text: str, file: str, plan_id: str) -> list[TaskRecord]:
    """The assignments written out in prose (brackets, key lines), as measures; [] when the prose has none."""
    if not text.strip():
        return []
    try:
        plan = duty_text.parse(text, file, plan_id, sentences=False)
    except LoadError:
        return []
    return [replace(t, kind="measure", number=n) for n, t in enumerate(plan.tasks, start=1)]


def with_measures(plan: PlanRecord, measures: list[TaskRecord], prose_layout: str = "duty-text") -> PlanRecord:
    """The table's plan with the prose measures put first, as the document has them."""
    if not measures:
        return plan
    plan.tasks = measures + plan.tasks
    sections = [("measure", t.section) for t in measures if t.section]
    plan.sections = list(dict.fromkeys(sections)) + plan.sections
    plan.layout = f"{prose_layout}+{plan.layout}"
    return plan


def prose_before_table(text: str, plan: PlanRecord) -> str:
    """The text before a table's header (and before its 附件 N line), other lines blanked to keep line numbers."""
    lines = text.split("\n")
    first = min((t.lines[0] for t in plan.tasks if t.lines[0] > 0), default=0)
    region = lines[: max(0, first - 1)]
    span = text_table.header_span(region)
    cut = span[0] if span else len(region)
    annex = [i for i in range(max(0, cut - 6), cut) if _ANNEX.match(lines[i])]
    cut = annex[0] if annex else cut
    return "\n".join(lines[:cut] + [""] * (len(lines) - cut))


def with_prose(plan: PlanRecord, text: str) -> PlanRecord:
    """A text table's plan, with the written-out assignments of the prose before the table as measures."""
    prose = prose_before_table(text, plan)
    measures = prose_measures(prose, plan.file, plan.plan_id)
    if measures:
        plan.title = title_from_text(prose.split("\n")) or plan.title      # the plan's title, not the annex's
    return with_measures(plan, measures)


def office_prose(text: str) -> str:
    """The paragraphs of an Office document's text: its readers write table rows as tab-separated lines, and
    those are blanked (keeping line numbers) because the table reader has them already."""
    return "\n".join("" if "\t" in line else line for line in text.split("\n"))
