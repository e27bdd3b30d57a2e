"""Responsibility cells → unit names: split lists, detect 等… open lists, tell placeholders from departments,
and merge obvious variant spellings of one unit within a plan."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .records import TaskRecord
from .unit_names import expand_prefixes, is_bare_kind, is_person_name, is_unit_name, person_name

_TAGS = re.compile(r"</?p\s*>", re.IGNORECASE)
_SEPARATORS = "、，,；;/"
# "…等相关部门", "…等相关部门和单位", "…等部门", "…等负有安全生产监管职责的部门": the list is open.
# "…等行业主管部门", "…等职能部门": a kind of department after 等 closes the list too (卫生局 stays a unit).
_OPEN_TAIL = re.compile(r"等(?P<rest>(?:相关|有关|其他)?(?:部门|单位)(?:和|及)?(?:单位|部门)?|负有.+?(?:部门|单位)|部门"
                        r"|[\u4e00-\u9fff]{1,6}(?:部门|单位|机构))$")
_COLLECTIVE = re.compile(
    r"^各|^(?:相关|有关)|各(?:相关|有关|成员)|相关部门|有关部门|成员单位|负有.*职责|^(?:市|区|县|镇|街道)级(?:各)?(?:部门|单位)|^(?:省|市|区|县|镇|乡)级各"
    r"|各[\u4e00-\u9fff]{0,4}(?:部门|单位|专班|机构)$|部门和单位$|^(?:市|区|县)?(?:级)?(?:各)?(?:相关|有关)?(?:部门|单位)$|行业主管部门|其他成员"
    # 县(市、区)政府: every county-level government, a class of bodies even without 各
    r"|^[省市县区乡镇][（(][省市县区乡镇、]+[）)](?:人民)?(?:政府|党委|党委和人民政府|党委、政府)$"
    # 街道城管中队, 乡镇卫生院: a body of every street or township, named by the kind of place and no place name
    r"|^(?:街道|乡镇|镇街|社区|村居)(?=[\u4e00-\u9fff]{2,}$)"
    # 村(社区), 乡镇(街道): the kind of place alone, with its alternative in brackets, is every such body
    r"|^(?:村|社区|乡镇|镇|乡|街道)[（(](?:社区|村|居|街道|乡镇|园区|[、])+[）)]$"
)


@dataclass(frozen=True)
class UnitList:
    departments: list[str]          # as written, then with a dropped shared place prefix written back
    collective_units: list[str]
    open_ended: bool
    persons: list[str] = field(default_factory=list)   # people named in the cell (李明副区长): never units


def clean_cell(text: str) -> str:
    """Remove <p> fragments and fold whitespace; keep single spaces (they separate Chengdu departments)."""
    return " ".join(_TAGS.sub(" ", text).split())


def is_collective(name: str) -> bool:
    """Placeholders (各街办, 市级各相关部门, 负有安全生产监管职责的部门 …) stand for a group, not a body."""
    return bool(_COLLECTIVE.search(name))


def _split_top_level(text: str) -> list[str]:
    """Split on separators and whitespace, but never inside brackets (区骊山国有生态林场（…管理处）), nor at a
    space that only sets off a bracket (`市安委办 (工作专班办公室)`) or the kind of body after a placeholder of
    places (`各县区(开发区) 安委会`): those spaces are kept as written."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for index, ch in enumerate(text):
        if ch in "（(〔[【":
            depth += 1
        elif ch in "）)〕]】":
            depth = max(0, depth - 1)
        if depth == 0 and ch.isspace() and current and _space_inside_name("".join(current), text[index + 1:]):
            current.append(" ")
            continue
        if depth == 0 and (ch in _SEPARATORS or ch.isspace()):
            if current:
                parts.append("".join(current).strip())
                current = []
            continue
        current.append(ch)
    if current:
        parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


_PLACES_PLACEHOLDER = re.compile(r"^各[\u4e00-\u9fff]{1,6}?(?:[省市县区镇乡]|街道)(?:[（(][^（）()]*[）)])?$")


def _space_inside_name(before: str, after: str) -> bool:
    following = after.lstrip()
    if following[:1] in "（(":
        return not before.endswith(" ")
    word = re.match(r"[^、，,；;/\s（(]+", following)
    return bool(word and _PLACES_PLACEHOLDER.match(before.strip()) and len(word.group(0)) <= 4
                and word.group(0)[0] not in "各市区县省镇乡" and _BODY_KIND.search(word.group(0)))


