"""Cross-government answers (issue 16): shared facility types and centrality compare governments by function
and never pool two governments' departments: 成都市's 市教育局 and 临潼区's 区教育局 are different bodies that
do the same thing."""
from __future__ import annotations

import httpx
import pytest
from conftest import CD, LT, serving

from dutygraph.graph import reports
from dutygraph.service.app import Settings, create_app

GOVERNMENTS = {"成都市", "西安市临潼区"}
EDUCATION = "https://w3id.org/dutygraph/function/education"
EMERGENCY = "https://w3id.org/dutygraph/function/emergency-management"


@pytest.fixture(scope="module")
def ranked(loaded_store):
    return reports.centrality(loaded_store)


@pytest.fixture(scope="module")
def by_function(loaded_store):
    return {f["facility_type"]: f for f in reports.shared_facilities(loaded_store, by="function")}


def test_centrality_ranks_departments_within_their_own_government(ranked):
    """Every department carries the government it was measured in, and each government has its own ranks
    1..n: no list holds 成都市's and 临潼区's departments together."""
    assert {d["jurisdiction"] for d in ranked} == GOVERNMENTS
    for government in GOVERNMENTS:
        ranks = [d["rank"] for d in ranked if d["jurisdiction"] == government]
        assert ranks == list(range(1, len(ranks) + 1)), government
    for d in ranked:
        assert ("/org/chengdu/" in d["iri"]) == (d["jurisdiction"] == "成都市"), d
    positions = [i for i, d in enumerate(ranked) if d["jurisdiction"] == "成都市"]
    assert positions == list(range(len(positions)))          # one government after another, not interleaved


@pytest.mark.parametrize("government, department", [("成都市", "市应急局"), ("西安市临潼区", "区应急管理局")])
def test_centrality_of_one_government(loaded_store, government, department):
    only = reports.centrality(loaded_store, jurisdiction=government)
    assert only and {d["jurisdiction"] for d in only} == {government}
    assert department in [d["department"] for d in only[:5]]


def test_centrality_by_function_compares_governments(loaded_store):
    """scope=function: one item per function, each government's own value and departments as evidence."""
    functions = {f["function"]: f for f in reports.centrality(loaded_store, scope="function")}
    emergency = functions[EMERGENCY]
    assert emergency["scope"] == "function" and emergency["family_label"] == "安全应急"
    assert {g["jurisdiction"]: g["departments"] for g in emergency["governments"]} == \
        {"成都市": ["市应急局"], "西安市临潼区": ["区应急管理局"]}
    assert emergency["centrality"] == round(sum(g["centrality"] for g in emergency["governments"]) / 2, 4)


def test_a_merged_body_splits_its_weight_across_its_functions(loaded_store, ranked):
    """区科工商务局 (科技 + 经济和信息化 + 商务) counts a third of its centrality for each function."""
    body = next(d for d in ranked if d["department"] == "区科工商务局")
    functions = reports.centrality(loaded_store, scope="function", jurisdiction="西安市临潼区")
    carrying = [f for f in functions if "区科工商务局" in f["governments"][0]["departments"]]
    assert {f["label"] for f in carrying} == {"科技", "经济和信息化", "商务"}
    for f in carrying:                                    # in 临潼区 it is the only body of these functions
        assert f["governments"][0]["departments"] == ["区科工商务局"]
        assert f["governments"][0]["centrality"] == pytest.approx(body["centrality"] / 3, abs=1e-4)


def test_centrality_is_stored_per_government_and_per_function(loaded_store):
    ask = """PREFIX dg: <https://w3id.org/dutygraph/ontology#>
      ASK { GRAPH <https://w3id.org/dutygraph/graph/analysis> {
              <https://w3id.org/dutygraph/org/chengdu/emergency> dg:centralityIn "成都市" .
              ?f a dg:FunctionCentrality ; dg:ofFunction <%s> ; dg:centralityIn "西安市临潼区" ;
                 dg:fromDepartment <https://w3id.org/dutygraph/org/xian-lintong/emergency> } }""" % EMERGENCY
    assert bool(loaded_store.query(ask)) is True


def test_schools_are_shared_by_function_across_the_two_governments(by_function):
    """Both plans name 学校: 教育 carries it in both governments (市教育局, 区教育局), and so does 应急管理."""
    school = by_function["学校"]
    assert set(school["governments"]) == GOVERNMENTS
    assert {"教育", "应急管理"} <= set(school["shared_functions"])
    education = next(c for c in school["functions"] if c["function"] == EDUCATION)
    assert education["family_label"] == "社会事业"
    evidence = {g["jurisdiction"]: g["departments"] for g in education["governments"]}
    assert "市教育局" in evidence["成都市"] and "区教育局" in evidence["西安市临潼区"]
    for g in education["governments"]:
        assert g["tasks"] and all(("/chengdu_task_table/" in t) == (g["jurisdiction"] == "成都市") for t in g["tasks"])


