"""General rules written against the unseen set's failure classes, each on a small made-up text: a one-cell-per-line
header with a label we do not know and words broken over two lines, a unit cell spanning lines, a second task line
under merged cells, `责任单位及责任人：` lines with a post, a deadline opening the statement, `A负责甲，B负责乙`."""
from __future__ import annotations

from dutygraph.loaders.detect import parse_text
from dutygraph.loaders.preview import lead_of

CELL_PER_LINE = "\n\n".join([
    "2016年民生实事分解表", "序号", "民生实事", "责任", "单位", "完成时限",
    "1", "新建城东污水处理厂。", "县住建局", "县水务局", "12月底前",
    "2", "开工建设县养老中心。", "县民政局", "5月底前动工", "开工建设老年大学。", "12月底前",
])


def test_one_cell_per_line_table_with_unknown_label_and_units_over_lines():
    plan = parse_text(CELL_PER_LINE, "t.txt", "t")
    first, second, third = plan.tasks
    assert first.departments == ["县住建局", "县水务局"] and lead_of(first) == ["县住建局"]
    assert first.deadline is not None and first.deadline.raw == "12月底前"
    assert second.text.startswith("开工建设县养老中心") and second.deadline.raw == "5月底前动工"
    assert third.text.startswith("开工建设老年大学") and third.departments == [] and third.deadline.raw == "12月底前"


def test_units_and_persons_line_with_a_post_and_a_leading_deadline():
    text = "附件\n一、站点建设\n1.2009年底前,完成消防二中队建设。\n责任单位及责任人:甲县政府、市财政局主要领导。\n" \
           "2.2010年底前,完成消防三中队建设。\n责任单位及责任人:乙区政府主要领导。\n"
    plan = parse_text(text, "t.txt", "t")
    assert [t.departments for t in plan.tasks] == [["甲县政府", "市财政局"], ["乙区政府"]]
    assert [t.deadline.raw for t in plan.tasks] == ["2009年底前", "2010年底前"]


def test_several_responsible_clauses_in_one_sentence_are_several_duties():
    text = "(二)职责分工。工作实行分片包干,具体为:县公安局负责甲镇、乙镇,县文体局负责丙街道,县工商局负责丁街道。\n"
    plan = parse_text(text, "t.txt", "t")
    assert [lead_of(t) for t in plan.tasks] == [["县公安局"], ["县文体局"], ["县工商局"]]
