"""How well the name classifier (graph/unit_functions.py) agrees with hand-labelled unit names of other
governments (tests/gold/unit_functions.json). A unit's functions are right when the predicted set equals the
labelled set, the labels read through the vocabulary's pref and alt labels; its level is right when equal.

    .venv/bin/python -m dutygraph.graph.unit_evaluation tests/gold/unit_functions.json
"""
from __future__ import annotations

import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .unit_functions import places_of, read_unit, split_place
from .vocabulary import vocabulary


@dataclass(frozen=True)
class UnitOutcome:
    name: str
    issuer: str
    expected_functions: frozenset[str]     # labels as labelled
    predicted_functions: frozenset[str]    # pref labels
    expected_level: str
    predicted_level: str
    function_right: bool
    level_right: bool


@dataclass
class UnitScores:
    outcomes: list[UnitOutcome] = field(default_factory=list)

    @property
    def function_accuracy(self) -> float:
        return _share(o.function_right for o in self.outcomes)

    @property
    def level_accuracy(self) -> float:
        return _share(o.level_right for o in self.outcomes)

    def by(self, key: str) -> dict[str, tuple[int, float, float]]:
        """Per labelled level (key 'level') or per labelled function ('function'): (units, function acc, level acc)."""
        groups: dict[str, list[UnitOutcome]] = defaultdict(list)
        for o in self.outcomes:
            for k in ([o.expected_level] if key == "level" else sorted(o.expected_functions)):
                groups[k].append(o)
        return {k: (len(v), _share(o.function_right for o in v), _share(o.level_right for o in v))
                for k, v in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))}


def _share(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def context_of(issuer: str, document: str) -> tuple[str, str]:
    """(jurisdiction, issuer level) as a load would know them: the issuer's place, else the title's."""
    for text in (issuer, document):
        place, level, _ = split_place(text)
        if place:
            return place, level
    return "", read_unit(issuer).level if issuer else ""


def score(units: list[dict]) -> UnitScores:
    vocab = vocabulary()
    scores = UnitScores()
    for unit in units:
        jurisdiction, level = context_of(unit.get("issuer", ""), unit.get("document", ""))
        reading = read_unit(unit["name"], level, places_of(jurisdiction))
        expected = frozenset(unit["functions"])
        wanted = {vocab.function_by_label.get(label, f"?{label}") for label in expected}
        predicted = set(reading.guess.functions)
        scores.outcomes.append(UnitOutcome(
            unit["name"], unit.get("issuer", ""), expected,
            frozenset(vocab.functions[f].label for f in predicted), unit["level"], reading.level,
            wanted == predicted, unit["level"] == reading.level))
    return scores


def report(path: Path) -> str:
    scores = score(json.loads(path.read_text(encoding="utf-8"))["units"])
    lines = [f"units {len(scores.outcomes)}: function accuracy {scores.function_accuracy:.3f}, "
             f"level accuracy {scores.level_accuracy:.3f}", "", "| level | units | function | level |", "|---|---|---|---|"]
    lines += [f"| {k} | {n} | {f:.2f} | {lv:.2f} |" for k, (n, f, lv) in scores.by("level").items()]
    lines += ["", "| function | units | function | level |", "|---|---|---|---|"]
    lines += [f"| {k} | {n} | {f:.2f} | {lv:.2f} |" for k, (n, f, lv) in scores.by("function").items()]
    wrong = [o for o in scores.outcomes if not o.function_right or not o.level_right]
    lines += ["", "wrong:"] + [f"  {o.name} [{o.issuer}] functions {sorted(o.expected_functions)} → "
                               f"{sorted(o.predicted_functions)}; level {o.expected_level} → {o.predicted_level}"
                               for o in wrong]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(Path(sys.argv[1] if len(sys.argv) > 1 else "tests/gold/unit_functions.json")))
