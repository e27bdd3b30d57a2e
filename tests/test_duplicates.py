"""Within-plan duplicates versus parallel families on real rows of the two sample documents: the same
order in other words (两客一危 / 长途客运车辆、旅游客车、危险物品运输车辆, a short duty contained in a long
paragraph) is a duplicate; one template repeated for another facility stays parallel; the same object
with a different action or product is neither."""
from __future__ import annotations

import pytest

from conftest import CD, LT, t

from dutygraph.graph import reports
from dutygraph.graph.duplicates import find_in_plan, order_parts, slots

@pytest.fixture(scope="module")
def found(loaded_store):
    items = reports.duplicates(loaded_store)
    duplicates = {frozenset(f["tasks"]): f for f in items if f["kind"] == "duplicate"}
    families = [set(f["tasks"]) for f in items if f["kind"] == "parallel"]
    return duplicates, families


@pytest.mark.parametrize("plan, a, b, why", [
    (LT, 38, 82, "两客一危 = 长途客运车辆、旅游客车、危险物品运输车辆; 安装 防碰撞/智能视频监控"),
    (LT, 13, 80, "设置中央隔离设施 on 一级公路, differently qualified"),
    (LT, 45, 61, "加强广告牌、灯箱和楼房外墙附着物管理 inside a longer list"),
    (LT, 30, 57, "风险评估 of 大型群众性活动, 57 names more places"),
    (CD, 121, 122, "开展餐饮企业监督检查 inside a list of 执法检查"),
    (CD, 118, 122, "劳动密集型加工企业 inside the same list"),
    (CD, 106, 136, "油气长输管道定检率 = 定期对石油天然气输送管道进行检验"),
    (CD, 53, 54, "功能区安全风险评估率 = 对城市功能区进行安全风险评估"),
])
def test_same_order_in_other_words_is_a_duplicate(found, plan, a, b, why):
    duplicates, _ = found
    finding = duplicates.get(frozenset((t(plan, a), t(plan, b))))
    assert finding is not None, why
    assert finding["evidence"].startswith("same action and object")


@pytest.mark.parametrize("plan, a, b", [
    (CD, 120, 121), (CD, 143, 144), (CD, 144, 145), (CD, 67, 68), (CD, 174, 175),
    (CD, 276, 277), (CD, 15, 16), (CD, 49, 50),
])
def test_template_for_another_facility_stays_parallel(found, plan, a, b):
    duplicates, families = found
    pair = {t(plan, a), t(plan, b)}
    assert frozenset(pair) not in duplicates
    assert any(pair <= family for family in families)


@pytest.mark.parametrize("plan, a, b, why", [
    (CD, 174, 184, "制定标准 / 推进标准化达标"),
    (CD, 136, 137, "定期检验 / 挂牌督办"),
    (CD, 99, 211, "施工安全检查 / 技术状况检测评估"),
    (CD, 209, 210, "城市桥梁 / 公路桥梁: kinds of 桥梁"),
    (CD, 109, 110, "制定考核发证制度 / 制定安全管理办法: different products"),
    (LT, 44, 45, "老旧房屋隐患排查 / 老旧建筑管理 + 广告牌隐患排查"),
    (LT, 8, 31, "制修订管理办法 / 隐患排查治理 over the same list"),
])
def test_same_object_other_order_is_no_duplicate(found, plan, a, b, why):
    duplicates, _ = found
    assert frozenset((t(plan, a), t(plan, b))) not in duplicates, why


def test_slots_normalise_wording():
    short = slots("长途客运车辆、旅游客车、危险物品运输车辆安装防碰撞、智能视频监控报警装置")
    abbreviated = slots("强制安装“两客一危”车辆智能视频监控报警、防碰撞装置")
    assert short.actions == abbreviated.actions == {"install"}
    assert short.objects == abbreviated.objects
    assert "test" in slots("油气长输管道定检率 100%").actions
    assert slots("加强广告牌、灯箱和楼房外墙附着物管理，严防倒塌").actions >= {"manage"}
    assert slots("制定民爆物品安全管理办法").products == {"rules"}


def test_order_parts_cut_sentences_at_commas():
    assert order_parts("1.加强广告牌管理，严防倒塌和坠落事故；2.开展餐饮企业监督检查。") == [
        ["加强广告牌管理", "严防倒塌和坠落事故"], ["开展餐饮企业监督检查"]]


def test_output_contract():
    tasks = [
        {"id": "a", "kind": "task", "text": "开展餐饮企业安全检查。", "requirements": "", "facility_types": ["餐饮场所"]},
        {"id": "b", "kind": "task", "text": "开展劳动密集型加工企业、大型工业品市场和餐饮企业安全监察执法检查。",
         "requirements": "", "facility_types": ["劳动密集型加工企业", "大型工业品市场", "餐饮场所"]},
    ]
    tasks += [{"id": f"x{k}", "kind": "task", "text": text, "requirements": "", "facility_types": []}
              for k, text in enumerate(["制定防汛安全应急手册。", "建立城市安全风险管理信息平台。", "编制应急物资储备规划。"])]
    [finding] = [f.as_json() for f in find_in_plan(tasks)]
    assert finding["tasks"] == ["a", "b"] and finding["kind"] == "duplicate"
    assert 0 < finding["score"] <= 1 and "餐饮" in finding["evidence"] and "inspect" in finding["evidence"]
