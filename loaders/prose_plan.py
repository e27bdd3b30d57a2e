"""Layout `prose-plan`: a plan with no table, whose numbered measures （一）… 1.… (1)… each end with the units
in brackets: （责任单位：A、B等相关部门和单位，各乡镇人民政府）, （牵头单位：A；配合单位：B、C）, （A牵头，B配合）
or a bare （A、B、C）, in full- or half-width punctuation. Each such measure is a record of kind `task`
under the nearest heading above it; numbered items without such a bracket are headings or narrative.

A measure may be wrapped over several lines (text extracted from a PDF); lines are joined until the next
numbered item, or until the measure has got its bracket."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import duty_text
from .deadlines import is_deadline_text
from .records import PlanRecord
from .units import split_units

# (level, pattern): 一、 > （一） > 1. > (1) > ①
_LABELS: list[tuple[int, re.Pattern[str]]] = [
    (0, re.compile(r"^\s*([一二三四五六七八九十]{1,3})\s*[、.．]\s*")),
    (1, re.compile(r"^\s*[（(]\s*([一二三四五六七八九十]{1,3})\s*[）)]\s*")),
    (2, re.compile(r"^\s*(\d{1,2})\s*(?:[、﹒．]|\.(?!\d))\s*")),
    (3, re.compile(r"^\s*[（(]\s*(\d{1,2})\s*[）)]\s*")),
    (4, re.compile(r"^\s*([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])\s*")),
]
_OPEN, _CLOSE = "（(", "）)"
_TRAILING_PUNCT = "。；;.，, \t"
_KEYS = re.compile(
    r"(?P<key>牵头(?:单位|部门)|配合(?:单位|部门)|协办单位|参与单位|责任(?:单位|部门|主体)|承办单位|负责单位|实施单位"
    r"|完成(?:时限|时间|期限)|时限要求|时限|时间)\s*[：:]"
)
_LEAD_SUPPORT = re.compile(r"^(?P<lead>.+?)牵头(?:负责)?[，,；;、]\s*(?P<support>.+?)(?:等(?:相关)?(?:部门|单位))?(?:按职责)?(?:分工)?配合(?:落实)?$")
_LEAD_ONLY = re.compile(r"^(?P<lead>.+?)牵头(?:负责|落实)?$")
_UNIT_SUFFIX = re.compile(
    r"(局|委|办|队|会|室|部|院|所|中心|政府|小组|单位|部门|街办|管委会|办事处|处|站|公司|集团|场|厅|团|联|馆|街道|乡镇|分局|支队|银行|法院|检察院)[）)]?$"
)


@dataclass
class _Block:
    level: int
    label: str
    line: int
    last: int
    parts: list[str] = field(default_factory=list)
    closed: bool = False          # got its units bracket: later unlabelled lines are narrative

    @property
    def text(self) -> str:
        return "".join(self.parts)


@dataclass(frozen=True)
class _Units:
    lead: str
    support: str
    units: str
    deadline: str
    written: str


def looks_like(text: str) -> bool:
    """Several numbered items that end with a units bracket."""
    return sum(1 for b in _blocks(text.split("\n")[:6000]) if _trailing_units(b.text)) >= 3


def parse(text: str, file: str, plan_id: str) -> PlanRecord:
    """Read by the general prose reader (duty_text), which also splits an item holding several assignments."""
    return duty_text.parse(text, file, plan_id, layout="prose-plan")


def _blocks(lines: list[str]) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Block | None = None
    for lineno, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        label = _label(stripped)
        if label:
            level, mark, rest = label
            current = _Block(level, mark, lineno, lineno, [rest])
            blocks.append(current)
        elif current is not None and not current.closed:
            current.parts.append(stripped)
            current.last = lineno
        else:
            current = None
            continue
        current.closed = _trailing_units(current.text) is not None
    return blocks


def _label(line: str) -> tuple[int, str, str] | None:
    for level, pattern in _LABELS:
        match = pattern.match(line)
        if match and match.end() < len(line):
            return level, line[: match.end()].strip(), line[match.end():]
    return None


def _heading(block: _Block) -> str:
    """A heading is the label and its first phrase: （一）强化安全源头治理。具体… → （一）强化安全源头治理."""
    first = re.split(r"[。：:；;]", block.text, maxsplit=1)[0].strip()
    return f"{block.label}{first[:40]}"


def _trailing_units(text: str) -> tuple[str, _Units] | None:
    """Peel up to two brackets off the end (the units, and a deadline bracket next to it); None when the text
    does not end with a units bracket."""
    body = text.rstrip()
    found: dict[str, str] = {}
    written: list[str] = []
    for _ in range(2):
        peeled = _last_bracket(body.rstrip(_TRAILING_PUNCT))
        parsed = _read_bracket(peeled[1]) if peeled else None
        if peeled is None or parsed is None or set(parsed) & set(found):
            break
        found.update(parsed)
        written.insert(0, peeled[1])
        body = peeled[0].rstrip()
    if not (found.get("lead") or found.get("units")):
        return None
    roles = {role: found.get(role, "") for role in ("lead", "support", "units", "deadline")}
    units = _Units(**roles, written="；".join(written))
    return body, units


def _last_bracket(text: str) -> tuple[str, str] | None:
    """('text before', 'inside') of the bracket that closes the text, matching nested brackets of either width."""
    if not text or text[-1] not in _CLOSE:
        return None
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        ch = text[index]
        if ch in _CLOSE:
            depth += 1
        elif ch in _OPEN:
            depth -= 1
            if depth == 0:
                return text[:index], text[index + 1: -1].strip()
    return None


def _read_bracket(inner: str) -> dict[str, str] | None:
    """The roles a bracket names, or None when it is not a units (or deadline) bracket at all."""
    keys = list(_KEYS.finditer(inner))
    if keys:
        if keys[0].start() > 0 and inner[: keys[0].start()].strip("；;，, "):
            return None
        roles: dict[str, str] = {}
        for key, following in zip(keys, keys[1:] + [None]):
            value = inner[key.end(): following.start() if following else len(inner)].strip("；;，,。 ")
            role = _role(key.group("key"))
            roles[role] = f"{roles[role]}、{value}" if roles.get(role) else value
        return {role: value for role, value in roles.items() if value}
    compact = inner.strip()
    if is_deadline_text(compact):
        return {"deadline": compact}
    pair = _LEAD_SUPPORT.match(compact)
    if pair and _all_units(pair.group("lead")) and _all_units(pair.group("support")):
        return {"lead": pair.group("lead"), "support": pair.group("support")}
    alone = _LEAD_ONLY.match(compact)
    if alone and _all_units(alone.group("lead")):
        return {"lead": alone.group("lead")}
    return {"units": compact} if _all_units(compact) else None


def _role(key: str) -> str:
    if key.startswith("牵头"):
        return "lead"
    if key.startswith(("配合", "协办", "参与")):
        return "support"
    if "时" in key:
        return "deadline"
    return "units"


def _all_units(text: str) -> bool:
    listed = split_units(text)
    names = listed.departments + listed.collective_units
    return bool(names) and all(_UNIT_SUFFIX.search(n) or n in listed.collective_units for n in names)
