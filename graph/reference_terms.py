"""Reference document frequencies for alignment's term weights: how many of the bundled sample plans' duties
(data/samples, the duties alignment compares) contain each content token.

Why not count over the plans in the store, as TF-IDF usually does: then every load shifts every weight a
little, every score in every plan's alignment graph moves in its third decimal, and one more plan in a store
of 500 rewrote all 500 alignment graphs (3 million triples, 11 GB, 10 minutes). With fixed weights a score
depends on the two duties alone. The samples are a city's and a district's table of the same campaign, the
genre users bring; a token they never use weighs as the rarest token (it tells most).

The frequencies ship as reference_terms.json beside this module. Regenerate after changing the samples,
the tokenizer or the vocabulary (a test fails until you do):
    python -m dutygraph.graph.reference_terms > graph/reference_terms.json
"""
from __future__ import annotations

import json
from collections import Counter
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

SAMPLES = ("chengdu_task_table.txt", "lintong_plan.txt")


@cache
def reference_frequencies() -> tuple[int, dict[str, int]]:
    """(number of reference duties, duties containing each token), as shipped."""
    data = json.loads(resources.files(__package__).joinpath("reference_terms.json").read_text(encoding="utf-8"))
    return data["documents"], data["frequency"]


def measure(tasks: list[dict[str, Any]]) -> dict[str, Any]:
    """The reference table for `tasks` (duty dicts as alignment reads them)."""
    from .alignment import documents

    _, docs = documents(tasks)
    frequency: Counter[str] = Counter()
    for doc in docs:
        frequency.update(set(doc))
    return {"documents": len(docs), "frequency": dict(sorted(frequency.items()))}


def measure_samples(folder: Path) -> dict[str, Any]:
    """Load the sample documents into a throw-away store and measure their duties as a load would read them."""
    import pyoxigraph as ox

    from .analysis import cross_plan_inputs
    from .load import load_files

    store = ox.Store()
    load_files(store, [folder / name for name in SAMPLES], analyse=False)
    return measure(cross_plan_inputs(store))


def render(table: dict[str, Any]) -> str:
    return json.dumps(table, ensure_ascii=False, indent=0, sort_keys=True) + "\n"


if __name__ == "__main__":
    import sys

    root = Path(__file__).resolve().parents[1]
    sys.stdout.write(render(measure_samples(root / "data" / "samples")))
