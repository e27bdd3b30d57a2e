"""The analyses on the real documents: concrete answers pinned, and precision/recall against the
hand-labelled pairs held at (a little below) the measured level so a regression fails."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from conftest import CD, GOLD, LT, t

from dutygraph.graph import namespaces as ns
from dutygraph.graph import reports
from dutygraph.graph.evaluation import analysis_scores


@pytest.fixture(scope="module")
def scores(loaded_store):
    return analysis_scores(loaded_store, GOLD)


@pytest.mark.parametrize("analysis, precision, recall", [
    ("duplicates", 0.99, 0.80), ("parallel", 0.93, 0.56), ("dependencies", 0.9, 0.9), ("alignments", 0.9, 0.95),
])
def test_quality_against_hand_labels(scores, analysis, precision, recall):
    assert scores[analysis]["precision"] >= precision, scores[analysis]
    assert scores[analysis]["recall"] >= recall, scores[analysis]


def test_departments_sharing_schools_in_chengdu(loaded_store):
    school = next(f for f in reports.shared_facilities(loaded_store) if f["facility_type"] == "学校")
    chengdu = {d for d, i in zip(school["departments"], school["department_ids"]) if "/chengdu/" in i}
    assert {"市教育局", "市公安局", "市住建局", "市应急局"} <= chengdu
    assert t(CD, 68) in school["tasks"] and t(CD, 141) in school["tasks"]
    assert ["市住建局", "市应急局"] in school["co_responsible"]      # row 158 names both


def test_parallel_pairs_stay_inside_one_plan(loaded_store):
    """Chengdu's 市教育局 and Lintong's 区教育局 both handle schools, but in different governments' plans: not
    a parallel pair. Two Chengdu departments on different school duties are."""
    school = next(f for f in reports.shared_facilities(loaded_store) if f["facility_type"] == "学校")
    parallel = {tuple(p) for p in school["parallel"]}
    assert ("区教育局", "市教育局") not in parallel and ("市教育局", "区教育局") not in parallel
    chengdu = next(f for f in reports.shared_facilities(loaded_store, plan=CD) if f["facility_type"] == "学校")
    assert chengdu["parallel"] and {tuple(p) for p in chengdu["parallel"]} <= parallel
    assert not parallel & {tuple(p) for p in school["co_responsible"]}


def test_roll_up_counts_schools_for_crowded_places(loaded_store):
    crowded = next(f for f in reports.shared_facilities(loaded_store) if f["facility_type"] == "人员密集场所")
    assert t(CD, 174) in crowded["tasks"] and t(CD, 174) not in crowded["direct_tasks"]   # 制定学校…安全管理标准


def test_filters(loaded_store):
    only = reports.shared_facilities(loaded_store, department="市民宗局")
    assert only and all("市民宗局" in f["departments"] for f in only)
    wide = reports.shared_facilities(loaded_store, min_departments=10)
    assert all(len(f["departments"]) >= 10 for f in wide)


@pytest.mark.parametrize("plan, department", [(CD, "市教育局"), (LT, "区教育局")])
def test_sharing_within_one_plan(loaded_store, plan, department):
    """?plan= keeps one allocation: only its duties and departments, and the same answer as the whole-store
    report narrowed by hand to that plan's duties."""
    school = next(f for f in reports.shared_facilities(loaded_store, plan=plan) if f["facility_type"] == "学校")
    prefix = ns.task_iri(plan, "task", 1).rsplit("/", 2)[0] + "/"
    assert school["tasks"] and all(task.startswith(prefix) for task in school["tasks"])
    assert department in school["departments"]
    whole = next(f for f in reports.shared_facilities(loaded_store) if f["facility_type"] == "学校")
    assert school["tasks"] == [task for task in whole["tasks"] if task.startswith(prefix)]
    assert set(school["department_ids"]) < set(whole["department_ids"])


def test_sharing_in_an_unknown_plan_is_empty(loaded_store):
    assert reports.shared_facilities(loaded_store, plan="no_such_plan") == []
    assert reports.shared_facilities(loaded_store, plan='a b>"{}') == []


def test_orphans(loaded_store):
    by_task = {o["task"]: o["reasons"] for o in reports.orphans(loaded_store) if o["task"]}
    assert by_task[t(CD, 29)] == ["empty_task"]
    assert "no_deadline" in by_task[t(CD, 42)] and "no_deadline" in by_task[t(CD, 210)]
    assert "collective_only" in by_task[t(CD, 55)]                 # 市级各相关部门 only
    assert "no_requirements" in by_task[t(CD, 43)]
    assert "open_ended" in by_task[t(LT, 6)]
    assert by_task[t(LT, 1)] == ["collective_only"]                # 区安委会各成员单位，各街办、各园区管委会
    assert t(CD, 1) not in by_task
    gaps = [o for o in reports.orphans(loaded_store) if o["task"] is None]
    assert any(g["reasons"] == ["unit_without_task"] and g["about"] == "区创建领导小组办公室" for g in gaps)
    assert reports.orphans(loaded_store, reason="empty_task") == [
        {"task": t(CD, 29), "plan": CD, "kind": "task", "number": 29, "reasons": ["empty_task"]}]


