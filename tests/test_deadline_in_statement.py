"""The deadline rule of 2026-12-02 on made-up texts: a duty without a deadline cell or bracket takes the FIRST completion
time its statement writes, as the minimal phrase; validity periods, start dates, facts, frequencies, base years,
annual amounts and ongoing phrases are no deadlines (auditors list a duty without a deadline as an orphan)."""
from __future__ import annotations

import pytest

from dutygraph.loaders.detect import parse_text
from dutygraph.loaders.statement_deadline import statement_deadline


@pytest.mark.parametrize(("text", "phrase"), [
    ("各街道要于2023年9月底前完成燃气管道排查整治。", "2023年9月底前"),         # …年…月底前 (于 is not part of it)
    ("2024年底前，建成区级应急指挥平台并投入运行。", "2024年底前"),             # …年底前
    ("确保9月底前全部完成消防通道清理。", "9月底前"),                           # …月底前
    ("今年底前完成全部小作坊登记。", "今年底前"),
    ("10月15日前报送隐患整改台账。", "10月15日前"),
    ("到2025年，全区危化品企业全部完成智能化改造。", "到2025年"),               # 到20XX年
    ("推进校舍加固，到2026年底实现抗震设防全覆盖。", "到2026年底"),
    ("力争2026年前实现重点行业监测全覆盖。", "2026年前"),                       # 20XX年前
    ("3年内培训基层安全员不少于800人次。", "3年内"),                            # X年内
    ("加快布点，三年内建成覆盖全县的水质监测网络。", "三年内"),
    ("整改方案印发后6个月内完成销号。", "6个月内"),
    ("力争2026年内完成全部桥梁检测。", "2026年内"),
    ("各镇要在本通知下发之日起15日内，报送排查清单。", "在本通知下发之日起15日内"),  # …之日起N日内
    ("2025年完成全部老旧燃气管网改造。", "2025年"),                            # 20XX年完成
    ("2023年6月底前完成摸底，2023年底前完成整治。", "2023年6月底前"),           # the FIRST time written
    ("开展摸底调查，到2027年，建成区域救援基地，2025年底前完成选址。", "到2027年"),
    ("2022 年 10 月底前，完成避难场所标识设置。", "2022 年 10 月底前"),         # spaced as a PDF gives it
])
def test_a_completion_time_in_the_statement_is_its_deadline(text: str, phrase: str) -> None:
    assert statement_deadline(text) == phrase


@pytest.mark.parametrize("text", [
    "补贴政策执行期为2023年1月1日至12月31日，逾期不再受理。",                  # a validity period
    "补贴执行期为2023年1月1日到2024年12月31日。",
    "2019年至2020年在全县开展城乡环境专项整治。",                               # a campaign period
    "从2023年3月1日起，全面实行网格化巡查。",                                   # a start date
    "自本办法施行之日起，新建项目须同步配套消防设施。",                         # 自…之日起 with no span after it
    "2017年以来，累计整治各类隐患点200余处。",                                  # a fact
    "截至2022年底，已建成微型消防站40个。",
    "每年组织开展两次综合应急演练。",                                           # a frequency
    "各单位每年6月底前报送年度安全生产工作总结。",
    "力争全年事故总量比2018年下降15%以上。",                                    # a base year
    "2021年安排专项资金300万元用于隐患整改。",                                  # an annual amount
    "2020年完成固定资产投资12亿元。",
    "近3年内未发生较大事故的企业，可适当减少检查频次。",                        # a reference period
    "违法失信企业3年内不得参与政府采购活动。",                                  # a sanction period
    "2000年以前建成的老旧小区全部纳入改造范围。",                               # an attribute
    "长期坚持开展安全生产宣传进企业活动。",                                     # ongoing: stays open-ended
    "持续推进重点行业领域隐患排查治理。",
])
def test_times_that_are_no_deadline(text: str) -> None:
    assert statement_deadline(text) == ""


PROSE = "\n".join([
    "一、重点任务",
    "（一）完善监测网络。2024年6月底前，建成全区水雨情自动监测站点。（区水务局牵头，区财政局配合）",
    "（二）开展隐患排查。到2025年，完成全部病险水库除险加固，2024年底前完成初步设计。（区水务局负责，2026年底前）",
    "（三）加强宣传教育。每年组织开展防汛知识进社区活动。（区应急局负责）",
    "（四）强化队伍建设。各镇要在本方案印发之日起20日内，组建防汛抢险队伍。（各镇人民政府负责）",
])


def test_prose_duties_take_their_statement_time_unless_the_bracket_gives_one() -> None:
    tasks = parse_text(PROSE, "t.txt", "t").tasks
    written = [t.deadline.raw if t.deadline else None for t in tasks]
    assert written == ["2024年6月底前", "2026年底前", None, "在本方案印发之日起20日内"]
    assert tasks[0].deadline is not None and tasks[0].deadline.end == "2024-06"
    assert tasks[0].departments == ["区水务局", "区财政局"]                      # units are untouched


TABLE = "\n".join([
    "序号 主要任务 细化措施 牵头单位 配合单位 完成时限",
    "1 加强水源保护 划定水源保护区,到2025年,县级水源地全部达标。 县水利局 县生态环境分局",
    "2 加强河道 整治 清理河道障碍,2024年底前完成主要河道清淤。 县水利局 县农业农村局 2025年6月底前",
])


def test_table_rows_take_the_time_of_their_statement_cells_when_their_deadline_cell_is_empty() -> None:
    tasks = parse_text(TABLE, "t.txt", "t").tasks
    assert [t.deadline.raw if t.deadline else None for t in tasks] == ["到2025年", "2025年6月底前"]


def test_the_lintong_measure_that_writes_its_completion_time_takes_it(lintong) -> None:
    """Measure 14 (line 539: '2020 年 12 月底前，负有安全生产监管职责的部门…达到…标准'); the other 20 state none."""
    measures = [t for t in lintong.tasks if t.kind == "measure"]
    dated = {t.number: t.deadline.raw for t in measures if t.deadline}
    assert dated == {14: "2020 年 12 月底前"}
    assert measures[13].deadline is not None and measures[13].deadline.end == "2020-12"
