"""General rules written against the unseen set's failure classes, each on a small made-up text: a one-cell-per-line
header with a label we do not know and words broken over two lines, a unit cell spanning lines, a second task line
under merged cells, `责任单位及责任人：` lines with a post, a deadline opening the statement, `A负责甲，B负责乙`; a Word
table extracted with no separators at all (run-on-table)."""
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


RUN_ON = ("2022年民生实事责任分解表.docx\n"
          "1、2022年民生实事责任分解表序号项目名称主要内容区政府分管领导牵头单位配合单位1改善城区供水新建水厂2座,"
          "改造管网30公里。李强水务局开发区科技园(东湖\n"
          "2、镇)各街道区国有公司2推进养老服务新增床位300张,建成站点3个。李强民政局卫健局各街道3美化街巷完成老街"
          "立面改造。李强文旅局城投公司推进河道整治、老桥修缮。芮晓明住建局东城街道西城街道")


def test_run_on_table_rows_start_at_the_next_number_after_unit_names():
    plan = parse_text(RUN_ON, "t.txt", "t")
    assert plan.layout == "run-on-table" and [t.number for t in plan.tasks] == [1, 2, 3, 3]
    first, second = plan.tasks[:2]
    assert first.text.startswith("改善城区供水") and second.text.startswith("推进养老服务")   # 2座, 300张, 3个 are figures
    # the page marker 2、 inside 科技园(东湖镇) was dropped; a bracket closes a name, the next one starts after it
    assert first.departments == ["水务局", "开发区", "科技园(东湖镇)", "区国有公司"] and first.collective_units == ["各街道"]
    assert lead_of(first) == ["水务局"] and first.lines == (2, 2)
    assert second.departments == ["民政局", "卫健局"] and second.collective_units == ["各街道"]


def test_run_on_table_person_column_and_two_tasks_in_one_row():
    plan = parse_text(RUN_ON, "t.txt", "t")
    third, fourth = plan.tasks[2:]
    assert [t.persons for t in plan.tasks] == [["李强"], ["李强"], ["李强"], ["芮晓明"]]   # 李强 recurs; 芮 is no listed surname
    assert third.departments == ["文旅局", "城投公司"] and fourth.text.startswith("推进河道整治")
    assert fourth.departments == ["住建局", "东城街道", "西城街道"] and lead_of(fourth) == ["住建局"]


def test_unit_names_run_together_are_split_by_their_endings():
    from dutygraph.loaders.run_on_table import segment_units

    assert segment_units("文体局城投公司各街道推进改造")[0] == ["文体局", "城投公司", "各街道"]
    assert segment_units("高新园(南湖镇)经开区")[0] == ["高新园(南湖镇)", "经开区"]


def test_a_header_line_with_separators_is_no_run_on_table():
    text = "序号 工作任务 牵头单位 配合单位\n1 新建水厂。 市水务局 市财政局\n2 改造管网。 市住建局 市水务局\n"
    assert parse_text(text, "t.txt", "t").layout != "run-on-table"
