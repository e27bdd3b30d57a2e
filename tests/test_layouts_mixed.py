"""Issue 15, second round: table and prose in one document (each part read by the reader that fits it), Office
tables whose header is unknown or missing (columns recognised by content), rows merged across a page break
(a preview warning), and the general rules behind the misses on real documents (collective-only assignments, an
assignment line after sub-items, a unit as a sentence's subject, every 牵头 unit a lead)."""
from __future__ import annotations

from pathlib import Path

import docx
import openpyxl
import pytest

from dutygraph.loaders import read_document
from dutygraph.loaders.assignments import read_bracket, subject_roles
from dutygraph.loaders.preview import duty_preview, plan_preview
from dutygraph.loaders.table_rows import Table, TableRow, tables_to_plan
from dutygraph.loaders.units import split_units

LAYOUTS = Path(__file__).parent / "data" / "layouts"

# (kind, number shown, opening, lead, co-responsible, collective, deadline) of plan_with_table.txt
MIXED = [
    ("measure", "（一）", "强化安全源头治理", ["市发改委"], ["市规划局"], [], ""),
    ("measure", "（二）", "提升应急救援能力", ["市应急局"], ["市财政局"], ["各区人民政府"], ""),
    ("task", "1", "完成城市安全风险普查", ["市应急局"], ["市住建局"], [], "2024年底前"),
    ("task", "2", "建设城市生命线监测平台", ["市住建局"], ["市大数据局"], [], "2025年6月"),
]


@pytest.fixture(scope="module")
def mixed():
    return read_document(LAYOUTS / "plan_with_table.txt")


def test_prose_and_table_are_both_read(mixed):
    assert mixed.layout == "duty-text+csv-table" and mixed.title == "某市城市安全发展实施方案"
    assert [(t.kind, t.number) for t in mixed.tasks] == [("measure", 1), ("measure", 2), ("task", 1), ("task", 2)]


@pytest.mark.parametrize("index, kind, number, opening, lead, co, collective, deadline", [(i, *m) for i, m in enumerate(MIXED)],
                         ids=[f"{m[0]}-{m[1]}" for m in MIXED])
def test_mixed_duty(mixed, index, kind, number, opening, lead, co, collective, deadline):
    task = mixed.tasks[index]
    preview = duty_preview(task)
    assert task.kind == kind and preview.number == number and preview.opening.startswith(opening)
    assert (preview.lead, preview.co_responsible, preview.collective, preview.deadline) == (lead, co, collective, deadline)


def test_exhortation_before_the_table_is_no_duty(mixed):
    assert not any("高度重视" in t.text for t in mixed.tasks)


ROWS = [  # task, units, deadline: rows of plan_with_table.txt and of the State Council fixture
    ("完成城市安全风险普查，建立风险清单", "市应急局、市住建局", "2024年底前"),
    ("建设城市生命线监测平台，接入燃气桥梁数据", "市住建局、市大数据局", "2025年6月"),
    ("城镇新增就业900万人以上，城镇调查失业率6%左右", "人力资源社会保障部", "2025年12月"),
]


def _docx(path: Path, header: list[str] | None) -> Path:
    document = docx.Document()
    document.add_paragraph("某市城市安全发展实施方案")
    document.add_paragraph("（一）强化安全源头治理。完善安全风险评估制度（责任单位：市发改委、市规划局）。")
    table = document.add_table(rows=0, cols=3)
    for cells in ([header] if header else []) + [list(r) for r in ROWS]:
        row = table.add_row().cells
        for cell, text in zip(row, cells):
            cell.text = text
    document.save(path)
    return path


