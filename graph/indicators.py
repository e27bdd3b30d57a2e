"""Quantitative targets: 安装率 100%, ≥95%, ＞90%, 大于1.5平方米, 不低于25%, 5分钟内, 20年一遇, 每年至少1次,
and staged targets (2019年实现60%达标，2020年实现100%达标). Several targets in one text are several indicators."""
from __future__ import annotations

import re
from dataclasses import dataclass

CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_NUM = r"(?P<value>\d+(?:\.\d+)?|[一二两三四五六七八九十])"
_WORD_OPS = [
    ("不低于", "≥"), ("不少于", "≥"), ("不小于", "≥"), ("至少", "≥"), ("大于等于", "≥"), ("以上", "≥"),
    ("不高于", "≤"), ("不超过", "≤"), ("不多于", "≤"), ("小于等于", "≤"), ("以内", "≤"), ("以下", "≤"),
    ("大于", ">"), ("超过", ">"), ("高于", ">"), ("小于", "<"), ("低于", "<"),
]
_SYMBOL_OPS = {"≥": "≥", ">=": "≥", "＞": ">", ">": ">", "≤": "≤", "<=": "≤", "＜": "<", "<": "<", "=": "=", "＝": "="}
_UNITS = r"(?P<unit>%|％|平方米|立方米|公里|千米|米|分钟|小时|秒|天|个|次|处|人|年一遇)"
_PREFIX_OP = r"(?P<wop>不低于|不少于|不小于|大于等于|小于等于|不高于|不超过|不多于|大于|超过|高于|小于|低于|至少)?"
_SYM = r"(?P<sop>≥|>=|＞|>|≤|<=|＜|<|=|＝)?"
_TARGET = re.compile(
    r"(?P<year>(?:19|20)\d{2})?\s*(?:年)?"
    r"(?P<metric>[\u4e00-\u9fffA-Za-z“”\"]{0,20}?)\s*(?:达到|达|为|至|提升至|提高到|控制在|保持在|应|实现)?\s*"
    + _PREFIX_OP + r"\s*" + _SYM + r"\s*" + _NUM + r"\s*" + _UNITS
    + r"(?P<after>以上|以内|以下|及以上)?"
)
_PER_YEAR = re.compile(r"每年(?:至少|不少于)?(?:组织|开展|举办)?\s*(?P<value>\d+|[一二两三四五六七八九十])\s*(?:次|项)")
_YEARS_EVENT = re.compile(r"(?P<value>\d+(?:\.\d+)?)\s*年一遇")


@dataclass(frozen=True)
class Target:
    metric: str
    op: str
    value: float
    unit: str
    text: str
    year: int | None = None


def _value(text: str) -> float:
    return float(CN_DIGITS.get(text, text)) if text in CN_DIGITS else float(text)


def _clean_metric(metric: str, after: str) -> str:
    """The noun phrase before the value: cut at the last connector (及/和/与), drop verbs around it."""
    metric = re.sub(r"(?:的|达到|达|为|应|至|实现|基本)+$", "", metric)
    for connector in "及和与":
        head, sep, tail = metric.rpartition(connector)
        if sep and len(tail) >= 3:
            metric = tail
    metric = re.sub(r"^(?:且|并|其中|确保|保证|实现|使|将|均|全部)+", "", metric)
    if not metric and after.startswith("达标"):
        return "达标率"
    return metric


def find_targets(text: str) -> list[Target]:
    """Every quantitative target in `text`, left to right, each with its exact source phrase."""
    found: list[Target] = []
    taken: list[tuple[int, int]] = []
    for m in _PER_YEAR.finditer(text):
        found.append(Target("每年次数", "≥", _value(m.group("value")), "次/年", m.group(0)))
        taken.append(m.span())
    for m in _TARGET.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        unit = m.group("unit").replace("％", "%")
        op = "="
        if m.group("sop"):
            op = _SYMBOL_OPS[m.group("sop")]
        elif m.group("wop"):
            op = dict(_WORD_OPS)[m.group("wop")]
        after = m.group("after")
        if after in ("以上", "及以上"):
            op = "≥"
        elif after in ("以内", "以下"):
            op = "≤"
        if unit == "年一遇" and op == "=":
            op = "≥"
        tail = text[m.end(): m.end() + 1]
        if unit == "分钟" and tail == "内":
            op = "≤"
        metric = _clean_metric(m.group("metric") or "", text[m.end(): m.end() + 4])
        if unit == "次" and not metric:
            continue
        year_text = m.group("year")
        year = int(year_text) if year_text and re.match(r"\s*年", text[m.start() + 4: m.start() + 6]) else None
        phrase = text[m.start(): m.end() + (1 if tail == "内" and unit == "分钟" else 0)].strip()
        found.append(Target(metric, op, _value(m.group("value")), unit, phrase, year))
        taken.append(m.span())
    return found
