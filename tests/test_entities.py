"""Entities (departments, facility types, regulations, indicators) against the hand-labelled sample,
with the thresholds of the Entities issue; and concrete answers on real rows."""
from __future__ import annotations

import pytest
from conftest import GOLD

from dutygraph.graph import listings
from dutygraph.graph.evaluation import entity_scores
from dutygraph.graph.indicators import find_targets
from dutygraph.graph.regulations import find_citations
from dutygraph.graph.tasks import list_tasks

THRESHOLDS = {"departments": 0.99, "regulations": 0.95, "indicators": 0.90, "facility_types": 0.85}


@pytest.fixture(scope="module")
def scores(loaded_store):
    return entity_scores(loaded_store, GOLD)


@pytest.mark.parametrize("kind", sorted(THRESHOLDS))
def test_precision_and_recall_meet_the_bar(scores, kind):
    assert scores[kind]["expected"] > 10
    assert scores[kind]["precision"] >= THRESHOLDS[kind], scores[kind]
    assert scores[kind]["recall"] >= THRESHOLDS[kind], scores[kind]


def _task(store, plan, number, kind="task"):
    return next(t for t in list_tasks(store, plan=plan, kind=kind) if t["number"] == number)


def test_same_function_at_two_levels_is_linked(loaded_store):
    query = """PREFIX dg: <https://w3id.org/dutygraph/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
      SELECT ?name WHERE { ?d dg:function ?f ; skos:prefLabel ?name . ?f skos:prefLabel "应急管理"@zh } ORDER BY ?name"""
    names = {s["name"].value for s in loaded_store.query(query, use_default_graph_as_union=True)}
    assert {"市应急局", "区应急管理局"} <= names


def test_variants_resolve_to_one_node(loaded_store):
    row7 = _task(loaded_store, "lintong_plan", 7)
    row16 = _task(loaded_store, "lintong_plan", 16)
    assert "资源规划临潼分局" in row7["departments"]        # written 自然规划临潼分局 in task 7
    shared = set(row7["department_ids"]) & set(row16["department_ids"])
    assert any(i.endswith("/xian-lintong/natural-resources") or "natural" in i for i in shared)


def test_collective_units_are_typed(loaded_store):
    units = {u["name"]: u for u in listings.departments(loaded_store)}
    assert units["市级各相关部门"]["kind"] == "collective"
    assert units["各街办"]["kind"] == "collective"
    assert units["市应急局"]["kind"] == "department" and units["市应急局"]["functions"] == ["应急管理"]


@pytest.mark.parametrize("plan, number, facility", [
    ("chengdu_task_table", 68, "学校"), ("chengdu_task_table", 23, "燃气管网"), ("chengdu_task_table", 123, "电梯"),
    ("chengdu_task_table", 112, "露天矿山"), ("lintong_plan", 25, "尾矿库"), ("lintong_plan", 41, "铁路平交道口"),
])
def test_facility_tags_on_real_rows(loaded_store, plan, number, facility):
    assert facility in _task(loaded_store, plan, number)["facility_types"]


def test_one_node_per_regulation_across_plans(loaded_store):
    law = [r for r in listings.regulations(loaded_store) if r["title"] == "安全生产法"]
    assert len(law) == 1
    plans = {t.split("/task/")[1].split("/")[0] for t in law[0]["tasks"]}
    assert plans == {"chengdu_task_table", "lintong_plan"}


@pytest.mark.parametrize("text, expected", [
    ("《中共中央办公厅 国务院办公厅印发〈关于推进城市安全发展的意见〉的通知》（中办发〔2018〕1 号）",
     [("中共中央办公厅 国务院办公厅印发〈关于推进城市安全发展的意见〉的通知", "中办发〔2018〕1号")]),
    ("《西安市贯彻落实<地方党政领导干部安全生产责任制>实施细则》", [("西安市贯彻落实〈地方党政领导干部安全生产责任制〉实施细则", None)]),
    ("关于印发《安全生产行政执法与刑事司法衔接工作办法》的通知（应急〔2019〕54 号）",
     [("安全生产行政执法与刑事司法衔接工作办法", None), (None, "应急〔2019〕54号")]),
    ("没有任何引用的文字", []),
])
def test_citations(text, expected):
    assert [(c.title, c.number) for c in find_citations(text)] == expected


@pytest.mark.parametrize("text, expected", [
    ("安装率 100%", [("=", 100.0, "%", None)]),
    ("消防通信设施完好率≥95%", [("≥", 95.0, "%", None)]),
    ("气象灾害预警信息公众覆盖率＞90%", [(">", 90.0, "%", None)]),
    ("人均避难场所面积大于1.5平方米", [(">", 1.5, "平方米", None)]),
    ("三级医院安全管理标准化创建率不低于25%", [("≥", 25.0, "%", None)]),
    ("在接到出动指令后5分钟内消防队到达辖区边缘", [("≤", 5.0, "分钟", None)]),
    ("防洪标准基本达到 20 年一遇", [("≥", 20.0, "年一遇", None)]),
    ("每年至少开展一次专项检查", [("≥", 1.0, "次/年", None)]),
    ("规模以上工业企业2019年实现60%达标，2020年实现100%达标。", [("=", 60.0, "%", 2019), ("=", 100.0, "%", 2020)]),
    ("逐年下降", []),
])
def test_indicators(text, expected):
    assert [(t.op, t.value, t.unit, t.year) for t in find_targets(text)] == expected


def test_text_without_entities_gives_empty_lists(loaded_store):
    row1 = _task(loaded_store, "chengdu_task_table", 1)
    assert row1["regulations"] == [] and isinstance(row1["facility_types"], list)


def test_every_named_department_has_a_function_family(loaded_store):
    """The network colours departments by family: every concrete unit of the samples must have one."""
    query = """PREFIX dg: <https://w3id.org/dutygraph/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
      SELECT DISTINCT ?d ?family WHERE { ?t dg:responsible ?d . OPTIONAL { ?d dg:function/dg:family/skos:prefLabel ?family } }"""
    rows = list(loaded_store.query(query, use_default_graph_as_union=True))
    assert len({r["d"] for r in rows}) > 50
    assert [r["d"].value for r in rows if r["family"] is None] == []
    assert {"安全应急", "公安政法", "党群", "企业"} <= {r["family"].value for r in rows}
