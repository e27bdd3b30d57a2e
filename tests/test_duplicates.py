"""Within-plan duplicates, overlaps, restatements and parallel templates on real rows of the two sample
documents (issue 17): a Lintong measure that repeats a table task restates it; a template sub-item or
requirement shared by many rows is boilerplate; a template filled with another object or phase is parallel."""
from __future__ import annotations

import pytest
from conftest import CD, LT, t

from dutygraph.graph.duplicates import clauses, find_in_plan, sentences
from dutygraph.graph.paraphrases import slots
from dutygraph.graph.slot_conflicts import conflict
from dutygraph.graph.tasks import list_tasks


@pytest.fixture(scope="module")
def found(loaded_store):
    out = {}
    for plan in (CD, LT):
        for finding in find_in_plan(list_tasks(loaded_store, plan=plan)):
            out.setdefault(frozenset(finding.tasks), finding)
    return out


@pytest.mark.parametrize("a, b, kinds", [
    (("task", 17), ("measure", 5), {"restates"}),
    (("task", 20), ("measure", 5), {"restates"}),
    (("task", 1), ("measure", 1), {"restates", "overlap"}),
    (("task", 19), ("measure", 5), {"restates"}),
])
def test_a_measure_restating_a_task_is_found(found, a, b, kinds):
    finding = found.get(frozenset((t(LT, a[1], a[0]), t(LT, b[1], b[0]))))
    assert finding is not None and finding.kind in kinds, finding


@pytest.mark.parametrize("plan, a, b", [(CD, 118, 122), (CD, 204, 206)])
def test_a_shared_sub_duty_is_an_overlap(found, plan, a, b):
    finding = found.get(frozenset((t(plan, a), t(plan, b))))
    assert finding is not None and finding.kind in {"overlap", "duplicate"}, finding


@pytest.mark.parametrize("plan, a, b", [
    (CD, ("task", 121), ("task", 122)),        # 监督检查 inside a list's 安全监察执法检查
    (CD, ("task", 164), ("task", 191)),        # 配备安全监管人员 / 配置…功能区安全监管执法人员
    (LT, ("task", 31), ("task", 62)),          # 配备…楼长 / 推行…楼长制度
    (LT, ("measure", 7), ("measure", 12)),     # 设置…楼长 / 推行…楼长制度
    (LT, ("task", 38), ("task", 82)),          # 长途客运车辆、旅游客车、危险物品运输车辆 / 两客一危
])
def test_a_paraphrased_order_is_an_overlap(found, plan, a, b):
    finding = found.get(frozenset((t(plan, a[1], a[0]), t(plan, b[1], b[0]))))
    assert finding is not None and finding.kind in {"overlap", "duplicate"}, finding


@pytest.mark.parametrize("plan, a, b", [
    (CD, ("task", 119), ("task", 122)),        # 商业商务楼宇内的商场超市 / a list naming 商业商务楼宇
    (LT, ("task", 31), ("task", 33)),          # 各类游乐场所和游乐设施 / a list naming 游乐设施: one shared sub-duty
    (LT, ("task", 40), ("task", 58)),          # 两客一危道路运输企业 within 58's 交通运输…行业企业 (its title's scope)
    (LT, ("task", 42), ("task", 80)),          # 隐患按计划完成整改 / 隐患治理: 完成 on one side names no other step
    (LT, ("task", 29), ("measure", 11)),       # 大客流… shared by three tasks, repeated by a measure
    (CD, ("task", 22), ("task", 211)),         # 安全设施的检查 / 安全设施隐患排查
    (CD, ("task", 244), ("task", 245)),        # 推行…责任保险制度试点 / 试点推广…责任险
])
def test_a_listed_or_broader_scope_shares_the_order(found, plan, a, b):
    finding = found.get(frozenset((t(plan, a[1], a[0]), t(plan, b[1], b[0]))))
    assert finding is not None and finding.kind in {"overlap", "duplicate", "restates"}, finding


def test_a_swapped_qualifier_of_a_shared_head_noun_stays_a_slot():
    """金属冶炼高危企业 / 建筑施工等高危企业: both name 高危企业, but as the head the swapped words qualify."""
    from dutygraph.graph.duplicates import Clause, bigrams

    a, b = "督促符合条件的金属冶炼高危企业依法建立专职消防队", "督促符合条件的建筑施工等高危企业依法建立专职消防队"
    why = conflict(Clause(0, a, False, bigrams(a)), Clause(1, b, False, bigrams(b)))
    assert why.startswith("object:"), why


