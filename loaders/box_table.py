"""Layout `box-table`: a table drawn with box characters in plain text (┌─┬─┐ │ ├─┼─┤), as old legal databases
and DOS-era files keep them. Cells are separated by │, ┃ or |; rule lines (─ ┼ ├ …) separate the rows, and a
row's cells go on over the lines below until the next rule line, wrapped mid-word (`乡(` / `镇)`), so the parts of a
cell are joined without a space. The first row is the header; a header we do not know is recognised by what the
columns hold (column_content.py), and the rows are then read like any other table's."""
from __future__ import annotations

import re

from .column_content import infer_headers
from .errors import LoadError
from .records import PlanRecord
from .table_rows import Table, TableRow, has_header, tables_to_plan
from .unit_names import is_unit_list

_SEPARATORS = re.compile(r"[│┃|]")
_RULE = re.compile(r"^\s*[┌┍┎┏├┝┞┟┠┡┢┣└┕┖┗╔╠╚╞╟+][─━┄┅┈┉═\-=┬┭┮┯┰┱┲┳┼┽┾┿╀╁╂╃╄╅╆╇╈╉╊╋╤╥╦╪╫╬┴┵┶┷┸┹┺┻╧╨╩+\s]*"
                   r"[┐┑┒┓┤┥┦┧┨┩┪┫┘┙┚┛╗╣╝╡╢+]?\s*$")
_BOX = re.compile(r"[─━═┼╋├┌└]")
MIN_RULES = 2


def _is_rule(line: str) -> bool:
    return bool(_RULE.match(line)) and bool(_BOX.search(line) or line.strip().startswith("+"))


def _is_cell_line(line: str) -> bool:
    stripped = line.strip()
    return len(_SEPARATORS.findall(stripped)) >= 2 and stripped[:1] in "│┃|"


def looks_like(text: str) -> bool:
    lines = text.splitlines()[:3000]
    rules = sum(1 for line in lines if _is_rule(line))
    return rules >= MIN_RULES and sum(1 for line in lines if _is_cell_line(line)) >= 2


def _cells(line: str) -> list[str]:
    return [c.strip() for c in _SEPARATORS.split(line.strip().strip("│┃|"))]


def _join(parts: list[str]) -> str:
    """The parts of one cell over several lines: Chinese text wraps anywhere, so no space is put back between
    them; Latin words and numbers keep one, and a unit name under another (市住建局 / 市水务局) is a list."""
    out = ""
    for part in (p for p in parts if p):
        latin = out and re.match(r"[A-Za-z0-9]", part) and re.search(r"[A-Za-z0-9]$", out)
        units = out and is_unit_list(out) and is_unit_list(part)
        out += (" " if latin else "、" if units else "") + part
    return out


def read_tables(text: str) -> list[Table]:
    """Every box-drawn table of the text, a row per block of lines between two rule lines. A table that rules
    off only its header (two blocks) takes each line below the header as a row: a wrapped cell then continues
    the row above, as in any table without rule lines."""
    tables: list[Table] = []
    context: list[str] = []
    blocks: list[list[tuple[int, list[str]]]] = [[]]

    def close_table() -> None:
        filled = [b for b in blocks if b]
        if filled:
            if len(filled) <= 2:
                filled = filled[:1] + [[line] for block in filled[1:] for line in block]
            tables.append(Table(rows=[_row(b) for b in filled], context=context[-4:]))
            context.clear()
        blocks[:] = [[]]

    for lineno, line in enumerate(text.split("\n"), start=1):
        if _is_rule(line):
            if blocks[-1]:
                blocks.append([])
        elif _is_cell_line(line):
            blocks[-1].append((lineno, _cells(line)))
        else:
            close_table()
            if line.strip():
                context.append(line.strip())
    close_table()
    return tables


def _row(block: list[tuple[int, list[str]]]) -> TableRow:
    width = max(len(cells) for _, cells in block)
    columns = [_join([cells[j] if j < len(cells) else "" for _, cells in block]) for j in range(width)]
    return TableRow(cells=columns, line=block[0][0])


def parse(text: str, file: str, plan_id: str) -> PlanRecord:
    tables = read_tables(text)
    if not has_header(tables):
        tables = infer_headers(tables) or tables
    if not has_header(tables):
        raise LoadError(file, "a box-drawn table was found, but neither its header nor its columns say where the "
                              "tasks and the responsible units are")
    return tables_to_plan(tables, file, plan_id, layout="box-table")
