"""完成时限 cells: recognising a deadline line in wrapped PDF text, and parsing one into ISO bounds."""
from __future__ import annotations

import re

from .records import Deadline

# Phrases used instead of a date. 长期 / 持续 / 常态化 mean the duty never ends (ongoing).
ONGOING_WORDS = ("长期", "持续推进", "持续", "常态化", "常态", "长效", "每年")
OTHER_WORDS = ("规划水平年", "按照国家确定", "时间实施", "按国家要求", "待定", "全年", "年内", "年底前", "上半年", "下半年")

_DATE_CHARS = re.compile(r"^[0-9年月日前底以内至到\-—–－~～/.]+$")
_RANGE_SPLIT = re.compile(r"[-—–－~～至到]")
_POINT = re.compile(r"(?P<y>\d{4})\s*年?(?:(?P<m>\d{1,2})\s*月)?(?:(?P<d>\d{1,2})\s*日)?")
_YM_SLASH = re.compile(r"(?P<y>\d{4})[./](?P<m>\d{1,2})(?:[./](?P<d>\d{1,2}))?")


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def is_deadline_text(text: str) -> bool:
    """True for a line that can only be (part of) a deadline cell: dates, ranges, 长期, 规划水平年 …"""
    compact = re.sub(r"(?<=[前底])完成$|(?<=月)份$", "", _compact(text))     # 2018年3月底前完成, 1月份
    if not compact:
        return False
    if any(compact == w or compact.startswith(w) and len(compact) <= len(w) + 4 for w in ONGOING_WORDS + OTHER_WORDS):
        return True
    if not _DATE_CHARS.match(compact):
        return False
    # 716日前: a page that lost its 月 still gives a date (the day count alone, 15日, is not one)
    has_day = re.search(r"\d日(?:前|以前|至|到|$)", compact) and len(re.findall(r"\d", compact)) >= 3
    bare_quantity = re.fullmatch(r"\d{1,3}", compact) or re.fullmatch(r"\d{4}", compact) and not re.fullmatch(r"(?:19|20)\d\d", compact)
    return bool(re.search(r"\d{4}|年|月", compact) or has_day) and not bare_quantity     # 2200 (水窖) is no year


_TRAILING = re.compile(
    r"(?P<deadline>(?:\d{4}\s*年(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*日)?\s*(?:底前|以前|前)?"
    r"(?:\s*[-—–－~～至]\s*(?:\d{4}\s*年?)?(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*日)?\s*(?:底前|以前|前)?)?"
    r"|长期))\s*$"
)


def split_trailing_deadline(line: str) -> tuple[str, str | None]:
    """'区应急管理局 2020 年-2021 年' → ('区应急管理局', '2020 年-2021 年'). Needs whitespace before the date."""
    match = _TRAILING.search(line)
    if not match or match.start() == 0:
        return line, None
    head = line[: match.start()]
    if not head or not head[-1].isspace():
        return line, None
    return head.rstrip(), match.group("deadline").strip()


_LEADING = re.compile(r"^\s*(?P<deadline>\d{4}\s*年(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*日)?\s*(?:底前|以前|前|底))\s*[，,]")


def leading_deadline(text: str) -> str:
    """`2009年底前，完成…`: a deadline that opens the statement (a plan that dates each item first), else ''."""
    match = _LEADING.match(text)
    return match.group("deadline") if match else ""


def _iso(y: str | None, m: str | None, d: str | None) -> str | None:
    if not y:
        return None
    if m and d:
        return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"
    if m:
        return f"{int(y):04d}-{int(m):02d}"
    return f"{int(y):04d}"


def _point(text: str, default_year: str | None = None) -> str | None:
    match = _POINT.search(text) or _YM_SLASH.search(text)
    if match:
        return _iso(match.group("y"), match.group("m"), match.group("d"))
    month = re.search(r"(?P<m>\d{1,2})\s*月(?:(?P<d>\d{1,2})\s*日)?", text)
    if month and default_year:
        return _iso(default_year, month.group("m"), month.group("d"))
    return None


def parse_deadline(raw: str | None) -> Deadline | None:
    """Parse a deadline cell. Unknown wording keeps its raw text with no bounds rather than failing."""
    if raw is None:
        return None
    text = " ".join(raw.split())
    if not text:
        return None
    compact = _compact(text)
    ongoing = any(w in compact for w in ONGOING_WORDS)
    parts = [p for p in _RANGE_SPLIT.split(compact) if p]
    if len(parts) >= 2 and re.search(r"\d", parts[0]) and re.search(r"\d", parts[-1]):
        start = _point(parts[0])
        year = start[:4] if start else None
        end = _point(parts[-1], default_year=year)
        return Deadline(raw=text, start=start, end=end, ongoing=ongoing)
    end = _point(compact)
    return Deadline(raw=text, start=None, end=end, ongoing=ongoing)
