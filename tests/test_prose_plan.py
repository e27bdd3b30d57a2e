"""Layout `prose-plan`: a county plan with no table whose numbered measures end with their units in brackets,
read the same from text, Word and PDF; its head gives title, issuer, level, document number and date."""
from __future__ import annotations

import textwrap
from pathlib import Path

import docx
import pytest
from conftest import CHENGDU, LINTONG
from test_office_formats import build_text_pdf

from dutygraph.loaders import LoadError, read_document
from dutygraph.loaders.detect import detect_layout
from dutygraph.loaders.metadata import doc_number, iso_date, level_of_body
from dutygraph.loaders.text_io import read_text

# Written for these tests after the county plans the project collects: full- and half-width brackets, colons
# and semicolons; 责任单位 / 牵头单位；配合单位 / A牵头，B配合 / bare lists; a nested bracket in a unit name;
# a deadline inside the bracket and in a bracket of its own; a measure wrapped over two lines; (1) items
# under a 16. heading; numbered items without units (headings, principles) that are not tasks.
PLAN = """\
安平县人民政府办公室文件

安政办发〔2021〕12号

安平县人民政府办公室
关于印发《安平县创建省级安全发展示范县工作方案》的通知

各乡镇人民政府，县政府各工作部门，各直属机构：
《安平县创建省级安全发展示范县工作方案》已经县政府同意，现印发给你们，请认真贯彻执行。

安平县人民政府办公室
2021年3月15日

安平县创建省级安全发展示范县工作方案

为深入贯彻落实党中央、国务院关于推进城市安全发展的决策部署，结合我县实际，制定本方案。
一、总体要求
（一）指导思想
以习近平新时代中国特色社会主义思想为指导，坚持人民至上、生命至上。
（二）基本原则
1.坚持源头治理。把安全发展贯穿规划、建设、管理全过程。
2.坚持依法监管。运用法治思维和法治方式推进安全发展。
二、重点任务
（一）强化安全源头治理
1.科学编制安全规划。将安全发展理念贯穿国土空间规划全过程，编制综合防灾减灾专项规划。（责任单位：县发改局、县自然资源局等相关部门和单位，各乡镇人民政府）
2.严格安全准入。对涉及危险化学品的建设项目实行安全风险评估论证（牵头单位：县应急局；配合单位：县发改局、县工信局）
3.完善安全标准体系。推动企业制定更加严格的安全生产标准。(县市场监管局、县应急局、县住建局)
4.加强基础设施安全管理。推进城市地下管网和综合管廊建设，
加快老旧管网改造，提升排水防涝能力。（责任单位：县住建局、县水利局，各乡镇人民政府）
5.加强危险化学品安全管理。开展危险化学品安全专项整治。(牵头单位:县应急局;配合单位:县公安局、县交通运输局)
（二）健全安全风险防控体系
6.开展安全风险辨识评估。全面开展城市安全风险普查，建立安全风险清单和数据库。（责任单位：县应急局（县安委办）、县安委会各成员单位）
7.加强重大危险源管控。对重大危险源实施在线监测监控。（牵头单位：县应急局，配合单位：县消防救援大队）。
8.强化道路交通安全。深化“两客一危”车辆动态监管，整治农村道路交通安全隐患。（县公安局交警大队牵头，县交通运输局、县农业农村局配合）
9.加强消防安全治理。推进消防站和微型消防站建设，开展火灾隐患排查整治。（责任单位：县消防救援大队、县住建局；完成时限：2021年12月底前）
10.强化特种设备安全。加强电梯、锅炉等特种设备安全监管（责任单位：县市场监管局)
11.推进地质灾害防治。开展地质灾害隐患点排查和搬迁避让工作。（责任单位:县自然资源局、县应急局、各乡镇人民政府）
（三）提升安全监管执法能力
12.落实安全生产责任制。全面落实党政同责、一岗双责、齐抓共管、失职追责。（县安委办，县安委会各成员单位）
13.加强执法队伍建设。充实基层安全监管执法力量，推进执法装备标准化建设。（责任单位：县应急局、县委编办、县财政局、县人社局）
14.推进“互联网+监管”。建设安全生产监管信息化平台，实现动态监管。（牵头单位：县应急局；配合单位：县大数据中心、县工信局等相关部门）
15.严格安全生产执法。开展“打非治违”专项行动，依法查处违法违规行为。（责任单位：县应急局等负有安全生产监管职责的部门）
（四）增强应急救援能力
16.完善应急预案体系。修订县级总体应急预案和专项应急预案，组织开展应急演练。（责任单位：县应急局、县有关部门，各乡镇人民政府）
17.加强应急物资保障。建立县级应急物资储备库，完善储备、调拨和配送体系。（责任单位：县发改局、县应急局、县粮食和物资储备中心）（完成时限：2022年6月）
18.强化基层应急能力。推进乡镇（街道）应急管理站所建设。
(1)建设乡镇应急队伍。每个乡镇建立不少于20人的综合应急救援队伍。（责任单位：各乡镇人民政府，县应急局）
(2)开展应急知识宣传。利用安全生产月等活动普及应急知识。（责任单位：县委宣传部、县教育局、县应急局）
19.完善医疗救护体系。加强院前急救网络建设，提高紧急医学救援能力（责任单位：县卫健局）
三、保障措施
（一）加强组织领导。县政府成立创建工作领导小组，统筹推进创建工作。
（二）强化督导考核。将创建工作纳入年度目标责任考核（责任单位：县委督查室、县政府督查室）
"""

