"""Layout `duty-text`: duties written as prose, whatever the numbering: every stretch of a numbered item (or of
an unnumbered paragraph) that carries an assignment (see assignments.py) is one duty under that item. Several
assignments inside one item give several duties that share the item's label; `牵头单位：A` lines below an item
belong to it; numbered items without an assignment are headings. Addressee lines, the issuer's signature and
notice prose carry no assignment and so are never duties."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .assignments import Duty, Roles, split_duties
from .deadlines import parse_deadline
from .errors import LoadError
from .metadata import title_from_text
from .records import PlanRecord, TaskRecord
from .units import split_units

# (level, pattern): 一、 > （一） > 1. > (1) > ①; 第一条 and 一是 read as items too.
LABELS: list[tuple[int, re.Pattern[str]]] = [
    (0, re.compile(r"^\s*(第[一二三四五六七八九十百]{1,4}[条章部分]|[一二三四五六七八九十]{1,3}\s*[、.．])\s*")),
    (1, re.compile(r"^\s*([（(〔]\s*[一二三四五六七八九十]{1,3}\s*[）)〕])\s*")),
    (2, re.compile(r"^\s*(\d{1,3}\s*(?:[、﹒．]|\.(?!\d)))\s*")),
    (3, re.compile(r"^\s*([（(]\s*\d{1,3}\s*[）)])\s*")),
    (4, re.compile(r"^\s*([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])\s*")),
]
_ADDRESSEE = re.compile(r"^[^。；]{2,120}[：:]$")
_ENDS_SENTENCE = ("。", "；", "！", "？", "：")
_KEY_LINE = re.compile(r"^[（(〔\[【]?\s*(?:牵头|责任|配合|协同|协办|参与|分管|部门分工|完成时限|时间节点|主要责任)[^：:]{0,8}[：:]")


@dataclass
class Block:
    """One numbered item (or unnumbered paragraph) with its wrapped lines; `label` is '' when unnumbered."""

    level: int
    label: str
    line: int
    last: int
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Wrapped lines re-joined without a break, as Chinese is written; a `牵头单位：` line keeps its own."""
        return "".join(("\n" if i and _KEY_LINE.match(p) else "") + p for i, p in enumerate(self.parts))

    def line_at(self, offset: int) -> int:
        """The source line of a character offset in `text`."""
        seen = 0
        for index, part in enumerate(self.parts):
            seen += len(part) + (1 if index and _KEY_LINE.match(part) else 0)
            if offset < seen:
                return self.line + index
        return self.last


def label_of(line: str) -> tuple[int, str, str] | None:
    for level, pattern in LABELS:
        match = pattern.match(line)
        if match and match.end() < len(line):
            return level, re.sub(r"\s+", "", match.group(1)), line[match.end():]
    return None


def blocks_of(lines: list[str]) -> list[Block]:
    """Items and paragraphs in order. A line with no label continues the item above until the item has its
    assignment; after that, or after a finished sentence in an unnumbered paragraph, it starts a new paragraph."""
    blocks: list[Block] = []
    current: Block | None = None
    for lineno, line in enumerate(lines, start=1):
        stripped = line.strip().strip("|").strip()
        if not stripped:
            continue
        label = label_of(stripped)
        if label:
            current = Block(label[0], label[1], lineno, lineno, [label[2]])
            blocks.append(current)
            continue
        if current is not None and _continues(current, stripped):
            current.parts.append(stripped)
            current.last = lineno
            continue
        current = Block(current.level + 1 if current else 9, "", lineno, lineno, [stripped])
        blocks.append(current)
    return blocks


MAX_BLOCK_LINES = 60   # an item longer than this is not one duty's text (and re-reading it would be quadratic)


def _continues(block: Block, line: str) -> bool:
    if len(block.parts) >= MAX_BLOCK_LINES:
        return False
    if _KEY_LINE.match(line) or _unclosed(block.text):
        return True       # 牵头单位：A lines under their item
    if block.label and not split_duties(block.text):
        return True
    return not block.label and not block.text.endswith(_ENDS_SENTENCE) and not split_duties(block.text)


def _unclosed(text: str) -> bool:
    return sum(text.count(c) for c in "（(〔[【") > sum(text.count(c) for c in "）)〕]】")


def looks_like(text: str) -> bool:
    """At least one assignment with its units (a document may have a single measure so far)."""
    return any(_duties(b) for b in blocks_of(text.split("\n")[:20000]))


def _duties(block: Block) -> list[Duty]:
    if _ADDRESSEE.match(block.text.strip()) and not block.label:
        return []
    return [d for d in split_duties(block.text) if d.roles.names_units]


def parse(text: str, file: str, plan_id: str, layout: str = "duty-text") -> PlanRecord:
    lines = text.split("\n")
    plan = PlanRecord(plan_id=plan_id, title=title_from_text(lines), file=file, layout=layout)
    headings: list[tuple[int, str]] = []
    item: Block | None = None
    for block in blocks_of(lines):
        duties = _duties(block)
        if block.label:
            item = block
        if not duties:
            if block.label:
                headings = [h for h in headings if h[0] < block.level] + [(block.level, _heading(block))]
            continue
        owner = block if block.label or item is None else item
        section = next((h for level, h in reversed(headings) if level < owner.level), None)
        if section and ("task", section) not in plan.sections:
            plan.sections.append(("task", section))
        for duty in duties:
            plan.tasks.append(to_task(duty, owner.label, block, section, file, len(plan.tasks) + 1))
    if not plan.tasks:
        raise LoadError(file, "no duty with its units found (（责任单位：…）, （A牵头，B配合）, 牵头单位：… lines)")
    return plan


def _heading(block: Block) -> str:
    """A heading is the label and its first phrase: （一）强化安全源头治理。具体… → （一）强化安全源头治理."""
    first = re.split(r"[。：:；;\n]", block.text, maxsplit=1)[0].strip()
    return f"{block.label}{first[:40]}"


def to_task(duty: Duty, label: str, block: Block, section: str | None, file: str, number: int) -> TaskRecord:
    roles: Roles = duty.roles
    if roles.units and roles.support and not roles.lead:     # 责任单位 beside 配合单位: the 责任单位 lead
        roles = Roles(lead=roles.units, support=roles.support, persons=roles.persons, deadline=roles.deadline,
                      written=roles.written)
    cell = " ".join(x for x in (roles.lead, roles.units, roles.support) if x)
    listed = split_units(cell)
    persons = [p for p in re.split(r"[、，,；;\s]+", roles.persons) if p] + listed.persons
    first = block.line_at(duty.start)
    raw = {"label": label, "text": block.text, "units": roles.written}
    raw.update({k: v for k, v in (("lead", roles.lead), ("support", roles.support), ("deadline", roles.deadline)) if v})
    return TaskRecord(
        kind="task",
        number=number,
        text=duty.text,
        section=section,
        departments=listed.departments,
        collective_units=listed.collective_units,
        open_ended=listed.open_ended,
        units_raw=roles.written,
        persons=list(dict.fromkeys(persons)),
        deadline=parse_deadline(roles.deadline) if roles.deadline else None,
        file=file,
        lines=(first, block.last),
        raw=raw,
    )
