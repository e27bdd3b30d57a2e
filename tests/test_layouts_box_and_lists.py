"""General rules written against the remaining misses of the three labelled sets, each on a small made-up text: a
table drawn with box characters whose rows span several lines, a space before a bracket or after a placeholder of
places inside one unit, `X、Y等行业主管部门`, a placeholder subject (`各乡镇(街道)要设…`) under an item's title,
a one-cell-per-line header opening with `任务项`, `街道城管中队` a placeholder, persons padded with a space."""
from __future__ import annotations

import pytest

from dutygraph.loaders.deadlines import is_deadline_text
from dutygraph.loaders.detect import parse_text
from dutygraph.loaders.preview import lead_of
from dutygraph.loaders.unit_names import split_person_names
from dutygraph.loaders.units import split_units

BOX = "\n".join([
    "附件：植树任务一览表",
    "┌──────┬─────┬───┬─────────────┐",
    "│县(市)、区│植树数量 │责任人│ 地 点 │",
    "│ │ (株) │ │ │",
    "├──────┼─────┼───┼─────────────┤",
    "│ 甲山市 │ 2200 │王小明│东坡、西坡、南岭等3个乡( │",
    "│ │ │ │镇)、11个行政村 │",
    "├──────┼─────┼───┼─────────────┤",
    "│ 乙水县 │ 3600 │李 强│北岭、中岭等2个乡(镇)、5 │",
    "│ │ │ │个行政村 │",
    "└──────┴─────┴───┴─────────────┘",
])

BOX_KNOWN_HEADER = "\n".join([
    "┌──┬────────┬──────┬─────┐",
    "│序号│工作任务 │牵头单位 │完成时限 │",
    "├──┼────────┼──────┼─────┤",
    "│1 │完善城区排水管网，│市住建局 │2024年 │",
    "│ │消除积水点。 │市水务局 │6月底前 │",
    "├──┼────────┼──────┼─────┤",
    "│2 │建设雨水调蓄池。 │市水务局 │年底前 │",
    "└──┴────────┴──────┴─────┘",
])


def test_box_table_rows_span_lines_and_the_area_column_holds_the_units():
    plan = parse_text(BOX, "t.txt", "t")
    assert plan.layout == "box-table"
    first, second = plan.tasks
    assert first.departments == ["甲山市"] and first.persons == ["王小明"] and first.lines[0] == 6
    assert first.text == "东坡、西坡、南岭等3个乡(镇)、11个行政村"
    assert second.departments == ["乙水县"] and second.persons == ["李 强"]
    assert first.deadline is None          # 2200 trees are no year


def test_box_table_with_a_known_header_joins_each_cell_over_its_lines():
    plan = parse_text(BOX_KNOWN_HEADER, "t.txt", "t")
    first, second = plan.tasks
    assert first.text == "完善城区排水管网，消除积水点。"
    assert first.departments == ["市住建局", "市水务局"] and lead_of(first) == ["市住建局", "市水务局"]
    assert first.deadline is not None and first.deadline.raw.replace(" ", "") == "2024年6月底前"
    assert second.departments == ["市水务局"]


def test_a_markdown_table_is_no_box_table():
    from dutygraph.loaders import box_table

    assert not box_table.looks_like("| 序号 | 工作任务 | 责任单位 |\n|---|---|---|\n| 1 | 建设。 | 市水务局 |\n")


@pytest.mark.parametrize("cell, departments, collective", [
    ("市安委办 (工作专班办公室)", ["市安委办 (工作专班办公室)"], []),
    ("各县区(开发区) 安委会", [], ["各县区(开发区) 安委会"]),
    ("市发改委 市财政局", ["市发改委", "市财政局"], []),
    ("各乡镇(街道)和职能部门", [], ["各乡镇(街道)和职能部门"]),
    ("区城管大队法制办、街道城管中队", ["区城管大队法制办"], ["街道城管中队"]),
])
def test_spaces_and_conjunctions_inside_one_unit(cell, departments, collective):
    listed = split_units(cell)
    assert (listed.departments, listed.collective_units) == (departments, collective)


def test_a_kind_of_department_after_deng_keeps_the_last_unit_and_opens_the_list():
    listed = split_units("县教育局、卫生局等行业主管部门")
    assert listed.departments == ["县教育局", "县卫生局"] and listed.open_ended and not listed.collective_units


def test_placeholder_subjects_with_a_bracket_and_under_an_items_title():
    text = ("三、职责分工\n(二)分工。县公安局负责甲镇,县文体局负责乙街道。各乡镇(街道)、各职能部门要设联络员,及时通报情况。\n"
            "四、工作任务\n(一)着力开展“五一工程”\n各乡镇(街道)和职能部门要按照工作要求,组织开展“五一工程”。\n")
    plan = parse_text(text, "t.txt", "t")
    placeholders = [t for t in plan.tasks if not t.departments]
    assert [t.collective_units for t in placeholders] == [["各乡镇(街道)", "各职能部门"], ["各乡镇(街道)和职能部门"]]
    assert placeholders[1].lines[0] == 5 and placeholders[1].raw["label"] == "(一)"


def test_one_cell_per_line_header_opening_with_a_word_that_is_no_header_word_of_its_own():
    text = "\n\n".join(["任务项", "重点工作内容", "牵头责任单位", "任务分解", "完成状况",
                       "1", "开展市容秩序专项整治行动。", "区城管大队", "开展商业大街治理。", "已完成",
                       "2", "推进生活垃圾分类工作。", "区环卫所(垃圾分类管理办)", "督查考核1次。", "已完成"])
    plan = parse_text(text, "t.txt", "t")
    assert [t.departments for t in plan.tasks] == [["区城管大队"], ["区环卫所(垃圾分类管理办)"]]


@pytest.mark.parametrize("cell, names", [
    ("俞 悦", ["俞 悦"]), ("陆 明俞 悦", ["陆 明", "俞 悦"]), ("张三 李四", ["张三", "李四"]), ("王 强、刘 明", ["王 强", "刘 明"]),
])
def test_persons_padded_with_a_space(cell, names):
    assert split_person_names(cell) == names


@pytest.mark.parametrize("text, is_deadline", [("2200", False), ("3600", False), ("2024", True), ("2024年", True)])
def test_a_bare_four_digit_quantity_is_no_year(text, is_deadline):
    assert is_deadline_text(text) is is_deadline
