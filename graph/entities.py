"""Entities of one duty: the facility types it concerns, the regulations it cites, its quantitative targets.
Pure text → values; the graph builder turns them into nodes."""
from __future__ import annotations

from dataclasses import dataclass

from dutygraph.loaders.records import TaskRecord

from .facilities import tag_facilities
from .indicators import Target, find_targets
from .regulations import Citation, find_citations


@dataclass(frozen=True)
class TaskEntities:
    facilities: list[tuple[str, str]]   # (concept IRI, word matched)
    citations: list[Citation]
    targets: list[Target]


def extract(task: TaskRecord) -> TaskEntities:
    """Statement and requirements are both evidence; text with no entity gives empty lists, never an error."""
    text = "\n".join(part for part in (task.text, task.requirements) if part)
    return TaskEntities(tag_facilities(text), find_citations(text), find_targets(text))
