"""Functions and levels of any government body, read off its name: against the hand-labelled units of other
governments (tests/gold/unit_functions.json, labelled without seeing the rules — see its README), and on the
kinds of names the issue names. A unit is right when its predicted function set equals the labelled set, the
labels read through the vocabulary's pref and alt labels (no name is special-cased)."""
from __future__ import annotations

import json

import pytest
from conftest import GOLD

from dutygraph.graph.unit_evaluation import score
from dutygraph.graph.unit_functions import read_unit
from dutygraph.graph.vocabulary import vocabulary

FUNCTION_BAR, LEVEL_BAR = 0.95, 0.95
FN = "https://w3id.org/dutygraph/function/"
FIRST_FUNCTIONS = """emergency-management housing-construction public-security traffic-police transport market-regulation
fire-rescue natural-resources water education health civil-affairs ethnic-religious culture-tourism ecology-environment
development-reform industry-it commerce urban-management urban-renewal agriculture forestry-parks qinling-protection
meteorology civil-air-defence finance sports science propaganda establishment political-legal safety-committee
government-office justice court procuratorate hrss power-supply media administrative-approval trade-union youth-league
women disabled port-logistics expo e-governance social-governance campaign-office""".split()


@pytest.fixture(scope="module")
def gold_units() -> list[dict]:
    return json.loads((GOLD / "unit_functions.json").read_text(encoding="utf-8"))["units"]


@pytest.fixture(scope="module")
def scores(gold_units):
    return score(gold_units)


def _wrong(scores, attr: str) -> str:
    return "\n".join(f"{o.name} [{o.issuer}]: {sorted(o.expected_functions)} → {sorted(o.predicted_functions)}; "
                     f"{o.expected_level} → {o.predicted_level}" for o in scores.outcomes if not getattr(o, attr))


def test_function_accuracy_meets_the_bar(scores):
    assert len(scores.outcomes) >= 150
    assert scores.function_accuracy >= FUNCTION_BAR, _wrong(scores, "function_right")


def test_level_accuracy_meets_the_bar(scores):
    assert scores.level_accuracy >= LEVEL_BAR, _wrong(scores, "level_right")


def test_every_labelled_function_is_a_vocabulary_label(gold_units):
    labels = {label for unit in gold_units for label in unit["functions"]}
    assert labels - set(vocabulary().function_by_label) == set()


@pytest.mark.parametrize("name, issuer_level, functions, level", [
    ("应急管理部", "", ["emergency-management"], "国家"),
    ("财政部", "", ["finance"], "国家"),
    ("人力资源社会保障部", "", ["hrss"], "国家"),
    ("国家发展改革委", "", ["development-reform"], "国家"),
    ("应急管理厅", "", ["emergency-management"], "省"),
    ("市应急管理局", "区", ["emergency-management"], "市"),
    ("区应急局", "区", ["emergency-management"], "区"),
    ("安监局", "县", ["emergency-management"], "县"),
    ("国土房管局", "市", ["natural-resources", "housing-construction"], "市"),
    ("经贸委", "市", ["industry-it", "commerce"], "市"),
    ("建委", "市", ["housing-construction"], "市"),
    ("交委", "市", ["transport"], "市"),
    ("卫计委", "县", ["health"], "县"),
    ("规划局", "市", ["natural-resources"], "市"),
    ("发改委", "区", ["development-reform"], "区"),
    ("公安临潼分局", "区", ["public-security"], "区"),
    ("交警大队", "县", ["traffic-police"], "县"),
    ("消防救援支队", "区", ["fire-rescue"], "市"),
    ("消防救援大队", "县", ["fire-rescue"], "县"),
    ("高新区管委会", "市", ["park-management"], "园区"),
    ("骊山街道办事处", "区", ["township-street"], "街道"),
    ("代王镇人民政府", "区", ["township-street"], "乡镇"),
    ("国网临潼供电公司", "区", ["power-supply"], "企业"),
    ("团市委", "区", ["youth-league"], "市"),
    ("区妇联", "区", ["women"], "区"),
    ("县总工会", "县", ["trade-union"], "县"),
    ("区科工商务局", "区", ["science", "industry-it", "commerce"], "区"),
    ("市委宣传部", "市", ["propaganda"], "市"),
    ("广州市黄埔区应急管理局", "市", ["emergency-management"], "区"),
    ("重庆市交委", "", ["transport"], "省"),
    ("区审计局", "区", ["audit"], "区"),
    ("县统计局", "县", ["statistics"], "县"),
    ("国家税务总局西安市临潼区税务局", "区", ["taxation"], "区"),
    ("区医保局", "区", ["medical-security"], "区"),
    ("区退役军人事务局", "区", ["veterans"], "区"),
    ("县信访局", "县", ["petition"], "县"),
    ("市大数据局", "市", ["data-management"], "市"),
    ("市国资委", "市", ["state-assets"], "市"),
    ("市外办", "市", ["foreign-affairs"], "市"),
    ("市委组织部", "市", ["organisation"], "市"),
    ("区委网信办", "区", ["cyberspace"], "区"),
    ("市地震局", "市", ["earthquake"], "市"),
    ("省粮食和物资储备局", "", ["grain-reserves"], "省"),
    ("县文体广电旅游局", "县", ["culture-tourism", "sports", "broadcasting"], "县"),
])
def test_names_of_every_level_and_kind(name, issuer_level, functions, level):
    reading = read_unit(name, issuer_level)
    assert sorted(reading.guess.functions) == sorted(FN + f for f in functions), reading
    assert reading.level == level, reading


@pytest.mark.parametrize("name, kind", [("张三", "person"), ("李明副区长", "person"), ("各街道办事处", "collective"),
                                        ("市级各相关部门", "collective"), ("负有安全生产监管职责的部门", "collective")])
def test_people_and_placeholders_are_never_classified(name, kind):
    reading = read_unit(name, "区")
    assert reading.kind == kind and reading.guess.functions == ()


@pytest.mark.parametrize("name, rank", [("应急管理局", 0.95), ("应急局", 0.95), ("安监局", 0.7), ("骊山公安分局", 0.85)])
def test_confidence_ranks_label_over_stem_over_abbreviation(name, rank):
    assert read_unit(name, "区").guess.confidence == rank


def test_function_iris_of_the_first_vocabulary_are_kept():
    assert {FN + f for f in FIRST_FUNCTIONS} <= set(vocabulary().functions)


def test_every_function_has_one_labelled_family():
    vocab = vocabulary()
    families = {f.family for f in vocab.functions.values()}
    assert None not in families and families <= set(vocab.families)
    assert 9 <= len(vocab.families) <= 12
