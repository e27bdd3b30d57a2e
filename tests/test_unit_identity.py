"""One node per body per government: curated sample departments resolve exactly as before, spellings of one
body inside a plan merge, the same name in two governments stays two nodes linked by function, minted IRIs
are deterministic and carry the jurisdiction, and a load warns about units whose function is unknown."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from conftest import CHENGDU, LINTONG
from typer.testing import CliRunner

from dutygraph.graph import namespaces as ns
from dutygraph.graph.build import plan_triples
from dutygraph.graph.candidates import unit_candidates
from dutygraph.graph.load import load_plans
from dutygraph.graph.unit_identity import plan_units, resolve_department
from dutygraph.graph.vocabulary import vocabulary
from dutygraph.loaders import PlanRecord, TaskRecord, read_document
from dutygraph.service.cli import app

FN = "https://w3id.org/dutygraph/function/"


def _plan(plan_id: str, jurisdiction: str, level: str, rows: list[list[str]]) -> PlanRecord:
    tasks = [TaskRecord("task", i, f"任务{i}", departments=units, file=f"{plan_id}.txt", lines=(i, i))
             for i, units in enumerate(rows, start=1)]
    return PlanRecord(plan_id, f"{jurisdiction}工作任务分工表", f"{plan_id}.txt", "word-table",
                      jurisdiction=jurisdiction, level=level, issuer_level=level, tasks=tasks)


GUANGZHOU = [["市规划局", "市应急局"], ["规划局"], ["市规划和自然资源局", "市住建局"], ["广州市规划局"],
             ["市飞天中心"], ["黄埔区应急管理局"], ["公安天河分局", "公安越秀分局"]]


def _names(path):
    plan = read_document(path)
    return sorted({(n, plan.jurisdiction, plan.issuer_level or plan.level) for t in plan.tasks for n in t.departments})


@pytest.mark.parametrize("name, jurisdiction, level", _names(CHENGDU) + _names(LINTONG))
def test_sample_departments_resolve_to_their_curated_iri(name, jurisdiction, level):
    curated = vocabulary().resolve_unit(name, jurisdiction)
    assert curated is not None, name
    assert resolve_department(name, jurisdiction, level).iri == curated.iri


@pytest.mark.parametrize("path", [CHENGDU, LINTONG])
def test_samples_have_no_minted_units_and_no_unit_warnings(path):
    plan = read_document(path)
    units = plan_units(plan)
    assert all(u.curated is not None for u in units.units.values() if not u.collective)
    assert not [w for w in units.warnings if "function not recognised" in w]


def test_spellings_of_one_body_in_a_plan_are_one_node():
    units = plan_units(_plan("gz", "广州市", "市", GUANGZHOU)).units
    iri = units["市规划局"].iri
    assert units["规划局"].iri == units["广州市规划局"].iri == units["市规划和自然资源局"].iri == iri
    assert iri == ns.org_iri("广州市", "市规划局")            # the spelling the plan writes most
    assert units["市应急局"].iri != iri and units["市住建局"].iri != iri


def test_bodies_listed_together_or_of_different_places_stay_apart():
    units = plan_units(_plan("gz", "广州市", "市", GUANGZHOU)).units
    assert units["公安天河分局"].iri != units["公安越秀分局"].iri
    assert units["黄埔区应急管理局"].iri == ns.org_iri("广州市黄埔区", "区应急管理局")
    assert units["黄埔区应急管理局"].jurisdiction == "广州市黄埔区"


def test_same_name_in_two_governments_is_two_nodes_linked_by_function():
    lintong = resolve_department("区市场监管局", "西安市临潼区", "区")
    guichi = resolve_department("区市场监管局", "池州市贵池区", "区")
    assert lintong.iri.endswith("/xian-lintong/market-regulation")
    assert guichi.iri == ns.org_iri("池州市贵池区", "区市场监管局")
    assert lintong.curated.functions == guichi.reading.guess.functions == (FN + "market-regulation",)


def test_a_higher_body_belongs_to_the_higher_government():
    unit = resolve_department("市应急局", "西安市临潼区", "区")
    assert unit.jurisdiction == "西安市" and unit.iri == ns.org_iri("西安市", "市应急局")


def test_minted_units_carry_function_level_and_confidence():
    payload = plan_triples(_plan("gz", "广州市", "市", GUANGZHOU))
    node = ox.NamedNode(ns.org_iri("广州市", "市规划局"))
    facts = {(p.value.rsplit("#", 1)[-1], o.value) for s, p, o in payload.triples if s == node}
    assert ("function", FN + "natural-resources") in facts and ("level", "市") in facts
    assert ("jurisdiction", "广州市") in facts and ("functionGuessed", "true") in facts
    assert ("functionConfidence", "0.95") in facts


def test_same_records_give_same_triples():
    first = plan_triples(_plan("gz", "广州市", "市", GUANGZHOU)).triples
    assert plan_triples(_plan("gz", "广州市", "市", GUANGZHOU)).triples == first


def test_load_warns_about_unknown_functions_and_merges():
    plan = _plan("gz", "广州市", "市", GUANGZHOU)
    plan_triples(plan)
    plan_triples(plan)                                       # warnings are added once
    unknown = [w for w in plan.warnings if "市飞天中心" in w]
    assert len(unknown) == 1 and "function not recognised" in unknown[0]
    assert any("'市规划和自然资源局' merged into '市规划局'" in w for w in plan.warnings)


@pytest.fixture(scope="module")
def guangzhou_store() -> ox.Store:
    store = ox.Store()
    load_plans(store, [_plan("gz", "广州市", "市", GUANGZHOU)], analyse=False)
    return store


def test_candidates_list_guesses_least_sure_first_with_duties_and_documents(guangzhou_store):
    rows = unit_candidates(guangzhou_store)
    assert rows[0].term == "市飞天中心" and rows[0].functions == [] and rows[0].confidence == 0.0
    planning = next(r for r in rows if r.term == "市规划局")
    assert planning.functions == ["自然资源和规划"] and planning.level == "市" and planning.confidence == 0.95
    assert planning.documents == ["gz"] and planning.duties == ["gz task 1", "gz task 2", "gz task 3", "gz task 4"]
    assert planning.families == ["自然资源与生态"]


def test_vocab_classify_reads_an_override_file(tmp_path):
    override = tmp_path / "gz.ttl"
    override.write_text("""@prefix dg: <https://w3id.org/dutygraph/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix function: <https://w3id.org/dutygraph/function/> .
