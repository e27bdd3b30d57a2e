"""Deadlines written inside a duty's statement ('2019年6月底前，研究建立…', '到2020年，…', '5年内培养…').

The deadline rule (2026-12-02, tests/realdocs*/README.md): a duty's deadline is the time of its deadline cell or its
assignment bracket; otherwise the FIRST completion time written in its own statement, as the minimal phrase. Auditors
list a duty without a deadline as an orphan, so a time the statement states must not be lost. Not deadlines: validity
periods ('2019年1月1日至12月31日'), start dates ('从2019年1月1日起', '自…之日起' with no span after it), facts
('2018年以来', '截至2018年底'), frequencies ('每年6月底前'), base years ('比2015年') and annual amounts ('2016年安排')."""
from __future__ import annotations

import re

from .deadlines import parse_deadline
from .records import TaskRecord

_N = r"(?:\d{1,3}|[一二三四五六七八九十两半]{1,3})"
_YEAR = r"(?:19|20)\d\d\s*年\s*"
_MONTH = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*月(?:份)?\s*"
_DAY = r"\d{1,2}\s*日\s*"
_BEFORE = r"(?:之前|以前|前)"
_DONE = r"(?=(?:全面|基本|全部|如期)?(?:完成|建成|实现|落实到位))"
# Each pattern's whole match is the minimal phrase; the first match in the statement wins.
_PATTERNS = (
    # 2019年6月底前 / 2019年底前 / 2010年9月20日前 / 2020年前 / 6月底前 / 1月20日前 / 今年底前
    re.compile(rf"(?:{_YEAR}(?:{_MONTH})?|{_MONTH})(?:{_DAY}|底|末|中旬|上旬|下旬)?{_BEFORE}|(?:今|明|本|当)?年(?:底|末){_BEFORE}"),
    # 到2020年 / 到2020年底 / 至2020年6月底
    re.compile(rf"[到至]\s*{_YEAR}(?:{_MONTH})?(?:底|末)?"),
    # 5年内 / 三年内 / 6个月内 / 2020年内 / 年内完成
    re.compile(rf"(?<!\d){_N}\s*(?:个)?\s*(?:年|月)内|{_YEAR}内|(?<![\d一二三四五六七八九十两半个近])(?:今)?年内{_DONE}"),
    # 在本意见印发之日起30日内 (its anchor back to 在/自/从/于 is part of the phrase)
    re.compile(rf"(?:[在自从于][^，,。；;：:（）()]{{0,24}}?)?(?:之日|日)起\s*{_N}\s*(?:个)?\s*(?:工作日|日|天|月|年)内"),
    # 2020年完成 / 2020年底建成 / 6月底完成: a time followed directly by a completion verb
    re.compile(rf"(?:{_YEAR}(?:{_MONTH})?|{_MONTH})(?:{_DAY}|底|末)?{_DONE}"),
)
# A time that is not a completion time, by what is written just before it in its clause.
_FREQUENCY = re.compile(r"每(?:年|季|季度|月|半年|周|个月)|次年|上年|逐年")
_NOT_A_DEADLINE_BEFORE = re.compile(r"(?:比|较|与|同|截至|截止|近|过去|最近)\s*$")
# …, or by what follows it: a period of a sanction or benefit (3年内不得…), an attribute (2000年以前建成的), an amount.
_NOT_A_DEADLINE_AFTER = re.compile(
    r"\s*(?:不得|不予|禁止|不能|不再|享受|有效|(?:建成|建设|竣工|出生|注册|成立|投产|登记|发生|购买|购置)?的"
    r"|(?:全面|基本)?完成[^，,。；;]{0,12}[亿万]元)")
_CLAUSE_END = re.compile(r"[，,。；;：:！!？?\n]")


def _clause_before(text: str, start: int) -> str:
    """The part of the match's clause written before it (a frequency or a comparison shows there)."""
    cut = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    return text[cut:start]


def _is_deadline(text: str, match: re.Match[str]) -> bool:
    """A completion time, not a frequency, base year, fact or the end of a validity period ('1月1日至/到…')."""
    before = _clause_before(text, match.start())
    if _FREQUENCY.search(before) or _NOT_A_DEADLINE_BEFORE.search(before):
        return False
    after = _NOT_A_DEADLINE_AFTER.match(text, match.end())
    if after and not (after.group().lstrip().startswith(("完成", "全面", "基本")) and match.group()[-1] in "前内"):
        return False
    if match.group()[0] in "到至" and re.search(r"(?:[年月日]|截)\s*$", before):   # 1月1日到2020年…, 截至2022年底
        return False
    return True


def _anchored(phrase: str) -> str:
    """'于2019年6月底前' → '2019年6月底前'; '在本意见印发之日起30日内' keeps its anchor (the event it counts from)."""
    if "日起" in phrase:
        anchors = [m.start() for m in re.finditer(r"[在自从]", phrase)]
        return phrase[anchors[-1]:] if anchors else phrase.lstrip("于")
    return phrase


def statement_deadline(text: str) -> str:
    """The first completion time written in a statement, as its minimal phrase; '' when it states none."""
    found: list[tuple[int, str]] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if _is_deadline(text, match):
                found.append((match.start(), _anchored(match.group().strip())))
                break
    return min(found)[1] if found else ""


def add_statement_deadlines(tasks: list[TaskRecord]) -> None:
    """Give each duty without a deadline cell or bracket the completion time its statement writes."""
    for task in tasks:
        if task.deadline is None:
            phrase = statement_deadline(task.text)
            if phrase:
                task.deadline = parse_deadline(phrase)