_BODY_KIND = re.compile(r"(?:委员会|安委会|管委会|党委|政府|部门|单位|办公室|办|委|局)$")


# 各县、市、区政府 is one placeholder (every county, city and district government), not three units.
# 各村、社区 and 各乡镇、街道 likewise: short kinds of body after one 各 share it.
_LEVEL_SERIES = re.compile(
    r"各(?:有关|相关)?[省市县区镇乡](?:、[省市县区镇乡])+[^、，,；;\s]*|各[\u4e00-\u9fff]{1,2}(?:、(?:社区|街道|乡镇|镇|乡|村|园区))+(?![\u4e00-\u9fff])"
    # 各乡镇人民政府、街道办事处: a bare kind of body after a 各 government shares the 各
    r"|各[\u4e00-\u9fff]{1,4}(?:人民政府|政府)(?:、(?:街道办事处|街道办|街道|社区|村))+(?![\u4e00-\u9fff])"
)


_OPEN_AND_PLACEHOLDER = re.compile(r"^(?P<open>.{2,}等)[和及](?P<rest>.{2,})$")
_KIND_OF_DEPARTMENT = re.compile(r"(?![各市区县省镇乡])[\u4e00-\u9fff]{0,4}(?:部门|单位|机构)")


def _split_conjunctions(parts: list[str]) -> list[str]:
    """市级各有关部门及各县市区政府 is two units, 区住房和城乡建设局 one: split on 及/和/与 only when both sides
    are units or placeholders on their own."""
    out: list[str] = []
    for part in parts:
        joined = _OPEN_AND_PLACEHOLDER.match(part)
        if joined and is_collective(joined.group("rest")):      # A等和各有关省级人民政府: the open list, then the placeholder
            out.extend([joined.group("open"), joined.group("rest")])
            continue
        pieces = re.split(r"[及和与]", part) if re.search(r"[及和与]", part) and "等" not in part else [part]
        # 党委和人民政府, 党工委和管委会: a bare kind after 和 is the same place's other body, kept as written
        whole = len(pieces) > 1 and any(is_bare_kind(p) for p in pieces[1:])
        # 各乡镇(街道)和职能部门: the 各 spreads over a kind of department after 和, one placeholder
        whole = whole or part.startswith("各") and any(_KIND_OF_DEPARTMENT.fullmatch(p) for p in pieces[1:])
        if len(pieces) > 1 and not whole and all(len(p) >= 3 and (is_unit_name(p) or is_collective(p)) for p in pieces):
            out.extend(pieces)
        else:
            out.append(part)
    return out


# grassroots bodies (派出所, 安监站) have no sub-bodies written after them: a body name after one is another body
_GRASSROOTS_END = re.compile(r"[所站](?=[\u4e00-\u9fff]{3,})")


def _run_together(parts: list[str]) -> list[str]:
    """派出所工商质监所 → 派出所, 工商质监所: two units written with no separator, split after a grassroots body's
    ending when both halves are bodies of their own (市公安局交警支队 is one body and never split)."""
    out: list[str] = []
    for part in parts:
        while True:
            cut = next((m.end() for m in _GRASSROOTS_END.finditer(part) if m.end() >= 3 and is_unit_name(part[: m.end()])
                        and is_unit_name(part[m.end():]) and not is_bare_kind(part[m.end():])
                        and not is_collective(part)), None)
            if cut is None:
                break
            out.append(part[:cut])
            part = part[cut:]
        out.append(part)
    return out


# 公安、交通运输部门: a list of kinds of department whose last names the kind once for all
_SHARED_KIND = re.compile(r"^(?![各有相其])[\u4e00-\u9fff（）()]{2,10}?(?P<kind>部门|机构)$")
_KIND_WORD = re.compile(r"^[\u4e00-\u9fff]{2,6}(?:[（(][\u4e00-\u9fff]{1,6}[）)])?$")


