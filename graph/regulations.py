"""Citations: titles in 《》 (with nested 〈〉 or <> titles, broken lines re-joined by the loader) and document
numbers such as 安委〔2019〕5号, linked to the title they follow. One node per regulation across plans."""
from __future__ import annotations

import re
from dataclasses import dataclass

_TITLE = re.compile(r"《((?:[^《》]|《[^《》]*》)+)》")
_NUMBER = re.compile(
    r"(?P<org>[\u4e00-\u9fff]{1,12}?)\s*[〔\[［【(（]\s*(?P<year>(?:19|20)\d{2})\s*[〕\]］】)）]\s*(?P<no>\d{1,4})\s*号"
)
_INNER_OPEN = str.maketrans({"<": "〈", ">": "〉", "＜": "〈", "＞": "〉"})
_PREFIX = re.compile(r"^中华人民共和国")


@dataclass(frozen=True)
class Citation:
    key: str              # identity: normalised title, or the number when no title is given
    title: str | None     # normalised title (〈〉 inside, single spaces)
    number: str | None    # normalised number: 安委〔2019〕5号
    written: str          # as it appears in the duty


def normalise_title(title: str) -> str:
    return " ".join(title.translate(_INNER_OPEN).split())


def title_key(title: str) -> str:
    """《安全生产法》 and 《中华人民共和国安全生产法》 are one law; spacing never matters."""
    return _PREFIX.sub("", re.sub(r"\s+", "", normalise_title(title)))


def normalise_number(match: re.Match[str]) -> str:
    org = match.group("org")
    org = re.sub(r"^(?:关于|按照|根据|符合|依据|的通知|通知)", "", org)
    return f"{org}〔{match.group('year')}〕{int(match.group('no'))}号"


def find_citations(text: str) -> list[Citation]:
    """Titles and numbers in order. A number right after a title (《…》（安委〔2019〕5 号）) belongs to it;
    after 《…》的通知（…号） it is the number of the unnamed notice that issued the title: its own node."""
    citations: list[Citation] = []
    seen: set[str] = set()
    used_numbers: set[int] = set()
    for m in _TITLE.finditer(text):
        title = normalise_title(m.group(1))
        tail = text[m.end(): m.end() + 30]
        number = None
        nm = _NUMBER.search(tail)
        if nm and re.fullmatch(r"\s*[（(]?\s*", tail[: nm.start()]):
            number = normalise_number(nm)
            used_numbers.add(m.end() + nm.start())
        key = title_key(title)
        if key and key not in seen:
            seen.add(key)
            citations.append(Citation(key, title, number, m.group(0)))
    for nm in _NUMBER.finditer(text):
        if nm.start() in used_numbers or any(nm.start() == u for u in used_numbers):
            continue
        if _inside_title(text, nm.start()):
            continue
        number = normalise_number(nm)
        if number not in seen:
            seen.add(number)
            citations.append(Citation(number, None, number, nm.group(0)))
    return citations


def _inside_title(text: str, pos: int) -> bool:
    return text.rfind("《", 0, pos) > text.rfind("》", 0, pos)
