"""The Lintong plan (PDF-extracted text), checked against a hand-labelled reading of every table row."""
from __future__ import annotations

from collections import Counter

import pytest
from conftest import gold_rows

GOLD = gold_rows("lintong_rows.json")


def _compact(text: str | None) -> str | None:
    return None if text is None else "".join(text.split())


def test_counts(lintong):
    kinds = Counter(t.kind for t in lintong.tasks)
    assert kinds == {"task": 104, "schedule": 20, "measure": 21}
    for kind in kinds:
        numbers = [t.number for t in lintong.tasks if t.kind == kind]
        assert numbers == list(range(1, kinds[kind] + 1))


def test_metadata(lintong):
    assert lintong.title == "西安市临潼区国家安全发展示范城市创建工作实施方案"
    assert lintong.jurisdiction == "西安市临潼区"
    assert lintong.level == "区"
    assert lintong.layout == "pdf-text"


def test_sections(lintong):
    task_sections = [title for kind, title in lintong.sections if kind == "task"]
    assert len(task_sections) == 7 and task_sections[0] == "一、城市安全状况显著改善"
    measure_sections = [title for kind, title in lintong.sections if kind == "measure"]
    assert len(measure_sections) == 6 and measure_sections[-1].startswith("（六）")


def test_measures_are_the_main_tasks_not_the_principles(lintong):
    measures = [t for t in lintong.tasks if t.kind == "measure"]
    assert measures[0].text.startswith("城市安全事故指标有效控制。")
    assert measures[20].text.startswith("加强城市应急救援队伍建设。")
    assert all("坚持生命至上" not in m.text for m in measures)


@pytest.mark.parametrize("row", GOLD, ids=lambda r: f"{r['kind']}-{r['number']}")
def test_row_matches_hand_reading(lintong, row):
    task = next(t for t in lintong.tasks if t.kind == row["kind"] and t.number == row["number"])
    variants = lintong.variants
    expected_departments: list[str] = []
    for name in row["departments"]:
        name = variants.get(name, name)
        if name not in expected_departments:
            expected_departments.append(name)
    assert task.departments == expected_departments
    assert task.collective_units == row["collective_units"]
    assert task.open_ended == row["open_ended"]
    assert _compact(task.deadline.raw if task.deadline else None) == _compact(row["deadline_raw"])
    assert _compact(task.units_raw) == _compact(row["units_raw"])
    assert task.text.startswith(row["text_start"].strip()) or _compact(task.text).startswith(_compact(row["text_start"]))
    assert _compact(task.text).endswith(_compact(row["text_end"]))
    assert task.lines == (row["first_line"], row["last_line"])
    assert task.section == row["section"]


def test_unit_cell_in_the_middle_of_the_text(lintong):
    """Task 90: the PDF put its unit cell and deadline between two lines of its text."""
    task = next(t for t in lintong.tasks if t.kind == "task" and t.number == 90)
    assert task.text.endswith("覆盖率 100%。") and "专业网格划分完成率" in task.text
    assert task.collective_units == ["各街办", "各园区管委会"]


def test_units_continue_after_a_page_header(lintong):
    """Schedule 14: '办公室' comes after the repeated page header."""
    item = next(t for t in lintong.tasks if t.kind == "schedule" and t.number == 14)
    assert item.departments == ["区创建领导小组办公室"]


def test_variant_spellings_are_merged(lintong):
    assert lintong.variants.get("区生态环境临潼分局") == "生态环境临潼分局"
