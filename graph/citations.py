"""What a plan rests on: the documents its text cites (《title》 with nested 〈〉 or <> titles, and numbers such as
安委〔2019〕5号), read from the whole text — preamble and narrative included — with titles and numbers re-joined
across line and page breaks (PDF text breaks `安委〔2019〕` / `5 号`). One record per document per plan, with every
line it is named on; `document_iri` gives one node per document across plans (the normalised number, else the
title). A document the plan orders to be written (制定《…》, 《…》立法调研) is `drafted`, the plan itself and its
drafts (its own title or number) are `self`: neither is something the plan rests on.

Task-level citations (graph/regulations.py) stay as they are; this module reuses their normalisation."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import namespaces as ns
from .regulations import _NUMBER, normalise_number, normalise_title, title_key

_TITLE = re.compile(r"《((?:[^《》\n]|《[^《》\n]*》){1,160}?)》")
_PAGE_NUMBER = re.compile(r"^\s*[-—–]*\s*\d{1,3}\s*[-—–]*\s*$")
_NUMBER_AFTER_TITLE = re.compile(r"^(?:的通知|的决定|的意见)?\s*[（(]?\s*$")
_DRAFTING = re.compile(r"(?:制定|出台|制修订|修订|编制|拟定|起草|研究制定)(?:完善)?\s*$")
_DRAFTING_AFTER = re.compile(r"^\s*(?:立法调研|[（(](?:征求意见稿|送审稿|草案)[）)])")
_LISTED_TITLES = re.compile(r"(?:《[^《》]*》\s*[、和及与]\s*)+$")   # 制定《A》、《B》: B is drafted too
_STAGE = re.compile(r"[（(](?:征求意见稿|送审稿|草案|试行)[）)]$")
# Named without 《》 or number, after a word that says the plan follows it (参照中央五大领域执法队伍改革意见):
# only when the name starts with the issuing level and ends with a kind of document.
_INFORMAL = re.compile(
    r"(?:按照|根据|依据|参照|依照|贯彻落实|贯彻)((?:党中央|中央|国家|国务院|省|市)[\u4e00-\u9fff]{2,30}?"
    r"(?:意见|方案|办法|规定|决定|通知|条例|细则))")
_EMPTY_IN_TITLES = re.compile(r"工作|\s")     # 创建工作实施方案 = 创建实施方案


@dataclass(frozen=True)
class PlanCitation:
    """One document a plan names: title as first written (without 《》), normalised number, lines it is named on."""
    title: str | None
    number: str | None
    number_as_written: str | None
    lines: tuple[int, ...]
    role: str                      # cited | drafted | self
    informal: bool = False         # named without 《》 and without a number

    @property
    def key(self) -> str:
        return self.number or title_key(self.title or "")


@dataclass
class _Mention:
    title: str | None
    number: str | None
    written: str | None
    lines: set[int] = field(default_factory=set)
    drafted: bool = False
    informal: bool = False


def document_iri(citation: PlanCitation) -> str:
    """The same document cited by two plans is one node, and the same node as the dg:Regulation a duty cites
    (graph/build.py): keyed by its number, else by its title."""
    return f"{ns.ID}regulation/{ns.slug(citation.key)}"


def joined_lines(text: str) -> tuple[str, list[int]]:
    """The text with its lines joined (blank and page-number lines dropped, each line stripped), and the
    1-based source line of every character, so a title broken over lines is matched as one."""
    chars: list[str] = []
    lines: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or _PAGE_NUMBER.match(line):
            continue
        chars.append(line)
        lines += [number] * len(line)
    return "".join(chars), lines


def find_plan_citations(text: str, plan_title: str = "", plan_number: str = "") -> list[PlanCitation]:
    """Every document the text names, in order of first mention, one record per document."""
    joined, line_of = joined_lines(text)
    mentions = _titled(joined, line_of) + _informal(joined, line_of)
    merged = _merge(mentions)
    own_title = _own(plan_title)
    out: list[PlanCitation] = []
    itself: PlanCitation | None = None
    for m in merged:
        if (m.title and own_title and _own(m.title) == own_title) or (m.number and m.number == plan_number):
            lines = set(m.lines) | set(itself.lines if itself else ())
            itself = PlanCitation(plan_title or m.title, plan_number or m.number, m.written, tuple(sorted(lines)), "self")
            continue
        out.append(PlanCitation(m.title, m.number, m.written, tuple(sorted(m.lines)), "drafted" if m.drafted else "cited",
                                m.informal))
    return out + ([itself] if itself else [])


def _lines(line_of: list[int], start: int, end: int) -> set[int]:
    return set(line_of[start:end])


def _titled(joined: str, line_of: list[int]) -> list[_Mention]:
    out = []
    for m in _TITLE.finditer(joined):
        title = normalise_title(m.group(1))
        mention = _Mention(title, None, None, _lines(line_of, m.start(), m.end()))
        tail = joined[m.end(): m.end() + 40]
        nm = _NUMBER.search(tail)
        if nm and _NUMBER_AFTER_TITLE.match(tail[: nm.start()]):
            mention.number = re.sub(r"^原", "", normalise_number(nm))
            mention.written = nm.group(0)
            mention.lines |= _lines(line_of, m.end() + nm.start(), m.end() + nm.end())
        before = _LISTED_TITLES.sub("", joined[max(0, m.start() - 200): m.start()])
        mention.drafted = bool(_DRAFTING.search(before[-8:]) or _DRAFTING_AFTER.match(tail))
        out.append(mention)
    return out


def _informal(joined: str, line_of: list[int]) -> list[_Mention]:
    out = []
    for m in _INFORMAL.finditer(joined):
        if joined.rfind("《", 0, m.start(1)) > joined.rfind("》", 0, m.start(1)):
            continue                                   # inside a title
        out.append(_Mention(m.group(1), None, None, _lines(line_of, m.start(1), m.end(1)), informal=True))
    return out


def _merge(mentions: list[_Mention]) -> list[_Mention]:
    """One mention per document: a title once given with its number keeps it (《…办法》（安委〔2019〕5号） and
    later 《…办法》 are one), a draft-stage title (（征求意见稿）) is its document, and an informal mention of a
    bracketed title joins it."""
    number_of = {_key(m.title): m.number for m in mentions if m.title and m.number}
    merged: dict[str, _Mention] = {}
    for m in mentions:
        key = m.number or number_of.get(_key(m.title or "")) or _key(m.title or "")
        held = merged.get(key)
        if held is None:
            merged[key] = _Mention(_STAGE.sub("", m.title) if m.title else None, m.number or number_of.get(
                _key(m.title or "")), m.written, set(m.lines), m.drafted, m.informal)
            continue
        held.lines |= m.lines
        held.drafted = held.drafted or m.drafted
        held.informal = held.informal and m.informal
        held.number, held.written = held.number or m.number, held.written or m.written
        if held.title is None or (m.title and not m.informal and held.informal):
            held.title = _STAGE.sub("", m.title) if m.title else held.title
    return list(merged.values())


def _key(title: str) -> str:
    return title_key(_STAGE.sub("", title))


def _own(title: str) -> str:
    return _EMPTY_IN_TITLES.sub("", _key(title)) if title else ""
