"""General rules written against the misses of the sixth labelled set (after its first-contact figure was kept in
docs/QUALITY.md), each on a small made-up text: a unit name wrapped over two cell lines of a table copied one
cell per line (`市生态` / `环境局`), and what must stay two cells."""
from __future__ import annotations

import pytest

from dutygraph.loaders.detect import parse_text
from dutygraph.loaders.preview import lead_of
from dutygraph.loaders.text_table import wrapped_names

WRAPPED = "\n\n".join([
    "附件", "2025年重点工作责任清单", "序号", "重点工作", "牵头责任单位", "进展情况",
    "1", "新建污水管网50公里。", "市住房城乡建设局", "截至6月底，已完成20公里。",
    "2", "农村生活污水治理率达到40%。", "市生态", "环境局", "截至6月底，已完成12个行政村污水治理。",
    "3", "培育农业产业化龙头企业10家。", "县农业", "农村局", "已认定6家。",
    "4", "完成老旧小区改造30个。", "市住房城乡建设局", "已开工18个。",
])


def test_a_unit_name_wrapped_over_two_cell_lines_is_one_unit():
    tasks = parse_text(WRAPPED, "t.txt", "t").tasks
    assert [lead_of(t) for t in tasks] == [["市住房城乡建设局"], ["市生态环境局"], ["县农业农村局"], ["市住房城乡建设局"]]
    assert [t.text[:4] for t in tasks] == ["新建污水", "农村生活", "培育农业", "完成老旧"]


@pytest.mark.parametrize("cells, joined", [
    (["治理率达30%。", "市生态", "环境局", "截至6月底"], ["治理率达30%。", "市生态环境局", "截至6月底"]),
    (["建设", "市发改委"], ["建设", "市发改委"]),                   # the second has its own place word
    (["市财政局", "税务局"], ["市财政局", "税务局"]),               # the first is a unit already
    (["市重点工作", "推进情况"], ["市重点工作", "推进情况"]),       # together no unit
    (["市生态，", "环境局"], ["市生态，", "环境局"]),               # punctuation: not a name's first half
])
def test_only_a_place_word_start_and_a_unit_ending_are_joined(cells, joined):
    assert wrapped_names(cells) == joined


@pytest.mark.parametrize("cell, meaning", [("重点工作任务(杭州市2项配合工作)", "text"), ("重点工作任务（市级配合）", "text"),
                                           ("责任单位（牵头单位列第一位）", "units"), ("序号", "number"),
                                           ("落实情况（截至6月底）", None)])
def test_a_note_in_brackets_after_a_header_word_keeps_its_meaning(cell, meaning):
    from dutygraph.loaders.columns import header_meaning

    assert header_meaning(cell) == meaning


NOTED_HEADER = "\n\n".join([
    "重点工作责任分解", "序号", "重点工作任务(本市配合工作)", "责任单位",
    "1", "稳定粮食生产，确保粮食播种面积稳步提升。", "市农业农村局、市商务局",
    "2", "持续打响消费品牌，推进现代流通体系建设。", "市商务局、市发改委",
])


def test_a_table_whose_task_header_carries_a_note_is_read():
    tasks = parse_text(NOTED_HEADER, "t.txt", "t").tasks
    assert [lead_of(t) for t in tasks] == [["市农业农村局"], ["市商务局"]]
    assert tasks[1].departments == ["市商务局", "市发改委"]


KEYED_CELL = "\n\n".join([
    "省政府工作报告涉及本市任务责任分解", "序号", "重点工作任务", "责任单位",
    "1", "稳定粮食生产，确保粮食播种面积稳步提升。", "市农业农村局、市商务局", "省牵头单位:省农业农村厅",
    "2", "持续打响消费品牌，推进现代流通体系建设。", "市商务局、市发改委", "省牵头单位：省商务厅",
    "3", "推进数字政府建设，提升政务服务水平。", "市数据资源局",
])


def test_a_cell_naming_its_own_role_leads_and_the_unit_column_supports():
    tasks = parse_text(KEYED_CELL, "t.txt", "t").tasks
    assert [lead_of(t) for t in tasks] == [["省农业农村厅"], ["省商务厅"], ["市数据资源局"]]
    assert tasks[0].departments == ["省农业农村厅", "市农业农村局", "市商务局"]
    assert tasks[2].departments == ["市数据资源局"]


@pytest.mark.parametrize("cell, lead", [("省牵头单位:省农业农村厅", "省农业农村厅"), ("牵头单位：市应急局", "市应急局"),
                                        ("市牵头部门：市公安局", "市公安局"), ("市农业农村局", None),
                                        ("截至6月底，已完成", None), ("省级部门", None)])
def test_keyed_cells(cell, lead):
    from dutygraph.loaders.text_table import keyed_cell

    roles = keyed_cell(cell)
    assert (roles.lead if roles else None) == lead
