"""Layout `duty-text`: duties written as prose, whatever the numbering: every stretch of a numbered item (or of
an unnumbered paragraph) that carries an assignment (see assignments.py) is one duty under that item. Several
assignments inside one item give several duties that share the item's label; `牵头单位：A` lines below an item
belong to it; numbered items without an assignment are headings. Addressee lines, the issuer's signature and
notice prose carry no assignment and so are never duties."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .assignments import Duty, Roles, split_duties, subject_roles
from .deadlines import leading_deadline, parse_deadline
from .errors import LoadError
from .metadata import title_from_text
from .records import PlanRecord, TaskRecord
from .unit_names import is_unit_list
from .units import split_units

# (level, pattern): 一、 > （一） > 1. > (1) > ①; 第一条 and 一是 read as items too.
LABELS: list[tuple[int, re.Pattern[str]]] = [
    (0, re.compile(r"^\s*(第[一二三四五六七八九十百]{1,4}[条章部分]|[一二三四五六七八九十]{1,3}\s*[、.．])\s*")),
    (1, re.compile(r"^\s*([（(〔]\s*[一二三四五六七八九十]{1,3}\s*[）)〕])\s*")),
    (1, re.compile(r"^\s*(第[一二三四五六七八九十]{1,3}(?:阶段|步))\s*[：:]?\s*")),
    (2, re.compile(r"^\s*(\d{1,3}\s*(?:[、﹒．]|\.(?!\d)|\.(?=\d{4}年)))\s*")),     # 1.2009年底前,完成…
    (3, re.compile(r"^\s*([（(]\s*\d{1,3}\s*[）)])\s*")),
    (4, re.compile(r"^\s*([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])\s*")),
]
_ADDRESSEE = re.compile(r"^[^。；]{2,120}[：:]$")
_ENDS_SENTENCE = ("。", "；", "！", "？", "：")
_KEY_LINE = re.compile(
    r"^[（(〔\[【]?\s*(?:牵头|责任|配合|协同|协办|参与|分管|部门分工|完成时限|时限要求|时间要求|时间节点|主要责任)[^：:]{0,8}[：:]"
)


@dataclass
class Block:
    """One numbered item (or unnumbered paragraph) with its wrapped lines; `label` is '' when unnumbered."""

    level: int
    label: str
    line: int
    last: int
    parts: list[str] = field(default_factory=list)
    titled: bool = False        # the text of the titled item just above, which it belongs to

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
        label = label_of(stripped) or _next_number(stripped, blocks)
        if label:
            current = Block(label[0], label[1], lineno, lineno, [label[2]])
            blocks.append(current)
            continue
        if current is not None and _continues(current, stripped):
            current.parts.append(stripped)
            current.last = lineno
            continue
        titled = current is not None and _opens_titled_item(current, stripped)
        current = Block(current.level + 1 if current else 9, "", lineno, lineno, [stripped], titled)
        blocks.append(current)
    return blocks


_NUMBER_BEFORE_DIGITS = re.compile(r"^\s*(\d{1,3})\.(?=\d+(?![\d.．万亿千百%‰]))")      # not 2.5万, 1.20亿


def _next_number(line: str, blocks: list[Block]) -> tuple[int, str, str] | None:
    """11.121人才梯队项目 after item 10.: a number and a point before a text that opens with digits is the next item's
    label when it follows the last numbered item; a decimal (2.5万) is not, whatever number comes before."""
    match = _NUMBER_BEFORE_DIGITS.match(line)
    last = next((b.label for b in reversed(blocks) if b.label and b.level == 2), "")
    if not match or not last.rstrip("、﹒．.").isdigit() or int(last.rstrip("、﹒．.")) + 1 != int(match.group(1)):
        return None
    return 2, f"{match.group(1)}.", line[match.end():]


MAX_BLOCK_LINES = 60   # an item longer than this is not one duty's text (and re-reading it would be quadratic)


def _continues(block: Block, line: str) -> bool:
    if len(block.parts) >= MAX_BLOCK_LINES:
        return False
    if _KEY_LINE.match(line) or _unclosed(block.text):
        return True       # 牵头单位：A lines under their item
    if _opens_titled_item(block, line):
        return False
    if block.label and not split_duties(block.text):
        return True
    return not block.label and not block.text.endswith(_ENDS_SENTENCE) and not split_duties(block.text)


def _opens_titled_item(block: Block, line: str) -> bool:
    """（一）着力开展“五一工程” / 各乡镇要按照…: an item's title alone on its line (short, no punctuation), then its
    text opening with its subject. The text is a paragraph of its own, read for subjects as the item's."""
    title = len(block.parts) == 1 and len(block.text) <= 20 and not re.search(r"[，,。；;：:、]", block.text)
    return bool(block.label) and title and subject_roles(line.split("。")[0]) is not None


