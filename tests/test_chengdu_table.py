"""The Chengdu task table (tab-separated Word export), against hand-labelled rows from every page block."""
from __future__ import annotations

import pytest
from conftest import gold_rows

GOLD = gold_rows("chengdu_rows.json")


def _compact(text):
    return None if text is None else "".join(text.split())


def test_counts(chengdu):
    assert len(chengdu.tasks) == 288
    assert [t.number for t in chengdu.tasks] == list(range(1, 289))
    assert {t.kind for t in chengdu.tasks} == {"task"}


def test_metadata(chengdu):
    assert chengdu.title == "国家安全发展示范城市建设任务分工表"
    assert chengdu.jurisdiction == "成都市"
    assert chengdu.level == "市"


def test_known_gaps(chengdu):
    by_number = {t.number: t for t in chengdu.tasks}
    assert by_number[29].text == "" and by_number[29].requirements
    assert by_number[42].deadline is None
    assert by_number[210].deadline is None
    assert by_number[43].requirements == ""
    assert by_number[41].text.endswith("制度或办。")   # the truncated cell is kept as written
    assert by_number[14].deadline.ongoing is True


def test_p_fragments_become_lines(chengdu):
    task = chengdu.tasks[128]
    assert "<p>" not in task.text and task.text.count("\n") == 5
    assert task.departments == ["市交通运输局", "市消防救援支队"]


@pytest.mark.parametrize("row", GOLD, ids=lambda r: f"row-{r['number']}")
def test_row_matches_hand_reading(chengdu, row):
    task = chengdu.tasks[row["number"] - 1]
    expected = []
    for name in row["departments"]:
        name = chengdu.variants.get(name, name)
        if name not in expected:
            expected.append(name)
    assert task.departments == expected
    assert task.collective_units == row["collective_units"]
    assert task.open_ended == row["open_ended"]
    assert _compact(task.deadline.raw if task.deadline else None) == _compact(row["deadline_raw"])
    assert _compact(task.text).startswith(_compact(row["text_start"]))
    assert _compact(task.text).endswith(_compact(row["text_end"]))
    assert task.lines == (row["first_line"], row["last_line"])


def test_two_spellings_of_one_department(chengdu):
    assert chengdu.variants == {"市公安局交管局": "市公安交管局"}
    assert chengdu.tasks[149].departments == ["市公安交管局"]
