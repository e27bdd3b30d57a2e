"""General rules written against the misses of the fourth labelled set, each on a small made-up text: a `|` table
with no task header word whose one unknown label names the task column, units run together with no separator, a
`|` table whose merged cells appear only in its first row, a bracket with 牵头, 按职责分工负责 and a deadline
(`…底前完成`), a list of departments sharing the suffix 部门, departments as the subjects of unnumbered-bracket
prose with `会同`/`配合` partners, and a question (`由哪些部门牵头?`) that names no unit."""
from __future__ import annotations

import pytest

from dutygraph.loaders.columns import map_header
from dutygraph.loaders.deadlines import is_deadline_text
from dutygraph.loaders.detect import parse_text
from dutygraph.loaders.preview import lead_of
from dutygraph.loaders.unit_names import is_unit_list
from dutygraph.loaders.units import split_units

PIPE_LABEL = "\n".join([
    "各村、各有关单位:",
    "现将工作安排印发给你们,请遵照执行。",
    "整治领域名称 | 时间安排 | 责任单位 |",
    "燃气管道 | 3月份 | 城建办 安监站 |",
    "农家乐 | 4月份 | 旅游办 派出所市场监管所 |",
])

PIPE_MERGED = "\n".join([
    "建设任务 | 工作事项 | 工作指标 | 任务清单 | 责任清单 | 时限清单 |",
    "一、队伍建设 |",
    "(一)力量配备 | 1.人员 | (1)各村配齐巡查人员。 | 1.建立巡查队伍名册; | 党政办 应急站 | 5月 |",
    "(2)村(社区)明确联络员。 | 1.明确联络员职责; | 村(社区) | 5月 |",
    "2.补充配备抢险物资; | 农业办 村(社区) |",
])

BRACKETS = "\n".join([
    "一、治理内容",
    "1.摸排风险。建立风险档案。(各有关部门按职责分工负责,2019年6月底前完成)",
    "2.加强管控。研究制定目录。(应急管理部牵头,工业和信息化部、公安部等按职责分工负责,2019年6月底前完成)",
    "3.加强监测。完善监测设备。(各有关部门按职责分工负责,持续推进)",
])

SUBJECTS = "\n".join([
    "2、加强组织体系建设。公安、交通运输、农业(农机)部门要推动建立工作机制,加强基层力量。",
    "3、强化秩序管理。公安部门要建立台账。农业(农机)部门要建立拖拉机台账,配合公安部门加强治理。",
    "4、加强客运网络建设。交通运输部门要加大投入,提高通行条件。会同有关部门研究制定优惠政策。",
])


def test_a_pipe_table_whose_only_unknown_header_label_is_the_task_column():
    assert map_header(["整治领域名称", "时间安排", "责任单位"]) == {"deadline": 1, "units": 2, "text": 0}
    assert map_header(["整治领域名称", "备注说明", "责任单位"]) is None       # two labels: no telling which
    plan = parse_text(PIPE_LABEL, "t.txt", "t")
    first, second = plan.tasks
    assert first.text == "燃气管道" and first.departments == ["城建办", "安监站"] and first.deadline.raw == "3月份"
    assert second.departments == ["旅游办", "派出所", "市场监管所"]


@pytest.mark.parametrize(("cell", "units"), [
    ("派出所工商质监所", ["派出所", "工商质监所"]),
    ("农机站农机监理所", ["农机站", "农机监理所"]),
    ("市公安局交警支队", ["市公安局交警支队"]),       # a sub-body after a higher body stays one name
    ("县卫生所", ["县卫生所"]),
])
def test_units_run_together_split_after_a_grassroots_body(cell, units):
    assert split_units(cell).departments == units


def test_a_pipe_table_whose_merged_cells_appear_only_in_its_first_row():
    plan = parse_text(PIPE_MERGED, "t.txt", "t")
    assert [t.section for t in plan.tasks] == ["一、队伍建设"] * 3
    first, second, third = plan.tasks
    assert first.departments == ["党政办", "应急站"] and lead_of(first) == ["党政办"] and first.deadline.raw == "5月"
    assert second.collective_units == ["村(社区)"] and second.deadline.raw == "5月"
    assert third.text.startswith("补充配备抢险物资")
    assert third.departments == ["农业办"] and third.collective_units == ["村(社区)"] and third.deadline is None


def test_a_bracket_with_lead_shared_duty_and_deadline():
    assert is_deadline_text("2019年6月底前完成") and is_deadline_text("1月份")
    plan = parse_text(BRACKETS, "t.txt", "t")
    first, second, third = plan.tasks
    assert first.collective_units == ["各有关部门"] and first.departments == []
    assert first.deadline.raw == "2019年6月底前完成"
    assert second.departments == ["应急管理部", "工业和信息化部", "公安部"] and lead_of(second) == ["应急管理部"]
    assert third.deadline.raw == "持续推进"


@pytest.mark.parametrize(("cell", "units"), [
    ("公安、交通运输、农业(农机)部门", ["公安部门", "交通运输部门", "农业(农机)部门"]),
    ("农业、安全监管部门", ["农业部门", "安全监管部门"]),
    ("市公安局、交通运输部门", ["市公安局", "交通运输部门"]),      # a body of its own keeps its name
])
def test_a_list_sharing_the_suffix_bumen(cell, units):
    assert split_units(cell).departments == units


def test_departments_as_subjects_with_their_partners():
    plan = parse_text(SUBJECTS, "t.txt", "t")
    found = [(t.raw["label"], t.departments, t.collective_units, lead_of(t)) for t in plan.tasks]
    assert found == [
        ("2、", ["公安部门", "交通运输部门", "农业(农机)部门"], [], ["公安部门"]),
        ("3、", ["公安部门"], [], ["公安部门"]),
        ("3、", ["农业(农机)部门", "公安部门"], [], ["农业(农机)部门"]),
        ("4、", ["交通运输部门"], ["有关部门"], ["交通运输部门"]),
    ]


def test_a_question_names_no_unit():
    assert not is_unit_list("哪些部门")
    text = "四项工作由哪些部门牵头?\n(一)健全体制机制。科学制定规划。(国家发展改革委牵头,有关部门按职责分工负责)"
    assert [t.departments for t in parse_text(text, "t.txt", "t").tasks] == [["国家发展改革委"]]