@pytest.mark.parametrize("a, b", [(("task", 8), ("schedule", 11)), (("task", 8), ("schedule", 13)),
                                  (("task", 55), ("schedule", 9))])
def test_a_schedule_milestone_overlaps_its_task(found, a, b):
    finding = found.get(frozenset((t(LT, a[1], a[0]), t(LT, b[1], b[0]))))
    assert finding is not None and finding.kind == "overlap", finding


@pytest.mark.parametrize("plan, a, b", [
    (CD, 3, 4), (CD, 4, 5), (CD, 139, 140), (CD, 68, 69), (CD, 63, 70), (CD, 76, 77), (CD, 130, 131),
    (LT, 1, 2), (LT, 29, 30), (CD, 276, 277), (CD, 277, 278), (CD, 207, 208), (CD, 210, 211), (CD, 18, 19),
])
def test_templates_and_boilerplate_are_no_duplicates(found, plan, a, b):
    finding = found.get(frozenset((t(plan, a), t(plan, b))))
    assert finding is None or finding.kind == "parallel", finding


@pytest.mark.parametrize("a, b", [(11, 13), (1, 3)])
def test_another_phase_of_one_piece_of_work_is_parallel(found, a, b):
    finding = found.get(frozenset((t(LT, a, "schedule"), t(LT, b, "schedule"))))
    assert finding is None or (finding.kind == "parallel" and finding.slot), finding


def test_findings_are_sorted_by_confidence(loaded_store):
    scores = [f.score for f in find_in_plan(list_tasks(loaded_store, plan=LT))]
    assert scores == sorted(scores, reverse=True) and all(0 < s <= 1 for s in scores)


def test_clauses_follow_numbered_items_and_comma_parts():
    assert sentences("1.加强广告牌管理；2.开展餐饮企业监督检查。") == ["加强广告牌管理", "开展餐饮企业监督检查"]
    assert "推动城市产业结构调整" in clauses("严格执行城市安全生产禁止和限制类产业目录，推动城市产业结构调整，治理整顿安全生产条件落后的生产经营单位")


def test_slots_normalise_wording():
    short = slots("长途客运车辆、旅游客车、危险物品运输车辆安装防碰撞、智能视频监控报警装置")
    abbreviated = slots("强制安装“两客一危”车辆智能视频监控报警、防碰撞装置")
    assert short.actions == abbreviated.actions == {"install"} and short.objects == abbreviated.objects


def test_a_role_system_is_the_staffing_of_the_role():
    system = slots("推行高层建筑消防安全经理人或楼长制度")
    staffed = slots("高层建筑按规定配备消防安全经理人、楼长")
    assert system.actions == staffed.actions == {"equip"} and system.objects == staffed.objects


def test_output_contract():
    tasks = [
        {"id": "a", "kind": "task", "number": 1, "text": "开展餐饮企业安全检查。", "requirements": "", "facility_types": []},
        {"id": "b", "kind": "measure", "number": 1, "requirements": "", "facility_types": [],
         "text": "加强商贸领域安全。开展劳动密集型加工企业、大型工业品市场和餐饮企业安全检查，严防事故。"},
    ]
    tasks += [{"id": f"x{k}", "kind": "task", "number": 2 + k, "text": text, "requirements": "", "facility_types": []}
              for k, text in enumerate(["制定防汛安全应急手册。", "建立城市安全风险管理信息平台。", "编制应急物资储备规划。",
                                       "完善消防站点布局建设。", "推进安全社区民生工程建设。", "培育安全文化教育体验基地。",
                                       "落实地质灾害隐患排查治理。", "提升燃气管道巡线检查水平。"])]
    [finding] = [f.as_json() for f in find_in_plan(tasks)]
    assert finding["tasks"] == ["a", "b"] and finding["kind"] in {"overlap", "restates"}
    assert 0 < finding["confidence"] <= 1 and "餐饮" in finding["evidence"] and "餐饮企业" in finding["shared"]
