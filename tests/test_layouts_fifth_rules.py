"""General rules written against the misses of the fifth labelled set, each on a small made-up text: brackets that
say their units guide (`（A、B指导）`, `（A指导，B参与）`), several of them in one paragraph, half-width ones, and a
clause that names a body for every later duty; a document that assigns by brackets, whose subject sentences are not
duties; `A、B，C按职责分工负责` (the verb is said of the whole list), a first-is-lead note written as a clause,
`A会同有关部门负责`; an open list joined to a placeholder by 和 (`A、B等和各有关省级人民政府负责`); territorial
placeholders with 有关 (`各有关区、县级市`); role placeholders in a declared list (`各项目牵头单位`); an item
number before a text that opens with digits (`11.121工程`); and a `|` table headed `责任单位或牵头单位` with a cell
broken over two lines and a short row whose merged first cell is missing."""
from __future__ import annotations

import pytest

from dutygraph.loaders.assignments import read_bracket
from dutygraph.loaders.columns import header_meaning, map_header
from dutygraph.loaders.detect import parse_text
from dutygraph.loaders.preview import lead_of
from dutygraph.loaders.unit_names import is_unit_name
from dutygraph.loaders.units import split_units

GUIDED = "\n".join([
    "一、重点任务",
    "（一）完善回收体系。建立城乡回收网点，优化网点布局。（交通运输部牵头，公安部、商务部参与）",
    "规范回收秩序。加强行业监管，查处违法经营。（商务部指导，各地市政府负责落实。以下均需各地市政府落实，不再列出）",
    "推广回收技术。开展示范应用。（科技部、工业和信息化部指导）培育骨干企业。支持企业做大做强。(工业和信息化部指导)",
    "（二）加强宣传引导。开展主题宣传活动。（文化和旅游部、广电总局指导）",
    "（三）强化资金保障。落实税收优惠政策。（财政部、税务总局指导）",
    "二、保障措施",
    "（一）加强组织领导。商务部会同有关部门建立协调机制，加强工作指导。",
])


def test_guiding_brackets_several_in_a_paragraph_and_half_width():
    tasks = parse_text(GUIDED, "t.txt", "t").tasks
    assert [t.text[:6] for t in tasks] == ["完善回收体系", "规范回收秩序", "推广回收技术", "培育骨干企业", "加强宣传引导", "强化资金保障"]
    assert lead_of(tasks[0]) == ["交通运输部"] and tasks[0].departments == ["交通运输部", "公安部", "商务部"]
    assert lead_of(tasks[1]) == ["商务部"] and tasks[1].collective_units == ["各地市政府"]
    assert lead_of(tasks[2]) == ["科技部"] and tasks[2].departments == ["科技部", "工业和信息化部"]
    assert tasks[3].departments == ["工业和信息化部"]                      # half-width brackets
    assert {t.raw["label"] for t in tasks[:4]} == {"（一）"}                 # unnumbered paragraphs keep the item


def test_a_clause_naming_a_body_for_every_later_duty_is_recorded_not_listed():
    tasks = parse_text(GUIDED, "t.txt", "t").tasks
    assert "implied_collective" not in tasks[1].raw
    assert all(t.raw["implied_collective"] == "各地市政府" for t in tasks[2:])
    assert all(t.collective_units == [] for t in tasks[2:])


def test_a_document_that_assigns_by_brackets_has_no_subject_duties():
    tasks = parse_text(GUIDED, "t.txt", "t").tasks
    assert not any("协调机制" in t.text for t in tasks)          # 商务部会同有关部门建立… in 保障措施
    subjects_only = "\n".join([
        "1.加强组织领导。县应急局要建立工作台账，加强督促检查。",
        "2.强化宣传。县委宣传部要制定宣传方案。",
    ])
    assert [t.departments for t in parse_text(subjects_only, "t.txt", "t").tasks] == [["县应急局"], ["县委宣传部"]]


@pytest.mark.parametrize(("inner", "lead", "support", "units"), [
    ("甲部、乙部指导", "", "", "甲部、乙部"),
    ("甲部指导，乙部参与", "", "乙部", "甲部"),
    ("甲部、乙局、丙部，各省级人民政府按职责分工负责", "", "", "甲部、乙局、丙部、各省级人民政府"),
    ("甲局、乙部负责，排在第一位的部门为牵头部门，下同", "", "", "甲局、乙部"),
    ("甲委会同有关部门负责", "甲委", "有关部门", ""),
    ("甲委、乙部会同有关部门负责", "甲委", "乙部、有关部门", ""),
    ("甲委会同乙局", "甲委", "乙局", ""),
])
def test_bracket_clauses(inner, lead, support, units):
    roles = read_bracket(inner)
    assert roles is not None and (roles.lead, roles.support, roles.units) == (lead, support, units)


