"""Layout `csv-table`: a duty table saved as CSV or TSV (any of , ; | tab as delimiter, cells quoted with line
breaks inside as Excel writes them). The delimiter is the one under which a row reads as a duty-table header."""
from __future__ import annotations

import csv
import io

from .columns import map_header
from .errors import LoadError
from .records import PlanRecord
from .table_rows import Table, TableRow, tables_to_plan

DELIMITERS = ("\t", ",", ";", "|")
_SCAN_ROWS = 200


def delimiter_of(text: str) -> str | None:
    """The delimiter under which one of the first rows is a header (序号 … 任务 … 责任单位), else None."""
    for delimiter in DELIMITERS:
        if delimiter not in text[:20_000]:
            continue
        try:
            for index, cells in enumerate(csv.reader(io.StringIO(text[:200_000]), delimiter=delimiter)):
                if index >= _SCAN_ROWS:
                    break
                if len(cells) > 1 and map_header(cells):
                    return delimiter
        except csv.Error:
            continue
    return None


def looks_like(text: str) -> bool:
    return delimiter_of(text) in (",", ";", "|")


def parse(text: str, file: str, plan_id: str) -> PlanRecord:
    delimiter = delimiter_of(text)
    if delimiter is None:
        message = "no table header (序号 … 责任部门 …) found under any delimiter (tab , ; |): this is not a duty table"
        raise LoadError(file, message)
    rows: list[TableRow] = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            rows.append(TableRow(cells=cells, line=start))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise LoadError(file, f"cannot read the CSV: {exc}", reader.line_num) from None
    return tables_to_plan([Table(rows)], file, plan_id, layout="csv-table")
