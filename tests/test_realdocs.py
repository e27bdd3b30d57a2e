"""The reader against real public documents of many layouts, hand-labelled by a reader who did not run the parser
(tests/realdocs/README.md): unit F1, lead accuracy and deadline accuracy per document and overall. The table is
printed by `python -m dutygraph.loaders.scoring tests/realdocs` and quoted in docs/QUALITY.md."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from dutygraph.loaders.scoring import overall, score_document, score_folder, table

REALDOCS = Path(__file__).parent / "realdocs"
LABELLED = sorted(REALDOCS.glob("*.labels.json"))
MIN_UNIT_F1 = 0.9
MIN_LEAD_ACCURACY = 0.9


@pytest.fixture(scope="module")
def scores():
    return score_folder(REALDOCS)


@pytest.mark.skipif(not LABELLED, reason="no labelled documents in tests/realdocs")
def test_overall_unit_f1_and_lead_accuracy(scores):
    total = overall(scores)
    assert total.f1 >= MIN_UNIT_F1 and total.lead_accuracy >= MIN_LEAD_ACCURACY, "\n" + table(scores)


@pytest.mark.parametrize("labels", LABELLED, ids=[p.name.split(".")[0] for p in LABELLED])
def test_document_is_scored(labels):
    """Every labelled document is read and scored; a document with no duty found shows as an error in the table."""
    score = score_document(labels.with_name(labels.name.replace(".labels.json", ".txt")),
                           json.loads(labels.read_text(encoding="utf-8")))
    assert score.labelled == len(json.loads(labels.read_text(encoding="utf-8"))["duties"])
    assert 0.0 <= score.f1 <= 1.0