S1, S2, S3, S4 = "（一）强化安全源头治理", "（二）健全安全风险防控体系", "（三）提升安全监管执法能力", "（四）增强应急救援能力"
# (label, section, departments lead first, collective units, open-ended, deadline end)
EXPECTED = [
    ("1.", S1, ["县发改局", "县自然资源局"], ["各乡镇人民政府"], True, None),
    ("2.", S1, ["县应急局", "县发改局", "县工信局"], [], False, None),
    ("3.", S1, ["县市场监管局", "县应急局", "县住建局"], [], False, None),
    ("4.", S1, ["县住建局", "县水利局"], ["各乡镇人民政府"], False, None),
    ("5.", S1, ["县应急局", "县公安局", "县交通运输局"], [], False, None),
    ("6.", S2, ["县应急局（县安委办）"], ["县安委会各成员单位"], False, None),
    ("7.", S2, ["县应急局", "县消防救援大队"], [], False, None),
    ("8.", S2, ["县公安局交警大队", "县交通运输局", "县农业农村局"], [], False, None),
    ("9.", S2, ["县消防救援大队", "县住建局"], [], False, "2021-12"),
    ("10.", S2, ["县市场监管局"], [], False, None),
    ("11.", S2, ["县自然资源局", "县应急局"], ["各乡镇人民政府"], False, None),
    ("12.", S3, ["县安委办"], ["县安委会各成员单位"], False, None),
    ("13.", S3, ["县应急局", "县委编办", "县财政局", "县人社局"], [], False, None),
    ("14.", S3, ["县应急局", "县大数据中心", "县工信局"], [], True, None),
    ("15.", S3, ["县应急局"], ["负有安全生产监管职责的部门"], True, None),
    ("16.", S4, ["县应急局"], ["县有关部门", "各乡镇人民政府"], False, None),
    ("17.", S4, ["县发改局", "县应急局", "县粮食和物资储备中心"], [], False, "2022-06"),
    ("(1)", "18.强化基层应急能力", ["县应急局"], ["各乡镇人民政府"], False, None),
    ("(2)", "18.强化基层应急能力", ["县委宣传部", "县教育局", "县应急局"], [], False, None),
    ("19.", S4, ["县卫健局"], [], False, None),
    ("（二）", "三、保障措施", ["县委督查室", "县政府督查室"], [], False, None),
]


def _wrapped(text: str, width: int = 36) -> list[str]:
    """The plan as a PDF prints it: every paragraph wrapped to lines of `width` characters."""
    return [piece for line in text.split("\n") if line.strip() for piece in textwrap.wrap(line, width)]


def _write(tmp_path: Path, fmt: str) -> Path:
    if fmt == "txt":
        path = tmp_path / "anping_plan.txt"
        path.write_text(PLAN, encoding="gb18030")
    elif fmt == "docx":
        path = tmp_path / "anping_plan.docx"
        document = docx.Document()
        for line in PLAN.split("\n"):
            document.add_paragraph(line)
        document.save(path)
    else:
        path = build_text_pdf(tmp_path / "anping_plan.pdf", _wrapped(PLAN))
    return path


@pytest.fixture(scope="module", params=["txt", "docx", "pdf"])
def plan(request, tmp_path_factory):
    return read_document(_write(tmp_path_factory.mktemp(request.param), request.param))


def test_layout_and_count(plan):
    assert plan.layout == "prose-plan" and plan.plan_id == "anping_plan"
    assert [t.number for t in plan.tasks] == list(range(1, len(EXPECTED) + 1))
    assert {t.kind for t in plan.tasks} == {"task"}


def test_metadata(plan):
    assert plan.title == "安平县创建省级安全发展示范县工作方案"
    assert plan.issuer == "安平县人民政府办公室" and plan.issuer_level == "县"
    assert plan.doc_number == "安政办发〔2021〕12号" and plan.date == "2021-03-15"
    assert plan.jurisdiction == "安平县" and plan.level == "县"