def _unclosed(text: str) -> bool:
    return sum(text.count(c) for c in "（(〔[【") > sum(text.count(c) for c in "）)〕]】")


def looks_like(text: str) -> bool:
    """At least one assignment with its units (a document may have a single measure so far)."""
    return any(_duties(b) for b in blocks_of(text.split("\n")[:20000]))


def _duties(block: Block, sentences: bool = True, subjects: bool = True) -> list[Duty]:
    if _ADDRESSEE.match(block.text.strip()) and not block.label:
        return []
    subjects = subjects and sentences and bool(block.label or block.titled)
    found = split_duties(block.text, subjects=subjects, sentences=sentences)
    return [d for d in found if d.roles.names_units]


def parse(text: str, file: str, plan_id: str, layout: str = "duty-text", sentences: bool = True) -> PlanRecord:
    """With `sentences` off only written-out assignments count (brackets, 牵头单位： lines): `由A牵头负责` and a
    unit as a sentence's subject are how the cover notice of a task table talks about carrying it out."""
    lines = text.split("\n")
    plan = PlanRecord(plan_id=plan_id, title=title_from_text(lines), file=file, layout=layout)
    headings: list[tuple[int, str, Block]] = []
    run: list[Block] = []            # sub-items in a row without an assignment of their own
    item: Block | None = None
    blocks = blocks_of(lines)
    subjects = not assigns_by_brackets(blocks)
    for block in blocks:
        duties = _duties(block, sentences, subjects)
        parent = next((b for level, _, b in reversed(headings) if level < block.level), None)
        if duties and parent is not None and _closes_run(block, run):
            block = _joined(parent, [*run, block])
            duties = _duties(block, sentences, subjects)
        if block.label:
            item = block
        run = [*run, block] if block.label and not duties and run and run[-1].level == block.level else (
            [block] if block.label and not duties else [])
        if not duties:
            if block.label:
                headings = [h for h in headings if h[0] < block.level] + [(block.level, _heading(block), block)]
            continue
        owner = block if block.label or item is None else item
        section = next((h for level, h, _ in reversed(headings) if level < owner.level), None)
        if section and ("task", section) not in plan.sections:
            plan.sections.append(("task", section))
        for duty in duties:
            plan.tasks.append(to_task(duty, owner.label, block, section, file, len(plan.tasks) + 1))
    if not plan.tasks:
        raise LoadError(file, "no duty with its units found (（责任单位：…）, （A牵头，B配合）, 牵头单位：… lines)")
    _spread_implied(plan.tasks)
    return plan


# （A指导，B负责落实。以下均需B落实，不再列出）: a body every later duty has without its bracket naming it again
_IMPLIED = re.compile(r"以下(?:各项|各条)?(?:工作|任务)?均(?:需|由|要)(?P<who>[^，,。；;]{2,20}?)(?:负责)?落实[，,]?不再(?:一一)?列出")


def _spread_implied(tasks: list[TaskRecord]) -> None:
    """Record the implied body on every later duty (raw `implied_collective`), apart from the units the duty's
    own bracket names: the document says it once so as not to repeat it."""
    implied = ""
    for task in tasks:
        if implied:
            task.raw["implied_collective"] = implied
        found = _IMPLIED.search(task.units_raw)
        if found and is_unit_list(found.group("who")):
            implied = found.group("who")


BRACKETED_ITEMS = 3   # numbered items closed by a written-out assignment that make a document's way of assigning


def assigns_by_brackets(blocks: list[Block]) -> bool:
    """A document that closes its items with written-out assignments (（A、B负责）) says who does what there; a unit
    as a sentence's subject in its other items or closing paragraphs (各地区要…) is exhortation, not a duty."""
    closed = sum(1 for b in blocks if b.label and _duties(b, sentences=False))
    return closed >= BRACKETED_ITEMS


def _closes_run(block: Block, run: list[Block]) -> bool:
    """（1）…（4） with one （责任单位：…） line after the last: the line assigns their parent item, not （4）."""
    if not block.label or len(block.parts) < 2 or not _KEY_LINE.match(block.parts[-1]):
        return False
    return bool(run) and run[-1].level == block.level and not split_duties("".join(block.parts[:-1]))


def _joined(parent: Block, items: list[Block]) -> Block:
    """The parent item with its sub-items written out after it, ending in the shared assignment line."""
    parts = [parent.text] + [f"{b.label}{b.text}" for b in items[:-1]] + [f"{items[-1].label}{items[-1].parts[0]}"]
    return Block(parent.level, parent.label, parent.line, items[-1].last, parts + items[-1].parts[1:])


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
    if not roles.deadline and leading_deadline(duty.text):
        roles = Roles(roles.lead, roles.support, roles.units, roles.persons, leading_deadline(duty.text), roles.written)
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