def test_template_repeated_for_facilities_is_parallel_not_duplicate(loaded_store):
    families = [set(f["tasks"]) for f in reports.duplicates(loaded_store, kind="parallel")]
    assert any({t(CD, 145), t(CD, 146)} <= fam for fam in families)   # 医院 / 体育馆
    written_twice = {frozenset(f["tasks"]): f["kind"] for f in reports.duplicates(loaded_store)
                     if f["kind"] in ("duplicate", "overlap", "restates")}
    assert frozenset((t(CD, 145), t(CD, 146))) not in written_twice
    assert written_twice[frozenset((t(CD, 204), t(CD, 206)))] == "overlap"  # 依法依规开展事故调查: a sub-duty of 206


def test_dependencies(loaded_store):
    deps = {(d["from"], d["to"]): d for d in reports.dependencies(loaded_store)}
    assert deps[(t(CD, 220), t(CD, 217))]["kind"] == "explicit"
    assert "安全生产综合信息平台" in deps[(t(CD, 220), t(CD, 217))]["evidence"]
    assert deps[(t(CD, 269), t(CD, 268))]["kind"] == "construction_then_operation"
    assert deps[(t(LT, 2, "schedule"), t(LT, 1, "schedule"))]["kind"] == "schedule_order"
    assert any(d["kind"] == "measure_to_task" and d["from"] == t(LT, 7, "measure") for d in deps.values())


def test_alignments(loaded_store):
    best = {a["task"]: a["candidates"] for a in reports.alignments(loaded_store)}
    assert best[t(LT, 24)][0]["task"] == t(CD, 106)                     # 油气长输管道
    assert best[t(LT, 99)][0]["task"] == t(CD, 268)                     # 应急避难场所


def test_results_are_in_the_store_as_rdf(loaded_store):
    """Per-plan results in the plan's analysis graph, a plan's correspondences in its alignment graph,
    centrality in …/graph/analysis."""
    ask = """PREFIX dg: <https://w3id.org/dutygraph/ontology#>
      ASK { GRAPH <https://w3id.org/dutygraph/graph/analysis/plan/chengdu_task_table> {
              <%s> dg:orphanReason "empty_task" . ?a dg:parallelWith ?b . ?x dg:dependsOn ?y }
            GRAPH <https://w3id.org/dutygraph/graph/analysis/alignment/lintong_plan> { ?p dg:correspondsTo ?q }
            GRAPH <https://w3id.org/dutygraph/graph/analysis> { ?d dg:centrality ?c } }""" % t(CD, 29)
    assert bool(loaded_store.query(ask)) is True


def test_loading_one_plan_reanalyses_only_that_plan():
    """Re-loading Lintong leaves Chengdu's per-plan results as they were (same quads) and recomputes the
    cross-plan graph; `dutygraph analyse` from scratch gives the same store as the loads."""
    from conftest import CHENGDU, LINTONG

    from dutygraph.graph.analysis import ANALYSIS_GRAPH, alignment_graph, plan_analysis_graph, run_analysis
    from dutygraph.graph.load import load_files

    store = ox.Store()
    load_files(store, [CHENGDU])

    def quads(graph):
        return {str(q) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))}
    chengdu_before = quads(plan_analysis_graph(CHENGDU.stem))
    assert chengdu_before and quads(ANALYSIS_GRAPH)             # centrality
    assert not quads(alignment_graph(CHENGDU.stem))              # one plan: nothing to align with
    load_files(store, [LINTONG])
    assert quads(plan_analysis_graph(CHENGDU.stem)) == chengdu_before
    assert quads(plan_analysis_graph(LINTONG.stem)) and quads(alignment_graph(CHENGDU.stem))
    incremental = {str(q) for q in store}
    assert run_analysis(store).triples == 0                      # nothing changed, nothing written
    assert {str(q) for q in store} == incremental
    assert reports.alignments(store)


def test_reanalysis_writes_only_changed_graphs():
    """Recomputed findings of an unchanged plan are no change; findings that differ (one triple fewer)
    make exactly that graph be written, with a new digest."""
    from conftest import CHENGDU, LINTONG

    from dutygraph.graph.analysis import AnalysisResult, _all_tasks, changed, plan_findings
    from dutygraph.graph.load import load_files
    from dutygraph.graph.store import GraphPayload

    store = ox.Store()
    load_files(store, [CHENGDU, LINTONG])
    [payload] = plan_findings(store, _all_tasks(store, [LINTONG.stem]), [LINTONG.stem], AnalysisResult(),
                              [ns.plan_graph(LINTONG.stem)])
    assert payload.triples and changed(store, [payload]) == []
    fewer = GraphPayload(payload.graph, payload.triples[1:])
    [written] = changed(store, [fewer])
    assert written.graph == payload.graph and len(written.triples) == len(fewer.triples) + 1
    assert changed(store, [GraphPayload(ns.GRAPH + "analysis/plan/nowhere", [])]) == []    # absent and empty
