"""Assignments written in running text: who is to do a duty, wherever the sentence says it.

Forms read: a bracket after the duty — （责任单位：A、B）, （牵头单位：A；配合单位：B）, （A牵头，B配合）, （A负责）,
（A、B按职责分工负责）, a bare （A、B、C）, [A负责] when a unit name itself holds round brackets, a deadline in the
same or the next bracket; `由A牵头，B配合` inside the sentence; and `牵头单位：A` / `责任单位：B` written after the
sentence or on lines of their own. A bracket counts only when everything it names is a unit (or a person in a
person role), so （2020—2022年） or （以下简称“三同时”） are never assignments."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .clauses import VERBS, read_clauses
from .deadlines import is_deadline_text
from .unit_names import is_bare_kind, is_unit_list

OPEN, CLOSE = "（([【〔", "）)]】〕"
_KEY = re.compile(
    r"(?P<key>(?:牵头|主责|主办|配合|协同|协办|参与|协助|责任|承办|负责|实施|落实|主要责任|分管|联系|包抓|包联)(?:负责|责任)?"
    r"(?:省|市|区|县)?(?:单位|部门|领导|主体|人)(?:[及和、](?:责任人|负责人|责任领导))?|部门分工|责任分工|任务分工"
    r"|完成(?:时限|时间|期限)|时限要求|时间节点|时限|时间)\s*[：:]"
)
_VERBS = VERBS
_BY = re.compile(
    rf"由(?P<lead>[^，。；,;由]{{2,80}}?){_VERBS}(?P<verb>牵头(?:负责|落实|实施|推进)?|负责|主责|承办)"
    rf"(?:[，,](?P<support>[^，。；,;]{{2,80}}?){_VERBS}(?:配合|参与|协助|协办))?"
)
# `A牵头，负责…` / `A牵头，B配合，…`: a sentence that opens with its lead is as explicit as `由A牵头`.
_LEADS = re.compile(
    rf"^\s*(?P<lead>[^，。；,;：:（）()]{{2,60}}?){_VERBS}(?P<verb>牵头)(?:负责)?[，,]"
    rf"(?:(?P<support>[^，。；,;]{{2,80}}?){_VERBS}(?:配合|参与|协助|协办)[，,])?"
)
_SENTENCE_END = "。；;！!？?"
# A unit as the subject of a sentence (or of a clause after 第一阶段：动员部署，7月16日前，): 省农业厅做好…,
# 各成员单位制定…, 各村、社区要建立…, 各乡镇(街道)要设… (a bracket qualifies a name). Attitudes (要高度重视) are exhortation, not work, and match no verb here.
_SUBJECT = re.compile(
    r"(?P<names>(?:[^，。；,;：:（）()“”]|[（(][^（）()，。；,;]{1,8}[）)]){2,40}?)(?:要|应当|应|须|必须|务必|负责)?"
    r"(?:做好|抓好|制定|开展|组织开展|落实|建立|完善|推进|加快|实施|上报|报送|督促|指导|按照|组成|定期|牵头|设立|设置|设(?![施备计])"
    r"|推动|加大|加强|强化|严格|健全|会同|配合)"
)
# 配合公安部门加强…, 会同有关部门研究…: the units a subject works with (the longest run of units after the word)
_NAME_END = re.compile(r"(?:部门|单位|机构|政府|中心|[局委办厅部署院所站队])$")
_WITH = re.compile(r"(?:^|[，,])(?:并|要|还要)?(?:会同|配合)")


@dataclass(frozen=True)
class Roles:
    """Who a duty names, as written: lead (牵头), support (配合), units (责任单位 or a plain list), persons, deadline."""

    lead: str = ""
    support: str = ""
    units: str = ""
    persons: str = ""
    deadline: str = ""
    written: str = ""

    @property
    def names_units(self) -> bool:
        return bool(self.lead or self.units or self.support)

    def merged(self, other: Roles) -> Roles:
        """Two brackets (or a bracket and the key lines below it) of one duty."""
        def join(a: str, b: str) -> str:
            return f"{a}、{b}" if a and b else a or b
        joined = {f: join(getattr(self, f), getattr(other, f)) for f in ("lead", "support", "units", "persons", "deadline")}
        return Roles(**joined, written="；".join(w for w in (self.written, other.written) if w))


@dataclass(frozen=True)
class Duty:
    """One assigned duty inside a text: its words without the assignment, and the roles."""

    text: str
    roles: Roles
    start: int       # character offset of the duty's words in the text it was found in


# 责任单位及责任人：…市公安消防支队主要领导: the post after the last unit names whom in it, not another unit
_POST = re.compile(r"(?<=[\u4e00-\u9fff])(?:主要领导|主要负责人|主要负责同志|分管领导|负责同志)(?=[、，,；;。\s]|$)")


def role_of_key(key: str) -> str:
    key = re.split(r"[及和、]", key)[0]       # 责任单位及责任人 names units first
    if "领导" in key or key.endswith("人"):
        return "persons"
    if "分工" in key:
        return "clauses"
    if key.startswith(("牵头", "主责", "主办")):
        return "lead"
    if key.startswith(("配合", "协同", "协办", "参与", "协助")):
        return "support"
    if "时" in key:
        return "deadline"
    return "units"


def cell_roles(cell: str) -> dict[str, str] | None:
    """A responsibility cell that says what its units do (`A牵头，各有关部门按照职责分工负责`, `A、B按职责分工负责`)
    → its units by role; None for a plain list (its column says the role) or a cell that is not units."""
    if not re.search(r"牵头|主责|主办|配合|参与|协助|协办|负责|落实", cell):
        return None
    return read_clauses(cell, declared=True)


def read_keyed(text: str) -> Roles | None:
    """`牵头单位：A；配合单位：B；完成时限：…` (the whole text is keys and values), else None."""
    keys = list(_KEY.finditer(text))
    if not keys or text[: keys[0].start()].strip("；;，,。 \t"):
        return None
    roles: dict[str, str] = {}
    for key, following in zip(keys, keys[1:] + [None]):
        value = text[key.end(): following.start() if following else len(text)].strip("；;，,。 \t")
        role = role_of_key(key.group("key"))
        if role in ("lead", "support", "units", "clauses"):
            clauses = read_clauses(_POST.sub("", value), declared=True)
            if clauses is None:
                return None
            if role != "clauses":
                clauses = {role: "、".join(clauses.values())}
            for sub, names in clauses.items():
                roles[sub] = f"{roles[sub]}、{names}" if roles.get(sub) else names
        elif value:
            roles[role] = f"{roles[role]}、{value}" if roles.get(role) else value
    if roles.get("units") and roles.get("lead") and not roles.get("support"):
        roles["support"] = roles.pop("units")      # 牵头单位 + 责任单位: the others share the duty
    return Roles(**roles, written=text.strip()) if roles else None


def read_bracket(inner: str) -> Roles | None:
    """The roles a bracket names, or None when it is not a units (or deadline) bracket at all."""
    inner = inner.strip()
    if _KEY.search(inner):
        return read_keyed(inner)
    if is_deadline_text(inner):
        return Roles(deadline=inner, written=inner)
    clauses = read_clauses(inner)
    if clauses:
        return Roles(**clauses, written=inner)
    head, tail = _trailing_clause(inner)     # （国务院各部门分别负责，年内持续推进）: units, then the deadline
    clauses = read_clauses(head) if head and is_deadline_text(tail) else None
    return Roles(**clauses, deadline=tail, written=inner) if clauses else None


def _trailing_clause(text: str) -> tuple[str, str]:
    parts = re.split(r"[，,；;]", text)
    return ("，".join(parts[:-1]).strip(), parts[-1].strip()) if len(parts) > 1 else ("", text)


def brackets(text: str) -> list[tuple[int, int]]:
    """(open, close) offsets of the outermost brackets, matching nested ones of either width."""
    found: list[tuple[int, int]] = []
    depth, start = 0, 0
    for index, ch in enumerate(text):
        if ch in OPEN:
            if depth == 0:
                start = index
            depth += 1
        elif ch in CLOSE and depth:
            depth -= 1
            if depth == 0:
                found.append((start, index))
    return found


def _cuts(text: str) -> list[tuple[int, int, Roles]]:
    """(start, end, roles) of every assignment written in the text, in order."""
    cuts: list[tuple[int, int, Roles]] = []
    for start, end in brackets(text):
        inner = text[start + 1: end]
        roles = read_bracket(inner)
        if roles is not None and (_explicit(inner) or _ends_sentence(text, start, end)):
            cuts.append((start, end + 1, roles))
    for key in _KEY.finditer(text):
        if key.start() and text[key.start() - 1] not in _SENTENCE_END + "\n 　\t，,":
            continue
        if any(a <= key.start() < b for a, b, _ in cuts) or _inside_bracket(text, key.start()):
            continue
        stop = _run_end(text, key.start())
        roles = read_keyed(text[key.start(): stop])
        if roles is not None:
            cuts.append((key.start(), stop, roles))
    return sorted(cuts, key=lambda c: c[0])


def _explicit(inner: str) -> bool:
    """A bracket that says what its units do (牵头, 负责, 责任单位：) is an assignment wherever it stands."""
    return bool(_KEY.search(inner) or re.search(r"牵头|负责|配合|参与|协助|协办|指导", inner))


def _ends_sentence(text: str, start: int, end: int) -> bool:
    """A bare list of units in brackets assigns only at a sentence end: 乡镇（街道）应急站 is a name's aside."""
    before = text[:start].rstrip(" \t")
    after = text[end + 1:].lstrip(" \t")
    if before and before[-1] in "局委办府院部厅会心队区县市镇乡":
        return False          # 各县(市、区)政府(管委会): the bracket is part of a name
    return not after or after[0] in _SENTENCE_END + "\n" or not before or before[-1] in _SENTENCE_END + "\n"