def _shared_suffix(parts: list[str]) -> list[str]:
    """公安、发展改革、农业(农机)、安全监管部门 → 公安部门 … 安全监管部门: the names before the last that are no body
    on their own (no body's ending) share its kind. Only a plain run of such words ending in the kind counts."""
    out = list(parts)
    for index, part in enumerate(parts):
        last = _SHARED_KIND.match(part)
        if not last or is_collective(part) or index == 0:
            continue
        start = index
        while start > 0 and _KIND_WORD.match(parts[start - 1]) and not is_unit_name(parts[start - 1]) \
                and not is_collective(parts[start - 1]):
            start -= 1
        for earlier in range(start, index):
            out[earlier] = parts[earlier] + last.group("kind")
    return out


def split_units(cell: str, expand: bool = True) -> UnitList:
    """Split a responsibility cell as written; order is kept (the first concrete department leads). With
    `expand`, units after the first that dropped the shared place prefix get it back (市发改委、规划局 → 市规划局)."""
    departments: list[str] = []
    collectives: list[str] = []
    persons: list[str] = []
    open_ended = False
    written = re.sub(r"[。；;]+(?=\s|$)", "", clean_cell(cell))     # a list closed with a full stop, as a sentence is
    protected = _LEVEL_SERIES.sub(lambda m: m.group(0).replace("、", "\x01"), written)
    parts = _run_together([p.replace("\x01", "、") for p in _split_top_level(protected)])
    for part in _shared_suffix(_split_conjunctions(parts)):
        match = _OPEN_TAIL.search(part)
        if match and match.start() > 0:
            open_ended = True
            rest = match.group("rest")
            part = part[: match.start()]
            if rest.startswith("负有"):
                collectives.append(rest)
        if part.endswith("等") and len(part) > 2:
            open_ended, part = True, part[:-1]      # 市卫生健康委等，各县政府: the 等 closes the concrete list
        if not part:
            continue
        if is_collective(part):
            collectives.append(part)
        elif is_person_name(part):
            persons.append(person_name(part))
        else:
            departments.append(part)
    if expand:
        departments = expand_prefixes(departments)
    return UnitList(_dedupe(departments), _dedupe(collectives), open_ended, _dedupe(persons))


def _dedupe(names: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for name in names:
        seen.setdefault(name, None)
    return list(seen)


def _is_abbreviation(short: str, long: str) -> bool:
    """short is long with at most two characters left out, same first two and same last two characters
    (市公安交管局 ~ 市公安局交管局, but 市公安局 is not 市公安交管局)."""
    if not (0 < len(long) - len(short) <= 2) or short[:2] != long[:2] or short[-2:] != long[-2:]:
        return False
    it = iter(long)
    return all(ch in it for ch in short)


def _is_prefixed(short: str, long: str) -> bool:
    """区生态环境临潼分局 vs 生态环境临潼分局: the same body with and without the level prefix."""
    return len(long) == len(short) + 1 and long[0] in "市区县" and long[1:] == short and len(short) >= 4


def variant_map(
    counts: Counter[str], aliases: dict[str, str] | None = None, together: set[frozenset[str]] | None = None
) -> dict[str, str]:
    """Map each variant spelling in one plan to the spelling used most often (ties: the shorter).
    `aliases` (from the department vocabulary) maps known variants to canonical names first; two names
    listed together on one task (`together`) are never variants of each other."""
    mapping: dict[str, str] = {}
    names = sorted(counts, key=lambda n: (-counts[n], len(n), n))
    for name in names:
        if aliases and name in aliases and aliases[name] != name:
            mapping[name] = aliases[name]
    for i, name in enumerate(names):
        if name in mapping:
            continue
        for other in names[:i]:
            if other in mapping:
                continue
            if together and frozenset((name, other)) in together:
                continue
            a, b = sorted((name, other), key=len)
            if _is_abbreviation(a, b) or _is_prefixed(a, b):
                mapping[name] = other
                break
    return mapping


def lead_of(task: TaskRecord) -> list[str]:
    """Every unit written in a 牵头 role is lead. A 牵头 role that names only placeholders (责任单位：相关镇街区 beside
    配合单位) has no concrete lead; when no role is written, the first concrete unit leads."""
    written = task.raw.get("lead", "")
    if written:
        listed = split_units(written)
        named = [n for n in listed.departments if n in task.departments]
        if named or listed.collective_units:
            return named
    return task.departments[:1]