def _xlsx(path: Path, header: list[str] | None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for cells in ([header] if header else []) + [["", *r] for r in ROWS]:
        sheet.append(cells)
    book.save(path)
    return path


@pytest.mark.parametrize("make, header", [
    (_docx, ["内容", "承担处室", "办结"]),          # headers no rule knows
    (_docx, None),                                   # no header row at all
    (_xlsx, ["备注", "事项说明", "承担处室", "办结"]),
    (_xlsx, None),
], ids=["docx-unknown-header", "docx-no-header", "xlsx-unknown-header", "xlsx-no-header"])
def test_office_table_columns_by_content(tmp_path, make, header):
    suffix = ".docx" if make is _docx else ".xlsx"
    plan = read_document(make(tmp_path / f"plan{suffix}", header))
    tasks = [t for t in plan.tasks if t.kind == "task"]
    assert [(t.text, t.departments, t.deadline.raw if t.deadline else "") for t in tasks] == [
        (text, split_units(units).departments, deadline) for text, units, deadline in ROWS]
    if suffix == ".docx":      # the prose before the table keeps its bracketed assignment
        assert [t.departments for t in plan.tasks if t.kind == "measure"] == [["市发改委", "市规划局"]]


def test_row_merged_across_a_page_break_is_warned():
    header = TableRow(["序号", "工作任务", "责任单位", "完成时限"], 1)
    page1 = Table([header, TableRow(["1", "完成城市安全风险普查，", "市应急局", "2024年底前"], 2)], place="page 1")
    page2 = Table([TableRow(["", "建立风险清单", "", ""], 3), TableRow(["2", "建设监测平台", "市住建局", "2025年"], 4)],
                  place="page 2")
    plan = tables_to_plan([page1, page2], "split.pdf", "split", "pdf-table")
    preview = plan_preview(plan)
    assert any("page 1 → page 2" in w for w in preview.duties[0].warnings)
    assert not preview.duties[1].warnings and any("在 page 2 续写" in w for w in preview.warnings)


@pytest.mark.parametrize("inner, units, deadline", [
    ("国务院各部门分别负责,年内持续推进", "国务院各部门", "年内持续推进"),        # guowuyuan_2020_fengong
    ("各县(市、区)人民政府负责,2021年底前", "各县(市、区)人民政府", "2021年底前"),
])
def test_collective_only_assignment_with_deadline(inner, units, deadline):
    roles = read_bracket(inner)
    assert roles is not None and (roles.units, roles.deadline) == (units, deadline)


@pytest.mark.parametrize("sentence, units, deadline", [
    ("省农业厅做好全省无公害畜禽、绿色食品基地建设", "省农业厅", ""),                 # fujian_food_fangxin
    ("动员部署,716日前,各成员单位制定各自的子方案", "各成员单位", "716日前"),        # yuelu_jd_2021_xuanchuan
    ("各村、社区要建立健全信息沟通和联合执法机制", "各村、社区", ""),
    ("各成员单位要高度重视此次宣传活动", None, None),                                   # exhortation
    ("街道制定落实奖惩措施", None, None),                                               # the issuer speaking of itself
])
def test_unit_as_subject(sentence, units, deadline):
    roles = subject_roles(sentence)
    assert (roles.units, roles.deadline) == (units, deadline) if units else roles is None


def test_assignment_line_after_sub_items_belongs_to_their_parent(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text("（一）预案建设\n1.完善应急预案体系\n(1)加强应急预案管理。\n(2)推进预案精编化。\n"
                    "(责任单位:市直各有关单位、各县(市、区)人民政府)\n", encoding="utf-8")
    (task,) = read_document(path).tasks
    assert task.text.startswith("完善应急预案体系") and task.raw["label"] == "1." and task.lines == (2, 5)
    assert task.collective_units == ["市直各有关单位", "各县(市、区)人民政府"] and not task.departments


@pytest.mark.parametrize("line, lead", [
    ("1.推进总部建设。\n牵头单位:总部办、五金城、科技局;配合单位:经贸局", ["总部办", "五金城", "科技局"]),
    ("1.实施安居工程。\n责任单位:相关镇街区;配合单位:公安局、规划局", []),              # only a placeholder leads
    ("1.推进外贸。\n责任单位:外贸局、发改局", ["外贸局"]),                                # no role: the first leads
])
def test_every_unit_in_a_lead_role_is_lead(tmp_path, line, lead):
    path = tmp_path / "plan.txt"
    path.write_text(line + "\n", encoding="utf-8")
    assert duty_preview(read_document(path).tasks[0]).lead == lead