def _inside_bracket(text: str, at: int) -> bool:
    return any(a < at < b for a, b in brackets(text))


def _run_end(text: str, start: int) -> int:
    """A run of `key：value` pairs ends at the end of the line or at a full stop."""
    stops = [i for i in (text.find("\n", start), text.find("。", start)) if i >= 0]
    return min(stops) if stops else len(text)


def split_duties(text: str, subjects: bool = False, sentences: bool = True) -> list[Duty]:
    """Each stretch of text that ends in an assignment is a duty; a deadline-only bracket joins the assignment
    next to it; `由A牵头` marks the sentence it is in (unless not `sentences`: only written-out assignments).
    Text after the last assignment is narrative."""
    duties: list[Duty] = []
    position = 0
    pending_deadline = ""
    for start, end, roles in _cuts(text):
        if start < position:
            continue
        words = text[position:start]
        if not roles.names_units:
            if duties and not words.strip(_SENTENCE_END + "，, \n\t"):
                last = duties[-1]
                duties[-1] = replace(last, roles=last.roles.merged(roles))
            else:
                pending_deadline = roles.deadline
            position = end if not words.strip(_SENTENCE_END + "，, \n\t") else position
            continue
        if pending_deadline and not roles.deadline:
            roles = replace(roles, deadline=pending_deadline)
        pending_deadline = ""
        body = _strip_words(words)
        if not body and duties:
            last = duties[-1]
            duties[-1] = replace(last, roles=last.roles.merged(roles))
        elif body:
            duties.append(Duty(body, roles, position + len(words) - len(words.lstrip(_SENTENCE_END + "，, \n\t"))))
        position = end
    return duties + _by_sentences(text, position, subjects) if sentences else duties


