"""The records every loader produces and the graph builder consumes (document → records → graph)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Deadline:
    """A 完成时限 cell: the raw text plus ISO year / year-month / date bounds where it has them."""

    raw: str
    start: str | None = None
    end: str | None = None
    ongoing: bool = False


@dataclass
class TaskRecord:
    """One numbered duty (kind task), narrative measure (kind measure) or schedule item (kind schedule)."""

    kind: str
    number: int
    text: str
    requirements: str = ""
    section: str | None = None
    departments: list[str] = field(default_factory=list)        # concrete units, lead first, canonical within the plan
    collective_units: list[str] = field(default_factory=list)   # placeholders such as 各街办, 市级各相关部门
    open_ended: bool = False                                     # the list ended with 等相关部门 …
    units_raw: str = ""                                          # the responsibility cell as written
    persons: list[str] = field(default_factory=list)             # responsible people (牵头领导 …): never units
    deadline: Deadline | None = None
    file: str = ""
    lines: tuple[int, int] = (0, 0)
    raw: dict[str, str] = field(default_factory=dict)            # raw cell texts by column meaning


@dataclass
class PlanRecord:
    """One document: its metadata, its sections in order and its records."""

    plan_id: str
    title: str
    file: str
    layout: str
    jurisdiction: str = ""
    level: str = ""
    issuer: str = ""              # the issuing body as the document names it (its 文件 header or signature)
    issuer_level: str = ""        # 市, 区 or 县, from the issuer's name
    doc_number: str = ""          # 发文字号 in standard form: 安城创〔2020〕1号
    date: str = ""                # date of issue, ISO YYYY-MM-DD
    tasks: list[TaskRecord] = field(default_factory=list)
    sections: list[tuple[str, str]] = field(default_factory=list)   # (kind, title) in document order
    variants: dict[str, str] = field(default_factory=dict)          # variant spelling -> canonical name in this plan
    warnings: list[str] = field(default_factory=list)
    text: str = ""              # the document's text as read (the plan's citations are found in its preamble and narrative)
