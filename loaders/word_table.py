"""Layout `word-table`: a task table exported from Word as tab-separated text (the Chengdu 任务分工表).

Header rows repeat on every page; cells may carry <p> fragments; a cell wrapped onto a following line
(a line with no tab) is joined to the last cell of the row above. The rows themselves are read by
table_rows, which every table-shaped source shares."""
from __future__ import annotations

from .columns import map_header
from .records import PlanRecord
from .table_rows import Table, TableRow, tables_to_plan


def looks_like(text: str) -> bool:
    return any(map_header(line.split("\t")) for line in text.splitlines()[:200] if "\t" in line)


def parse(text: str, file: str, plan_id: str) -> PlanRecord:
    rows = [TableRow(cells=line.split("\t"), line=lineno) for lineno, line in enumerate(text.split("\n"), start=1)]
    return tables_to_plan([Table(rows)], file, plan_id, layout="word-table")
