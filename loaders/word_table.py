"""Layout `word-table`: a task table exported from Word as tab-separated text (the Chengdu 任务分工表).

Header rows repeat on every page; cells may carry <p> fragments; a cell wrapped onto a following line
(a line that starts no new row) is joined to the last cell of the row above."""
from __future__ import annotations

import re

from .columns import map_header
from .deadlines import parse_deadline
from .errors import LoadError
from .records import PlanRecord, TaskRecord
from .units import clean_cell, split_units

_ROW = re.compile(r"^\s*(\d{1,4})\s*\t")


def looks_like(text: str) -> bool:
    return any(map_header(line.split("\t")) for line in text.splitlines()[:200] if "\t" in line)


def _title(lines: list[str], header_at: int) -> str:
    for line in reversed(lines[:header_at]):
        cleaned = line.strip()
        if cleaned and cleaned not in ("附件",) and not re.fullmatch(r"附件\s*\d*", cleaned):
            return cleaned
    return ""


def parse(text: str, file: str, plan_id: str) -> PlanRecord:
    lines = text.split("\n")
    header: dict[str, int] | None = None
    title = ""
    rows: list[tuple[int, int, list[str]]] = []   # (first line, last line, cells)
    for lineno, line in enumerate(lines, start=1):
        cells = line.split("\t")
        mapped = map_header(cells) if "\t" in line else None
        if mapped:
            if header is None:
                title = _title(lines, lineno - 1)
            header = mapped
            continue
        if header is None or not line.strip():
            continue
        if _ROW.match(line):
            rows.append((lineno, lineno, cells))
        elif rows:
            first, _, previous = rows[-1]
            previous[-1] = previous[-1] + "\n" + line.strip()
            rows[-1] = (first, lineno, previous)
        else:
            raise LoadError(file, "text after the table header is not a numbered row", lineno)
    if header is None:
        raise LoadError(file, "no table header (序号 … 责任部门 …) found: this is not a duty table")
    if not rows:
        raise LoadError(file, "the table has a header but no numbered rows")

    plan = PlanRecord(plan_id=plan_id, title=title, file=file, layout="word-table")
    for first, last, cells in rows:
        plan.tasks.append(_row_to_task(cells, header, file, first, last))
    return plan


def _cell(cells: list[str], header: dict[str, int], meaning: str) -> str:
    index = header.get(meaning)
    return cells[index] if index is not None and index < len(cells) else ""


def _text(cell: str) -> str:
    """Cell text for display: <p> fragments become line breaks, runs of spaces fold."""
    parts = [" ".join(p.split()) for p in re.split(r"</?p\s*>", cell, flags=re.IGNORECASE)]
    return "\n".join(p for p in parts if p)


def _row_to_task(cells: list[str], header: dict[str, int], file: str, first: int, last: int) -> TaskRecord:
    number_text = _cell(cells, header, "number").strip()
    if not number_text.isdigit():
        raise LoadError(file, f"row number {number_text!r} is not a number", first)
    units_cell = " ".join(x for x in (_cell(cells, header, "lead"), _cell(cells, header, "support"), _cell(cells, header, "units")) if x)
    units = split_units(units_cell)
    deadline_cell = clean_cell(_cell(cells, header, "deadline"))
    raw = {m: cells[i] for m, i in header.items() if i < len(cells)}
    return TaskRecord(
        kind="task",
        number=int(number_text),
        text=_text(_cell(cells, header, "text")),
        requirements=_text(_cell(cells, header, "requirements")),
        departments=units.departments,
        collective_units=units.collective_units,
        open_ended=units.open_ended,
        units_raw=clean_cell(units_cell),
        deadline=parse_deadline(deadline_cell),
        file=file,
        lines=(first, last),
        raw=raw,
    )