<https://example.org/gz/feitian> a dg:Department ; skos:prefLabel "市飞天中心"@zh ;
    dg:level "市" ; dg:jurisdiction "广州市" ; dg:function function:data-management .
function:enterprise dg:bodyStem "飞地" .
""", encoding="utf-8")
    args = ["vocab", "classify", "市飞天中心", "市飞地公司", "--jurisdiction", "广州市", "--level", "市", "-f", "json",
            "--vocab", str(override)]
    result = CliRunner().invoke(app, args, env={"DUTYGRAPH_VOCAB": ""})
    assert result.exit_code == 0, result.output
    assert '"id": "https://example.org/gz/feitian"' in result.output and '"数据管理"' in result.output
    assert '"confidence": 1.0' in result.output


def test_a_bad_override_file_is_a_clean_error(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("not turtle", encoding="utf-8")
    result = CliRunner().invoke(app, ["vocab", "classify", "规划局", "--vocab", str(bad)], env={"DUTYGRAPH_VOCAB": ""})
    assert result.exit_code == 2 and "bad.ttl:1" in result.output


def test_every_unit_written_in_a_lead_role_is_a_lead_in_the_graph(tmp_path) -> None:
    """(牵头单位：A、B；配合单位：C): A and B both lead; the graph used to mark only the first unit as lead."""
    import pyoxigraph as ox

    from dutygraph.graph.build import plan_triples
    from dutygraph.loaders import read_document

    doc = tmp_path / "two_leads.txt"
    doc.write_text("某市安全生产重点工作分工\n一、强化源头管控\n1.开展危险化学品企业安全风险排查整治。"
                   "（牵头单位：市应急局、市公安局；配合单位：市交通运输局）\n"
                   "2.推进城市燃气管道老化更新改造。（牵头单位：市住建局；配合单位：市发改委、市财政局）\n", encoding="utf-8")
    payload = plan_triples(read_document(doc))
    store = ox.Store()
    store.extend(ox.Quad(s, p, o, ox.NamedNode(payload.graph)) for s, p, o in payload.triples)
    rows = store.query("""PREFIX dg: <https://w3id.org/dutygraph/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?n ?name ?role WHERE { GRAPH ?g { ?t dg:number ?n ; dg:assignment ?a . ?a dg:role ?role ; dg:unit ?u .
        ?u skos:prefLabel ?name } } ORDER BY ?n ?name""")
    roles = {(int(r["n"].value), r["name"].value): r["role"].value for r in rows}
    assert roles[(1, "市应急局")] == roles[(1, "市公安局")] == "lead"
    assert roles[(1, "市交通运输局")] != "lead"
    assert [name for (n, name), role in roles.items() if n == 2 and role == "lead"] == ["市住建局"]