def test_sections_in_order(plan):
    assert [title for _, title in plan.sections] == [S1, S2, S3, S4, "18.强化基层应急能力", "三、保障措施"]


@pytest.mark.parametrize("index", range(len(EXPECTED)), ids=[f"{e[0]}-{i + 1}" for i, e in enumerate(EXPECTED)])
def test_measure(plan, index):
    label, section, departments, collective, open_ended, deadline_end = EXPECTED[index]
    task = plan.tasks[index]
    assert task.raw["label"] == label and task.section == section
    assert task.departments == departments and task.collective_units == collective
    assert task.open_ended is open_ended
    assert (task.deadline.end if task.deadline else None) == deadline_end
    assert "责任单位" not in task.text and not task.text.endswith(("）", ")"))


def test_text_keeps_the_measure_and_drops_the_bracket(plan):
    wrapped = plan.tasks[3]
    assert "".join(wrapped.text.split()) == "加强基础设施安全管理。推进城市地下管网和综合管廊建设，加快老旧管网改造，提升排水防涝能力。"
    assert plan.tasks[1].raw["lead"] == "县应急局" and plan.tasks[1].raw["support"] == "县发改局、县工信局"


def test_lines_point_at_the_measure():
    plan = read_document_text(PLAN)
    lines = PLAN.split("\n")
    for task in plan.tasks:
        first, last = task.lines
        assert lines[first - 1].lstrip().startswith(task.raw["label"])
        assert lines[last - 1].rstrip().endswith(("）", ")", "。"))


def read_document_text(text: str):
    from dutygraph.loaders.detect import parse_text

    return parse_text(text, "plan.txt", "plan")


@pytest.mark.parametrize(
    "bracket, departments, collective",
    [
        ("（责任单位：市应急局、市公安局，各区县人民政府）", ["市应急局", "市公安局"], ["各区县人民政府"]),
        ("（牵头单位：区住建局；配合单位：区城管局、各街道办事处）", ["区住建局", "区城管局"], ["各街道办事处"]),
        ("(牵头部门:市交通运输局;配合部门:市公安局交管局)", ["市交通运输局", "市公安局交管局"], []),
        ("（区卫健委、区市场监管局）", ["区卫健委", "区市场监管局"], []),
        ("（市水务局牵头，市住建局、市城管委配合）", ["市水务局", "市住建局", "市城管委"], []),
        ("（责任主体：各乡镇人民政府）", [], ["各乡镇人民政府"]),
    ],
    ids=["city-责任单位", "district-牵头配合", "half-width", "bare", "牵头…配合", "collective-only"],
)
def test_bracket_forms_at_every_level(bracket, departments, collective):
    text = "\n".join(f"{n}.开展第{n}项工作。具体内容略{bracket}" for n in range(1, 4))
    plan = read_document_text(text)
    assert plan.layout == "prose-plan"
    assert all(t.departments == departments and t.collective_units == collective for t in plan.tasks)


@pytest.mark.parametrize(
    "ending",
    ["（2020—2022年）", "（以下简称“三同时”）", "（详见附件）", "。"],
    ids=["years", "abbreviation", "see-annex", "no-bracket"],
)
def test_brackets_that_name_no_units_are_not_measures(ending):
    text = "\n".join(f"{n}.开展第{n}项工作{ending}" for n in range(1, 6))
    with pytest.raises(LoadError):
        read_document_text(text)


def test_the_samples_keep_their_layouts():
    assert detect_layout(read_text(LINTONG), "lintong_plan.txt") == "pdf-text"
    assert detect_layout(read_text(CHENGDU), "chengdu_task_table.txt") == "word-table"
    assert detect_layout(PLAN, "plan.txt") == "prose-plan"


@pytest.mark.parametrize(
    "line, expected",
    [("安城创〔2020〕1号", "安城创〔2020〕1号"), ("安城创 2020 1", "安城创〔2020〕1号"), ("川府发[2019]7 号", "川府发〔2019〕7号"),
     ("（中办发〔2018〕1 号）等文件精神", "")],
)
def test_doc_number(line, expected):
    assert doc_number(line) == expected


@pytest.mark.parametrize(
    "line, expected",
    [("2021年3月15日", "2021-03-15"), ("二〇二〇年十月二十六日", "2020-10-26"), ("2021 年 6 月 30 日", "2021-06-30"), ("2021年6月", "")],
)
def test_iso_date(line, expected):
    assert iso_date(line) == expected


@pytest.mark.parametrize(
    "name, level",
    [("西安市临潼区国家安全发展示范城市创建工作领导小组", "区"), ("成都市人民政府办公厅", "市"), ("县应急局", "县"),
     ("安平县人民政府", "县"), ("领导小组", "")],
)
def test_level_of_body(name, level):
    assert level_of_body(name) == level
