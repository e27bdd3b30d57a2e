"""How well documents are read, against hand labels (tests/realdocs/<id>.labels.json): per document and overall,
unit F1 (the units of each duty), lead accuracy and deadline accuracy.

Predicted duties are matched to labelled ones by item number and opening words (or, failing that, the line).
A labelled unit is compared after the label's own prefix or suffix expansion (`prefix_expanded`: 国土房管局 → 市国土房管局;
`suffix_expanded`: 公安 → 公安部门, from `公安、交通运输部门`; a predicted short form is expanded the same way).
Run: `python -m dutygraph.loaders.scoring tests/realdocs`; `--misses` prints, per document, every labelled duty
read wrong (units, lead or deadline), every one not found and every duty found that no label matches."""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from .detect import read_document
from .errors import LoadError
from .preview import lead_of
from .records import TaskRecord


@dataclass
class Score:
    document: str
    labelled: int = 0
    predicted: int = 0
    matched: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    lead_right: int = 0
    deadline_right: int = 0
    error: str = ""

    @property
    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp + self.fp + self.fn else 1.0

    @property
    def lead_accuracy(self) -> float:
        return self.lead_right / self.labelled if self.labelled else 1.0

    @property
    def deadline_accuracy(self) -> float:
        return self.deadline_right / self.labelled if self.labelled else 1.0

    def add(self, other: Score) -> None:
        for name in ("labelled", "predicted", "matched", "tp", "fp", "fn", "lead_right", "deadline_right"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _number_key(number: object) -> str:
    return re.sub(r"[\s（()）、.．﹒]", "", str(number or ""))


def _compact(text: str) -> str:
    return re.sub(r"[\s，,。；;：:“”\"]", "", text or "")


def _matches(label: dict, task: TaskRecord) -> bool:
    number = _number_key(task.raw.get("label") or task.number)
    start = _compact(label.get("text_start", ""))[:8]
    labelled = str(label.get("number") or "")
    # nested numbering is joined with '.' (一.(一).1); a row numbered by its own counter matches the last part
    same_number = _number_key(labelled) in ("", number) or _number_key(labelled.split(".")[-1]) == number
    if start and _compact(task.text).startswith(start):
        return True
    line = label.get("line")
    return bool(same_number and line and task.lines[0] <= int(line) <= task.lines[1])


def _expanded(label: dict, names: list[str]) -> list[str]:
    mapping = {**(label.get("prefix_expanded") or {}), **(label.get("suffix_expanded") or {})}
    return [mapping.get(n, n) for n in names]


def score_document(text_path: Path, labels: dict) -> Score:
    score = Score(text_path.stem, labelled=len(labels.get("duties", [])))
    try:
        tasks = read_document(text_path).tasks
    except LoadError as exc:
        tasks, score.error = [], exc.message[:60]
    score.predicted = len(tasks)
    free = list(tasks)
    for label in labels.get("duties", []):
        gold = set(_expanded(label, label.get("lead", []) + label.get("co", []) + label.get("collective", [])))
        task = next((t for t in free if _matches(label, t)), None)
        if task is None:
            score.fn += len(gold)
            continue
        free.remove(task)
        score.matched += 1
        shared = label.get("suffix_expanded") or {}
        got = {shared.get(n, n) for n in task.departments + task.collective_units}
        score.tp, score.fp, score.fn = score.tp + len(got & gold), score.fp + len(got - gold), score.fn + len(gold - got)
        score.lead_right += {shared.get(n, n) for n in lead_of(task)} == set(_expanded(label, label.get("lead", [])))
        written = _compact(task.deadline.raw if task.deadline else "")
        score.deadline_right += written == _compact(label.get("deadline") or "")
    score.fp += sum(len(t.departments + t.collective_units) for t in free)
    return score


def score_folder(folder: Path) -> list[Score]:
    scores = []
    for labels_path in sorted(folder.glob("*.labels.json")):
        text_path = labels_path.with_name(labels_path.name.replace(".labels.json", ".txt"))
        if text_path.exists():
            scores.append(score_document(text_path, json.loads(labels_path.read_text(encoding="utf-8"))))
    return scores


def overall(scores: list[Score]) -> Score:
    total = Score("overall")
    for score in scores:
        total.add(score)
    return total


def table(scores: list[Score]) -> str:
    rows = ["| document | labelled | predicted | matched | unit F1 | lead acc. | deadline acc. | note |", "|---|---|---|---|---|---|---|---|"]
    for s in [*scores, overall(scores)]:
        rows.append(f"| {s.document} | {s.labelled} | {s.predicted} | {s.matched} | {s.f1:.2f} | {s.lead_accuracy:.2f} "
                    f"| {s.deadline_accuracy:.2f} | {s.error} |")
    return "\n".join(rows)


def misses(text_path: Path, labels: dict) -> list[str]:
    """One line per difference from the labels, to see what a figure is made of."""
    try:
        tasks = read_document(text_path).tasks
    except LoadError as exc:
        return [f"refused: {exc.message[:100]}"]
    free, out = list(tasks), []
    for label in labels.get("duties", []):
        where = f"{label.get('number')} line {label.get('line')} {label.get('text_start', '')[:12]}"
        task = next((t for t in free if _matches(label, t)), None)
        if task is None:
            out.append(f"not found: {where}")
            continue
        free.remove(task)
        shared = label.get("suffix_expanded") or {}
        gold = set(_expanded(label, label.get("lead", []) + label.get("co", []) + label.get("collective", [])))
        got = {shared.get(n, n) for n in task.departments + task.collective_units}
        lead, gold_lead = {shared.get(n, n) for n in lead_of(task)}, set(_expanded(label, label.get("lead", [])))
        written = task.deadline.raw if task.deadline else ""
        if got != gold:
            out.append(f"units: {where}: extra {sorted(got - gold)}, missing {sorted(gold - got)}")
        if lead != gold_lead:
            out.append(f"lead: {where}: {sorted(lead)} for {sorted(gold_lead)}")
        if _compact(written) != _compact(label.get("deadline") or ""):
            out.append(f"deadline: {where}: {written or None!r} for {label.get('deadline')!r}")
    return out + [f"no label: line {t.lines[0]} {t.text[:20]} {t.departments + t.collective_units}" for t in free]


def _print_misses(folder: Path) -> None:  # pragma: no cover - a command for people
    for labels_path in sorted(folder.glob("*.labels.json")):
        text_path = labels_path.with_name(labels_path.name.replace(".labels.json", ".txt"))
        if text_path.exists():
            for line in misses(text_path, json.loads(labels_path.read_text(encoding="utf-8"))):
                print(f"{text_path.stem}: {line}")


if __name__ == "__main__":  # pragma: no cover - a command for people
    arguments = [a for a in sys.argv[1:] if a != "--misses"]
    chosen = Path(arguments[0] if arguments else "tests/realdocs")
    print(table(score_folder(chosen)))
    if "--misses" in sys.argv[1:]:
        _print_misses(chosen)