def _by_sentences(text: str, position: int, subjects: bool = False) -> list[Duty]:
    """`由A牵头，B配合，…。` in the text after the last bracket: each such sentence is a duty; with `subjects`
    (a numbered item), so is a sentence whose subject is a unit."""
    duties: list[Duty] = []
    start = position
    for index in range(position, len(text) + 1):
        if index < len(text) and text[index] not in _SENTENCE_END:
            continue
        sentence = text[start:index]
        match = _BY.search(sentence) or _LEADS.match(sentence)
        if match and is_unit_list(match.group("lead")) and (not match.group("support") or is_unit_list(match.group("support"))):
            role = "lead" if match.group("verb").startswith("牵头") else "units"
            roles = Roles(**{role: match.group("lead"), "support": match.group("support") or ""}, written=match.group(0))
            body = _strip_words(sentence)
            if body:
                duties.append(Duty(body, roles, start + len(sentence) - len(sentence.lstrip())))
        elif subjects and (several := _clause_duties(sentence, start)):
            duties.extend(several)
        elif subjects and (subject := subject_roles(sentence)) is not None and _strip_words(sentence):
            duties.append(Duty(_strip_words(sentence), subject, start + len(sentence) - len(sentence.lstrip())))
        elif subjects and duties and (partners := _partners(sentence)):
            duties[-1] = replace(duties[-1], roles=duties[-1].roles.merged(Roles(support=partners, written=partners)))
        start = index + 1
    return duties


