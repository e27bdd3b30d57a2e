"""What a government document says about itself at its head and foot: title, issuing body and its level
(市/区/县), document number (安城创〔2020〕1号) and date.

Text extracted from a PDF often loses the 〔〕 and 号 of a document number (`安城创 2020 1`); the number is
written back in its standard form. Numbers cited in the body (（中办发〔2018〕1 号）) are not the document's own:
only a line that holds nothing else, near the head, counts."""
from __future__ import annotations

import re
from dataclasses import dataclass

_HEAD_LINES = 60
_DOC_NUMBER = re.compile(
    r"^(?P<org>[\u4e00-\u9fff]{1,10})\s*(?:[〔［\[【(（]\s*(?P<y1>\d{4})\s*[〕］\]】)）]|(?P<y2>\d{4})\s)\s*(?P<n>\d{1,4})\s*号?$"
)
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_DATE = re.compile(r"^(?P<y>\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\s*月"
                   r"\s*(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日$")
_TITLE_END = re.compile(r"(方案|计划|意见|规划|办法|通知|分工表|分解表|清单|要点|措施|细则)$")
_PLACE = re.compile(r"^(?:[\u4e00-\u9fff]{2,4}?(?:省|自治区))?(?:(?P<city>[\u4e00-\u9fff]{2,4}?市))?(?:(?P<county>[\u4e00-\u9fff]{1,4}?(?:区|县|旗)))?")
_SKIP = re.compile(r"^(附\s*件|各.+[：:]$|抄送|（此件|此件)|文件$")


@dataclass(frozen=True)
class DocumentMeta:
    title: str = ""
    issuer: str = ""
    issuer_level: str = ""
    doc_number: str = ""
    date: str = ""


def read_metadata(text: str) -> DocumentMeta:
    lines = [line.strip() for line in text.split("\n")]
    head = [line for line in lines if line][:_HEAD_LINES]
    issuer = _issuer(head, lines)
    return DocumentMeta(
        title=title_from_text(lines),
        issuer=issuer,
        issuer_level=level_of_body(issuer),
        doc_number=next((n for n in map(doc_number, head) if n), ""),
        date=_date(lines),
    )


def doc_number(line: str) -> str:
    """'安城创〔2020〕1号' or '安城创 2020 1' → '安城创〔2020〕1号'; '' for any other line."""
    match = _DOC_NUMBER.match(line.strip())
    if not match:
        return ""
    return f"{match.group('org')}〔{match.group('y1') or match.group('y2')}〕{int(match.group('n'))}号"


def iso_date(line: str) -> str:
    """'2020年10月15日' or '二〇二〇年十月十五日' → '2020-10-15'; '' for any other line."""
    match = _DATE.match(re.sub(r"\s+", "", line))
    if not match:
        return ""
    year, month, day = (_number(match.group(k)) for k in ("y", "m", "d"))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}"


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if len(text) == 4:
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    tens, _, ones = text.partition("十")
    if "十" not in text:
        return _CN_DIGITS[text]
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def level_of_body(name: str) -> str:
    """The level of a government body from its name: 西安市临潼区… → 区, 成都市人民政府 → 市, 县应急局 → 县."""
    if not name:
        return ""
    if name[0] in "市区县":
        return name[0]
    match = _PLACE.match(name)
    if match and match.group("county"):
        return match.group("county")[-1]
    if match and match.group("city"):
        return "市"
    return ""


def _issuer(head: list[str], lines: list[str]) -> str:
    """The 文件 header line, else the sender of a 关于印发《…》的通知, else the signature above the closing date."""
    for line in head:
        compact = re.sub(r"\s+", "", line)
        if compact.endswith("文件") and len(compact) > 4:
            return compact[:-2]
    for index, line in enumerate(head):
        compact = re.sub(r"\s+", "", line)
        if "关于印发" in compact:
            before = compact[: compact.index("关于印发")] or (re.sub(r"\s+", "", head[index - 1]) if index else "")
            if before and len(before) <= 40 and not doc_number(before):
                return before
    for index, line in enumerate(lines):
        if iso_date(line) and index > 0:
            above = next((x for x in reversed(lines[:index]) if x), "")
            if re.search(r"(政府|办公室|办公厅|委员会|领导小组|指挥部|局|委)$", above):
                return re.sub(r"\s+", "", above)
    return ""


def _date(lines: list[str]) -> str:
    return next((d for d in map(iso_date, lines) if d), "")


def title_from_text(lines: list[str]) -> str:
    """印发《X》 names the plan; else the first run of short lines near the head that ends like a title
    (…实施方案, …工作计划), wrapped titles re-joined."""
    head = [line.strip() for line in lines if line.strip()][:_HEAD_LINES]
    joined = "".join(head)
    match = re.search(r"印发[《<〈](.+?)[》>〉]", joined)
    if match:
        return re.sub(r"\s+", "", match.group(1))
    run: list[str] = []
    for line in head:
        if doc_number(line) or iso_date(line) or _SKIP.search(line) or len(line) > 40 or line.endswith(("。", "；", "：")):
            run = []
            continue
        run.append(line)
        candidate = "".join(run)
        if _TITLE_END.search(candidate):
            return candidate
        if len(run) > 3:
            run = run[1:]
    return ""


def place_of(name: str) -> str:
    """The place a name starts with: 西安市临潼区国家安全… → 西安市临潼区; '' when it names none."""
    match = _PLACE.match(name)
    return match.group(0) if match and (match.group("city") or match.group("county")) else ""
