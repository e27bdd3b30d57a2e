"""Layout `run-on-table`: a Word table whose text was extracted with no separators at all, cells and rows run
together (`序号项目名称主要内容分管领导牵头单位配合单位1增加…个。张三教育局经开区各街道2促进…`).

The header (序号, then the task columns, then the role columns in order) is found by its words; a row starts at
the next 序号 where the row before ends in a unit name, and within a row the task text ends with 。 and is followed
by the person (when the header has a person column) and the unit names, which are told apart by their endings
(…局, …公司, …街道, …区, …园): the names that cover the run with the most, shortest bodies. A row may hold
several tasks, each `text。 person units` in turn. A site that pages such text puts a page marker (`2、`) at a
line start, even inside a name: with rows numbered bare, such markers are dropped."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from .columns import HEADER_MEANINGS
from .errors import LoadError
from .metadata import title_from_text
from .records import PlanRecord, TaskRecord
from .unit_names import _BODY_ENDINGS, _NOT_IN_NAME, is_person_name, is_unit_name, strip_annotation
from .units import clean_cell, is_collective, split_units

_ROLES = ("persons", "lead", "support", "units")
_ROLE_WORDS = sorted(((w, m) for m, words in HEADER_MEANINGS if m in _ROLES for w in words if len(w) >= 3),
                     key=lambda pair: len(pair[0]), reverse=True)
_HEADER = re.compile(r"序号(?P<words>[\u4e00-\u9fff]{4,40}?)(?=1[\u4e00-\u9fff])")
_MARKER = re.compile(r"^\d{1,3}、")
# A figure followed by one of these is a quantity inside the text (12个, 3%), never the next row's 序号.
_MEASURE = re.compile(r"[个人次年月日项所万亿元家户条座公里米亩吨台辆套间%％.．]")
_ZONE = re.compile(r"^[\u4e00-\u9fff]{2,4}[区园]$")       # 经开区, 高新园: a zone named without a body ending
_PIECE = (3, 16)
_LAST_CHARS = frozenset(e[-1] for e in _BODY_ENDINGS) | set("区园)）")
MAX_ROW = 3000      # characters a row may run to: a longer search would only find figures in prose
MAX_TRIES = 40      # places where the next 序号 may be written that are tried


@dataclass
class _Part:
    """One duty of a row: its text span and the units (and person) written after it."""

    start: int
    text: str
    units: list[str]
    person: str


def _header(line: str) -> tuple[int, list[str]] | None:
    """(offset of row 1's 序号 in the line, role columns in order) when the line holds a run-on header: 序号,
    task columns that name no role, then role columns, then directly the first row. A person column is read only
    before the units (after them, where a name ends could not be told)."""
    match = _HEADER.search(line)
    if not match:
        return None
    words, roles, at = match.group("words"), [], 0
    while at < len(words):
        found = next(((w, m) for w, m in _ROLE_WORDS if words.startswith(w, at)), None)
        if found:
            roles.append(found[1])
        at += len(found[0]) if found else 1
    first_role = min((words.find(w) for w, _ in _ROLE_WORDS if w in words), default=-1)
    if first_role < 2 or not any(r in ("lead", "units") for r in roles) or "persons" in roles[1:] and roles[0] != "persons":
        return None
    return match.end(), roles


def _joined(lines: list[str], first: int, offset: int) -> tuple[str, list[int]]:
    """The rows' text from `offset` of line `first` on, lines joined without a space (a line break is the site's,
    not the table's) and page markers at line starts dropped; with the line number of every character."""
    text, where = "", []
    for lineno, line in enumerate(lines[first:], start=first + 1):
        piece = line[offset:] if lineno == first + 1 else _MARKER.sub("", line.strip())
        text += piece.strip()
        where += [lineno] * len(piece.strip())
    return text, where


@lru_cache(maxsize=4096)
def _piece_ok(piece: str) -> bool:
    """A unit name within a run of names: no duty verbs and a body's ending; a bracket only as its tail (高新园(某镇)),
    so the name after a bracketed one starts a piece of its own."""
    if piece[-1] not in _LAST_CHARS or piece[0] in "（()）" or re.search(r"[（(]", piece) and piece[-1] not in ")）":
        return False
    core = strip_annotation(piece)
    if _NOT_IN_NAME.search(core) or re.search(r"[（()）]", core):
        return False
    return is_unit_name(piece) or bool(_ZONE.match(core)) or is_collective(piece) and is_unit_name(piece[1:])


def segment_units(run: str) -> tuple[list[str], int]:
    """The longest start of `run` that is made of unit names, split into the most names: (names, length)."""
    best: list[list[str] | None] = [[]] + [None] * len(run)
    reached = 0
    for end in range(1, len(run) + 1):
        if end - reached > _PIECE[1]:
            break           # no name ends this far past the last one: the run of names is over
        options = [[*names, run[start:end]] for start in range(max(0, end - _PIECE[1]), end - _PIECE[0] + 1)
                   if (names := best[start]) is not None and _piece_ok(run[start:end])]
        best[end] = max(options, key=len) if options else None
        reached = end if options else reached
    length = max((i for i, names in enumerate(best) if names), default=0)
    return best[length] or [], length


@lru_cache(maxsize=1024)
def _count(whole: str, name: str) -> int:
    return whole.count(name)


def _tail(row: str, at: int, whole: str) -> tuple[str, list[str], int] | None:
    """(person, units, end) written at `at` after a task's 。: a person's name when the header has a person column
    (`whole` is then the table's text) and the units. The name is the longest that recurs wherever its first two
    characters do (one leader heads several rows), else three characters long, the common length; a surname no
    list knows (芮) is taken when nothing else fits the column."""
    lengths = [0] if not whole else sorted((3, 2, 4), key=lambda n: (
        _count(whole, row[at:at + n]) < _count(whole, row[at:at + 2]), n != 3, -n))
    for known in (True, False):
        for length in lengths:
            person = row[at:at + length]
            if length and (is_person_name(person) != known or not re.fullmatch(r"[\u4e00-\u9fff]+", person)):
                continue
            names, size = segment_units(row[at + length:])
            if names:
                return person, names, at + length + size
    return None


def _parts(row: str, whole: str) -> list[_Part] | None:
    """The duties of one row: `text。 person units` in turn, the last units closing the row."""
    parts, start = [], 0
    for stop in (m.end() for m in re.finditer("。", row)):
        found = _tail(row, stop, whole) if stop > start else None
        if found is None or found[2] < len(row) and len(row) - found[2] < 6:
            continue
        parts.append(_Part(start, row[start:stop], found[1], found[0]))
        start = found[2]
        if start == len(row):
            return parts
    return None


def _rows(body: str, has_person: bool) -> list[tuple[int, int, list[_Part]]]:
    """(序号, offset, duties) of each row: row n+1 starts at the first bare n+1 after which row n parses whole."""
    whole = body if has_person else ""
    rows, number, start = [], 1, 1
    while start < len(body):
        following = str(number + 1)
        for match in islice(re.finditer(re.escape(following), body[start: start + MAX_ROW]), MAX_TRIES):
            end = start + match.start()
            after = body[end + len(following): end + len(following) + 1]
            if body[end - 1].isdigit() or not re.match(r"[\u4e00-\u9fff]", after) or _MEASURE.match(after):
                continue
            parts = _parts(body[start:end], whole)
            if parts:
                rows.append((number, start, parts))
                number, start = number + 1, end + len(following)
                break
        else:
            parts = _parts(body[start: start + MAX_ROW], whole) if len(body) - start <= MAX_ROW else None
            if parts:
                rows.append((number, start, parts))
            break
    return rows


def _read(text: str) -> tuple[int, list[str], list[tuple[int, int, list[_Part]]], list[int]] | None:
    """(header line, role columns, rows, line of each character of the rows' text) of the first run-on table."""
    lines = text.split("\n")
    for index, line in enumerate(lines[:3000]):
        found = _header(line) if "序号" in line else None
        if found is None:
            continue
        body, where = _joined(lines, index, found[0])
        roles = found[1]
        rows = _rows(body, bool(roles) and roles[0] == "persons")
        if rows:
            return index, roles, rows, where
    return None


def looks_like(text: str) -> bool:
    return _read(text) is not None


def parse(text: str, file: str, plan_id: str) -> PlanRecord:
    read = _read(text)
    if read is None:
        raise LoadError(file, "no run-on table (序号 … 牵头单位 directly followed by row 1) found")
    index, roles, rows, where = read
    lines = text.split("\n")
    heading = _MARKER.sub("", lines[index][: lines[index].find("序号")].strip())     # the title runs into the header
    plan = PlanRecord(plan_id=plan_id, title=title_from_text([heading] if heading else lines[:index]), file=file, layout="run-on-table")
    leads = [r for r in roles if r != "persons"][:1] == ["lead"]     # a 牵头 column: its cell is the first name
    for number, offset, parts in rows:
        for part in parts:
            cell = "、".join(part.units)
            listed = split_units(cell)
            first = where[min(offset + part.start, len(where) - 1)]
            last = where[min(offset + part.start + len(part.text), len(where) - 1)]
            plan.tasks.append(TaskRecord(
                kind="task", number=number, text=part.text.rstrip("。"), departments=listed.departments,
                collective_units=listed.collective_units, open_ended=listed.open_ended, units_raw=clean_cell(cell),
                persons=[part.person] if part.person else [], file=file, lines=(first, last),
                raw={"label": str(number), "text": part.text, **({"lead": part.units[0]} if leads else {})}))
    return plan