_RESPONSIBLE = re.compile(r"^(?P<names>[^，。；,;：:（）()“”]{2,40}?)负责")


def _clause_duties(sentence: str, start: int) -> list[Duty]:
    """`A负责甲镇，B负责乙街道，C负责丙街道。`: several clauses of one sentence, each with a unit as the subject of
    负责, are several duties (an area divided among bodies), not one."""
    duties: list[Duty] = []
    offset = 0
    for clause in re.split(r"(?<=[，,：:])", sentence):
        match = _RESPONSIBLE.match(clause.strip())
        if match and is_unit_list(match.group("names")) and not is_bare_kind(match.group("names")):
            body = _strip_words(clause)
            at = start + offset + len(clause) - len(clause.lstrip())
            duties.append(Duty(body, Roles(units=match.group("names"), written=match.group("names")), at))
        offset += len(clause)
    return duties if len(duties) >= 2 else []


def subject_roles(sentence: str) -> Roles | None:
    """The units a sentence (or one of its clauses) has as its subject, with a deadline clause if it has one,
    and the units it works with (`A要…，配合B加强…`) as support."""
    clauses = re.split(r"(?<=[，,：:])", sentence.strip())
    deadline = next((c.strip("，,：: ") for c in clauses if is_deadline_text(c.strip("，,：: "))), "")
    for index, clause in enumerate(clauses):
        match = _SUBJECT.match(clause.strip())
        names = match.group("names") if match else ""
        if names and is_unit_list(names) and not is_bare_kind(names) and not names.startswith(("会同", "配合")):
            rest = "".join(clauses[index:])[len(clause.strip()) - len(clause.strip()[match.end():]) if match else 0:]
            partners = _partners(rest[len(names):] if rest.startswith(names) else rest)
            return Roles(units=names, support=partners, deadline=deadline, written=names)
    return None


def _partners(text: str) -> str:
    """The units after 会同 or 配合 (at a clause's start) in a sentence without its own subject: 会同有关部门研究…
    → 有关部门. The longest run of characters that is a unit list."""
    found: list[str] = []
    for word in _WITH.finditer(text):
        tail = re.split(r"[，,。；;：:]", text[word.end():], maxsplit=1)[0]
        best = next((tail[:n] for n in range(min(len(tail), 30), 1, -1)
                     if _NAME_END.search(tail[:n]) and is_unit_list(tail[:n])), "")
        if best:
            found.append(best)
    return "、".join(found)


def _strip_words(words: str) -> str:
    """Wrapped lines re-joined without a space, as Chinese is written; runs of spaces folded."""
    joined = "".join(line.strip() for line in words.split("\n"))
    return " ".join(joined.lstrip(_SENTENCE_END + "，,、 \t").rstrip("，,、 \t").split())
