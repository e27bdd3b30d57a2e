"""Issue 15: duties and their units read wherever a document writes them — a city's 牵头单位/配合单位 list, a
food-safety arrangement with (X负责) after each sentence, a State Council table with space-separated columns, a
web-page table with one cell per line and a 牵头领导 column, a county plan with a single measure so far.
Fixtures in tests/data/layouts/ (see its README)."""
from __future__ import annotations

from pathlib import Path

import pytest

from dutygraph.loaders import LoadError, read_document
from dutygraph.loaders.assignments import read_bracket
from dutygraph.loaders.preview import duty_preview
from dutygraph.loaders.unit_names import expand_prefixes, is_person_name, is_unit_name

LAYOUTS = Path(__file__).parent / "data" / "layouts"

# (file, duty index, item label, opening words, lead, co-responsible, collective, persons)
EXPECTED = [
    ("city_lead_support.txt", 0, "（一）", "加快建设先进制造业基地", ["市工信局"], ["市发改委", "市国土房管局", "市规划局"], [], []),
    ("city_lead_support.txt", 1, "（二）", "推进物流园区建设", ["市交委"], ["市商务局"], ["各区人民政府"], []),
    ("food_safety_sentences.txt", 0, "1.", "实施标准贯宣行动", ["区卫生健康委"], [], [], []),
    ("food_safety_sentences.txt", 1, "1.", "严格落实农药残留", ["区农业农村局"], [], [], []),
    ("food_safety_sentences.txt", 2, "1.", "加强粮油标准", ["区发展改革委(粮食和储备局)"], [], [], []),
    ("food_safety_sentences.txt", 3, "1.", "加强风险监测", ["区卫生健康委"], ["区市场监管局"], [], []),
    ("state_council_spaces.txt", 0, "1", "城镇新增就业", ["人力资源社会保障部"], [], [], []),
    ("state_council_spaces.txt", 2, "3", "粮食产量", ["农业农村部", "发展改革委"], [], [], []),   # one 牵头 column
    ("web_one_cell_per_line.txt", 0, "1", "推进科创走廊建设", ["未来科技城(海创园)"], [], [], ["王建国", "李明"]),
    ("web_one_cell_per_line.txt", 1, "2", "加快老旧小区改造", ["区住建局"], [], [], ["张华"]),
    ("county_single_measure.txt", 0, "（一）", "推进农村厕所改造", ["县农业农村局"], ["县卫健局"], ["各乡镇人民政府"], []),
]
COUNTS = {"city_lead_support.txt": 2, "food_safety_sentences.txt": 4, "state_council_spaces.txt": 3,
          "web_one_cell_per_line.txt": 2, "county_single_measure.txt": 1}


@pytest.fixture(scope="module")
def plans():
    return {name: read_document(LAYOUTS / name) for name in COUNTS}


@pytest.mark.parametrize("name, count", COUNTS.items())
def test_every_layout_loads_with_its_duties(plans, name, count):
    assert len(plans[name].tasks) == count, [t.text for t in plans[name].tasks]


@pytest.mark.parametrize("name, index, label, opening, lead, co, collective, persons", EXPECTED,
                         ids=[f"{e[0].split('.')[0]}-{e[1]}" for e in EXPECTED])
def test_duty(plans, name, index, label, opening, lead, co, collective, persons):
    preview = duty_preview(plans[name].tasks[index])
    assert preview.number == label and preview.opening.startswith(opening)
    assert (preview.lead, preview.co_responsible, preview.collective, preview.persons) == (lead, co, collective, persons)


def test_notice_prose_addressees_and_people_are_not_units(plans):
    names = {n for plan in plans.values() for t in plan.tasks for n in t.departments + t.collective_units}
    assert not names & {"牵头部门", "市政府各部门", "各区、县级市人民政府", "王建国", "李明", "张华"}
    assert all(len(plan.tasks[-1].text) < 60 for plan in plans.values())


def test_numbers_are_unique_when_one_item_holds_several_duties(plans):
    numbers = [t.number for t in plans["food_safety_sentences.txt"].tasks]
    assert len(set(numbers)) == len(numbers)


@pytest.mark.parametrize(
    "inner, lead, support, units",
    [
        ("牵头单位：市经贸委；配合单位：市发改委、国土房管局", "市经贸委", "市发改委、国土房管局", ""),
        ("县公安局交警大队牵头，县交通运输局配合", "县公安局交警大队", "县交通运输局", ""),
        ("区卫生健康委、区市场监管局按职责分工负责", "", "", "区卫生健康委、区市场监管局"),
        ("市生态环境局牵头，市发展和改革局参与，各县、区人民政府(管委会)负责落实。以下不再列出。", "市生态环境局",
         "市发展和改革局、各县、区人民政府(管委会)", ""),
        ("责任单位:省发展改革委、商务厅按职责分工负责。具体任务均涉及相关市(州)人民政府,下同。", "", "", "省发展改革委、商务厅"),
        ("部门分工:省发展改革委牵头,各地、各部门配合。", "省发展改革委", "各地、各部门", ""),
    ],
)
def test_bracket_forms(inner, lead, support, units):
    roles = read_bracket(inner)
    assert roles is not None and (roles.lead, roles.support, roles.units) == (lead, support, units)


@pytest.mark.parametrize("inner", ["2020—2022年", "以下简称“三同时”", "详见附件", "含高新区", "张三、李四"])
def test_brackets_that_assign_no_units(inner):
    roles = read_bracket(inner)
    assert roles is None or not roles.names_units


@pytest.mark.parametrize(
    "written, expanded",
    [
        (["市发改委", "国土房管局", "规划局"], ["市发改委", "市国土房管局", "市规划局"]),
        (["省发展改革委", "财政厅"], ["省发展改革委", "省财政厅"]),
        (["发展改革委", "财政部"], ["发展改革委", "财政部"]),
        (["市生态环境局", "市场监管局"], ["市生态环境局", "市市场监管局"]),
        (["区应急局", "供电临潼分局"], ["区应急局", "供电临潼分局"]),
        (["杭州市余杭区发改局", "财政局"], ["杭州市余杭区发改局", "杭州市余杭区财政局"]),
    ],
)
def test_dropped_prefixes_are_written_back(written, expanded):
    assert expand_prefixes(written) == expanded


@pytest.mark.parametrize("name", ["区发展改革委(粮食和储备局)", "未来科技城(海创园)", "团市委", "市妇联", "县消防救援大队",
                                  "人力资源社会保障部", "滁州海关", "五泉镇", "高新区管委会"])
def test_bodies_are_recognised_by_shape(name):
    assert is_unit_name(name) and not is_person_name(name)


@pytest.mark.parametrize("name", ["王建国", "李明副区长", "欧阳明"])
def test_people_are_not_units(name):
    assert is_person_name(name) and not is_unit_name(name)


def test_nothing_found_names_the_file_and_the_closest_lines(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text("关于开会的通知\n各单位：\n请各部门负责同志参加。\n会议地点另行通知。\n", encoding="utf-8")
    with pytest.raises(LoadError) as info:
        read_document(path)
    message = str(info.value)
    assert message.startswith("notice.txt: not a duty-allocation document: looked for") and "line 3: " in message
