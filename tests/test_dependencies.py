"""Task dependencies on the real documents: pairs that must be found (with their kind) and pairs that must not,
each a real row of data/samples; plus the name matching they rest on, on phrases copied from those rows."""
from __future__ import annotations

import pytest
from conftest import CD, LT, t

from dutygraph.graph.dependencies import _fuzzy_same, _names_in, created_artefacts, find_dependencies
from dutygraph.graph.tasks import list_tasks


@pytest.fixture(scope="module")
def deps(loaded_store) -> dict[tuple[str, str], dict]:
    return {(d["from"], d["to"]): d for d in find_dependencies(list_tasks(loaded_store))}


S = "schedule"


@pytest.mark.parametrize("dependent, prerequisite, kind, evidence", [
    # explicit: the statement or requirements use what the other duty's statement builds
    (t(CD, 220), t(CD, 217), "explicit", "安全生产综合信息平台"),        # 实时传输 into the platform 217 builds
    (t(CD, 216), t(CD, 217), "explicit", "安全生产综合信息平台"),
    (t(CD, 223), t(CD, 217), "explicit", "安全生产综合信息平台"),
    (t(CD, 57), t(CD, 58), "explicit", "依托系统"),          # 58's requirement: 依托系统绘制…分布图, which 57 draws
    (t(LT, 11, S), t(LT, 95), "explicit", "应急管理指挥平台"),  # 95 builds the 应急指挥平台 (other modifier)
    (t(LT, 10, S), t(LT, 4, S), "explicit", "对照实施方案"),   # the 实施方案 step 4 issues (印发《…》)
    (t(LT, 14, S), t(LT, 12, S), "explicit", "自评"),          # 针对第一次自评存在突出问题 ← 12's 模拟自评
    (t(LT, 19, S), t(LT, 18, S), "explicit", "复核"),          # 针对省、市复核中存在问题 ← 18's 复核
    (t(LT, 15, S), t(LT, 11, S), "explicit", "安全设施"),      # builds what 11's 安全设施建设计划 plans
    # construction then operation
    (t(CD, 269), t(CD, 268), "construction_then_operation", "日常管理"),
    (t(CD, 25), t(CD, 24), "construction_then_operation", "管理维护"),   # 地下综合管廊 ~ 推进综合管廊建设
    (t(CD, 245), t(CD, 244), "construction_then_operation", "试点推广"),  # roll-out of 244's 责任保险 pilot
    # schedule order: the latest earlier step of the same work stream
    (t(LT, 2, S), t(LT, 1, S), "schedule_order", "征求"),
    (t(LT, 3, S), t(LT, 2, S), "schedule_order", "送审稿"),
    (t(LT, 4, S), t(LT, 3, S), "schedule_order", "印发"),
    (t(LT, 11, S), t(LT, 9, S), "schedule_order", "普查辨识建档"),
    (t(LT, 13, S), t(LT, 11, S), "schedule_order", "制修订"),
    # measure → task: the narrative measure needs the duty that implements it
    (t(LT, 7, "measure"), t(LT, 29), "measure_to_task", ""),
    (t(LT, 6, "measure"), t(LT, 24), "measure_to_task", ""),
    (t(LT, 20, "measure"), t(LT, 98), "measure_to_task", ""),
    (t(LT, 11, "measure"), t(LT, 55), "measure_to_task", ""),
])
def test_found(deps, dependent, prerequisite, kind, evidence):
    found = deps.get((dependent, prerequisite))
    assert found is not None, (dependent, prerequisite)
    assert found["kind"] == kind
    assert evidence in found["evidence"]


@pytest.mark.parametrize("dependent, prerequisite, why", [
    (t(CD, 58), t(CD, 57), "58 builds the platform the map is drawn with; it does not need the map"),
    (t(CD, 12), t(CD, 13), "规划安全评估论证制度 is not 13's 建设项目实施前安全评估论证制度 (shared tail only)"),
    (t(CD, 67), t(CD, 220), "人员密集场所 only modifies 220's 大客流监测预警平台"),
    (t(CD, 25), t(CD, 209), "建设地下综合管廊安全监测系统 builds a monitoring system, not the tunnel"),
    (t(CD, 66), t(CD, 19), "轨道交通运营 names operators, it is not running what 19 builds"),
    (t(LT, 31), t(LT, 8), "宗教活动场所… only exemplify 8's 各类设施安全管理办法"),
    (t(LT, 10, S), t(LT, 9, S), "普查摸底 of facilities is not 9's 风险普查辨识"),
    (t(LT, 12, S), t(LT, 11, S), "consecutive but unrelated steps"),
    (t(LT, 16, S), t(LT, 15, S), "consecutive but unrelated steps"),
    (t(LT, 18, S), t(LT, 17, S), "consecutive but unrelated steps"),
    (t(LT, 4, S), t(LT, 10, S), "a schedule step never depends on a later one"),
])
def test_not_found(deps, dependent, prerequisite, why):
    assert (dependent, prerequisite) not in deps, why


def test_every_dependency_is_well_formed(deps):
    kinds = {"explicit", "construction_then_operation", "schedule_order", "measure_to_task"}
    for (a, b), dep in deps.items():
        assert a != b and dep["kind"] in kinds and dep["evidence"]


@pytest.mark.parametrize("statement, built", [
    ("建立城市安全风险管理信息平台。", ["城市安全风险管理信息平台"]),
    ("建设包括监管监察、监测预警、应急指挥、辅助决策、政务管理为一体的应急指挥平台，建立完善", ["应急指挥平台"]),
    ("1.建立地铁站、车站、公园景区、大型商场超市等人员密集场所的大客流监测预警平台；", ["大客流监测预警平台"]),
    ("拟定《西安市临潼区国家安全发展示范城市创建实施方案（征求意见稿）》", ["西安市临潼区国家安全发展示范城市创建实施方案"]),
    ("1.绘制全市“红、橙、黄、蓝”四色等级安全风险空间分布图；", ["四色等级安全风险空间分布图"]),
])
def test_created_artefacts(statement, built):
    assert created_artefacts(statement) == built


def test_enumerated_examples_are_not_names():
    assert _names_in("城市高层建筑、大型商业综合体、宗教活动场所、港口、游乐设施等各类设施安全管理办法") == ["各类设施安全管理办法"]


@pytest.mark.parametrize("ref, built, same", [
    ("应急管理指挥平台", "应急指挥平台", True),              # a modifier more or less
    ("安全风险管理信息系统", "安全风险管理信息平台", True),     # 系统 ~ 平台
    ("监测预警信息发布平台", "应急指挥平台", False),
    ("信息平台", "安全生产综合信息平台", False),               # too generic to tie anything
    ("应急指挥平台", "应急指挥制度", False),                   # another kind of thing
])
def test_fuzzy_names(ref, built, same):
    assert _fuzzy_same(ref, built) is same
