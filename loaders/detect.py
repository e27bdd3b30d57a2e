"""Pick the parser for a document (or obey --format) and hand back one PlanRecord."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from . import pdf_text, word_table
from .errors import LoadError
from .plan_meta import finalise
from .records import PlanRecord
from .text_io import read_text

Parser = Callable[[str, str, str], PlanRecord]
LAYOUTS: dict[str, tuple[Callable[[str], bool], Parser]] = {
    "word-table": (word_table.looks_like, word_table.parse),
    "pdf-text": (pdf_text.looks_like, pdf_text.parse),
}


def plan_id_for(path: Path) -> str:
    """The plan's id is the file's stem (made IRI-safe by the graph layer): stable across runs and machines,
    and loading the same file name again replaces that plan."""
    return re.sub(r"\s+", "_", path.stem.strip()) or "plan"


def detect_layout(text: str, file: str) -> str:
    for name, (looks_like, _) in LAYOUTS.items():
        if looks_like(text):
            return name
    raise LoadError(file, "not a duty-allocation document: no task table (序号 … 责任部门) and no numbered measures found")


def parse_text(text: str, file: str, plan_id: str, layout: str | None = None) -> PlanRecord:
    layout = layout or detect_layout(text, file)
    if layout not in LAYOUTS:
        raise LoadError(file, f"unknown format {layout!r}; known: {', '.join(LAYOUTS)}")
    plan = LAYOUTS[layout][1](text, file, plan_id)
    return finalise(plan, text)


def read_document(path: str | Path, layout: str | None = None, plan_id: str | None = None) -> PlanRecord:
    """Read one document into a PlanRecord; raises LoadError naming the file (and line) on bad input."""
    path = Path(path)
    text = read_text(path)
    return parse_text(text, path.name, plan_id or plan_id_for(path), layout)