def test_sharing_by_function_within_one_plan_is_one_government(loaded_store):
    one = reports.shared_facilities(loaded_store, plan=LT, by="function")
    assert one and all(f["governments"] == ["西安市临潼区"] and not f["shared_functions"] for f in one)


def test_sharing_by_function_filters(loaded_store, by_function):
    both = reports.shared_facilities(loaded_store, by="function", min_governments=2)
    assert both and all(len(f["governments"]) == 2 for f in both) and len(both) < len(by_function)
    named = reports.shared_facilities(loaded_store, by="function", department="区教育局")
    assert "学校" in {f["facility_type"] for f in named}
    with pytest.raises(ValueError):
        reports.shared_facilities(loaded_store, by="pair")
    with pytest.raises(ValueError):
        reports.centrality(loaded_store, scope="pooled")


def test_department_pairs_within_one_plan_are_unchanged(loaded_store):
    """The default answer for one plan still pairs departments, all of that plan's government."""
    school = next(f for f in reports.shared_facilities(loaded_store, plan=CD) if f["facility_type"] == "学校")
    assert all("/org/chengdu/" in d for d in school["department_ids"])
    assert ["市住建局", "市应急局"] in school["co_responsible"]


@pytest.fixture(scope="module")
def http(loaded_store):
    with serving(create_app(Settings(timeout_s=5), store=loaded_store)) as url, \
            httpx.Client(base_url=url, timeout=60, headers={"Accept-Language": "zh-CN"}) as client:
        yield client


@pytest.mark.parametrize("path, params", [
    ("/api/shared-facilities", {"by": "function"}),
    ("/api/centrality", {"scope": "function"}),
    ("/api/centrality", {}),
])
def test_api_answers_as_the_library(http, loaded_store, path, params):
    got = http.get(path, params=params)
    assert got.status_code == 200, got.text
    items = got.json()
    expected = (reports.shared_facilities(loaded_store, by="function") if "shared" in path
                else reports.centrality(loaded_store, **params))
    assert items == expected


@pytest.mark.parametrize("path, params", [("/api/shared-facilities", {"by": "pair"}),
                                          ("/api/centrality", {"scope": "pooled"})])
def test_api_rejects_unknown_comparisons(http, path, params):
    assert http.get(path, params=params).status_code == 422


def test_all_plans_page_shows_functions_not_department_pairs(http):
    """With 全部计划 the shared-facilities page compares functions across governments: a 职能 column, both
    governments on 教育's 学校 row; one plan's page still lists its departments."""
    every = http.get("/questions/shared-facilities", params={"plan": "all", "size": "200", "q": "学校"}).text
    main = every.split("<main>")[1]
    assert "职能" in main and "教育" in main and "成都市、西安市临潼区" in main
    assert "市教育局" in main and "区教育局" in main                       # the evidence, per government
    assert "同一任务上共同负责的部门" not in main
    one = http.get("/questions/shared-facilities", params={"plan": CD}).text.split("<main>")[1]
    assert "职能类别" not in one and "市应急局" in one


def test_all_plans_centrality_page_never_ranks_two_governments_together(http):
    every = http.get("/questions/centrality", params={"plan": "all", "size": "100"}).text.split("<main>")[1]
    assert "平均中心度" in every and "应急管理" in every and "本政府内名次" not in every
    one = http.get("/questions/centrality", params={"plan": LT, "size": "100"}).text.split("<main>")[1]
    assert "本政府内名次" in one and "区应急管理局" in one and "市应急局" not in one


def test_the_cli_gives_the_same_comparison_by_function(tmp_path):
    """`dutygraph report … --scope function` / `--by function` print the library's JSON (the CLI is a thin shell)."""
    import json

    import pyoxigraph as ox
    from conftest import CHENGDU, LINTONG
    from typer.testing import CliRunner

    from dutygraph.graph.load import load_files
    from dutygraph.service.cli import app as cli

    folder = tmp_path / "store"
    store = ox.Store(str(folder))
    load_files(store, [CHENGDU, LINTONG])
    expected = reports.centrality(store, scope="function")
    del store
    result = CliRunner().invoke(cli, ["report", "centrality", "--scope", "function", "--store", str(folder)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(json.dumps(expected)) and expected
    wrong = CliRunner().invoke(cli, ["report", "orphans", "--scope", "function", "--store", str(folder)])
    assert wrong.exit_code == 2