def test_a_plain_list_before_a_shared_verb_has_only_its_first_unit_as_lead():
    text = "\n".join(f"（{n}）第{n}项工作。加强管理。（甲部、乙局、丙部，各省级人民政府按职责分工负责）" for n in "一二三")
    task = parse_text(text, "t.txt", "t").tasks[0]
    assert lead_of(task) == ["甲部"] and task.departments == ["甲部", "乙局", "丙部"]
    assert task.collective_units == ["各省级人民政府"]


def test_an_open_list_joined_to_a_placeholder_by_he():
    listed = split_units("农业部、林业局、共青团中央等和各有关市级人民政府")
    assert listed.departments == ["农业部", "林业局", "共青团中央"] and listed.open_ended
    assert listed.collective_units == ["各有关市级人民政府"]
    assert split_units("甲局等和乙局").departments == ["甲局等和乙局"]      # no placeholder after 和: left as written


def test_the_youth_league_centre_is_a_body():
    assert is_unit_name("共青团中央") and is_unit_name("团中央")


@pytest.mark.parametrize(("cell", "collective"), [
    ("各有关区、县级市", ["各有关区、县级市"]),
    ("各区、县级市", ["各区、县级市"]),
    ("各相关县、区", ["各相关县、区"]),
])
def test_territorial_placeholders_with_youguan_stay_one(cell, collective):
    assert split_units(cell).collective_units == collective


def test_a_role_placeholder_in_a_declared_list():
    roles = read_bracket("牵头单位：市人事局，配合单位：各项目牵头单位，各区、县级市")
    assert roles is not None and roles.lead == "市人事局"
    assert split_units(roles.support).collective_units == ["各项目牵头单位", "各区、县级市"]


def test_an_item_number_before_a_text_opening_with_digits():
    text = "\n".join([
        "9.青年英才项目。每年资助青年人才。（牵头单位：市科技局）",
        "10.365服务工程。全年开展服务活动。（牵头单位：市教育局）",
        "2.5万名志愿者参加。",
    ])
    tasks = parse_text(text, "t.txt", "t").tasks
    assert [t.raw["label"] for t in tasks] == ["9.", "10."]
    assert tasks[1].text.startswith("365服务工程")


PIPE_BROKEN = "\n".join([
    "任务 内容 | 考核 标准 | 工作措施 | 责任单位 或牵头单位 | 协助 单位 | 完成 期限 |",
    "环 境 整 治 | 1、河道整洁,无垃圾。 | 开展河道清理,建立巡查制度。 | 县水利局 | 县环保局",
    "县农业局 | 2015年6月底前 |",
    "2、道路干净,无积水。 | 加强道路保洁,及时清除积水。 | 县城管局 县交通局 | 有关部门 | 2015年8月底前 |",
])


def test_a_header_naming_its_units_as_leads_by_an_alternative():
    assert header_meaning("责任单位 或牵头单位") == "lead"
    assert header_meaning("责任单位或实施单位") == "units"
    assert map_header(["任务内容", "工作措施", "责任单位或牵头单位", "协助单位"]) == {"text": 1, "lead": 2, "support": 3}


def test_a_pipe_table_with_a_broken_cell_and_a_short_row():
    first, second = parse_text(PIPE_BROKEN, "t.txt", "t").tasks
    assert first.departments == ["县水利局", "县环保局", "县农业局"] and lead_of(first) == ["县水利局"]
    assert first.deadline is not None and first.deadline.raw == "2015年6月底前"
    assert second.lines[0] == 4 and lead_of(second) == ["县城管局", "县交通局"]
    assert second.collective_units == ["有关部门"] and second.deadline is not None


def test_two_whole_rows_are_never_joined_as_halves():
    text = "\n".join([
        "序号 | 工作任务 | 责任单位 | 完成时限 |",
        "1 | 清理河道。 | 县水利局 | 6月底前",
        "2 | 清扫道路。 | 县城管局 | 8月底前 |",
    ])
    first, second = parse_text(text, "t.txt", "t").tasks
    assert (first.departments, second.departments) == (["县水利局"], ["县城管局"])
    assert second.lines[0] == 3
