"""The loaded plans as a reader chooses among them (by title and government, never by id), and the rule for
which plan a page shows: answers of different governments are never pooled unless the reader asks for all."""
from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .queries import select

ALL = "all"     # the explicit choice of every plan; pages then show a plan column


@dataclass(frozen=True)
class PlanInfo:
    id: str
    title: str
    jurisdiction: str | None
    level: str | None
    publisher: str | None
    doc_number: str | None
    tasks: int

    @property
    def label(self) -> str:
        """「成都市 · 国家安全发展示范城市建设任务分工表」: the government first, as staff name plans."""
        if self.jurisdiction and not self.title.startswith(self.jurisdiction):
            return f"{self.jurisdiction} · {self.title}"
        return self.title


def plans(store: ox.Store) -> list[PlanInfo]:
    """Every plan, ordered by jurisdiction then title (plans.rq)."""
    found = [PlanInfo(r["planId"], r["title"] or r["planId"], r["jurisdiction"], r["level"], r["publisher"],
                      r["docNumber"], int(r["tasks"] or 0)) for r in select(store, "plans")]
    return sorted(found, key=lambda p: (p.jurisdiction or "", p.title, p.id))


def chosen(available: list[PlanInfo], asked: str | None) -> str | None:
    """The plan id a page shows: the one asked for if it exists, ALL when asked, else the first plan
    (None when nothing is loaded)."""
    if asked == ALL and available:
        return ALL
    ids = [p.id for p in available]
    if asked in ids:
        return asked
    return ids[0] if ids else None
