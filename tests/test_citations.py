"""The documents a plan rests on, against the hand-labelled citations (tests/gold/pairs/citations.json): every
cited document of each sample plan is found (titles and numbers joined across PDF line breaks), one record
per document; the plan's own title and the documents it orders to be written are not reported as cited."""
from __future__ import annotations

import json

import pytest
from conftest import CHENGDU, GOLD, LINTONG

from dutygraph.graph.citations import PlanCitation, document_iri, find_plan_citations
from dutygraph.graph.regulations import title_key
from dutygraph.loaders import read_document
from dutygraph.loaders.text_io import read_text

GOLD_CITATIONS = json.loads((GOLD / "pairs" / "citations.json").read_text(encoding="utf-8"))["plans"]
FILES = {"lintong_plan": LINTONG, "chengdu_task_table": CHENGDU}


@pytest.fixture(scope="module")
def found() -> dict[str, list[PlanCitation]]:
    out = {}
    for plan, path in FILES.items():
        record = read_document(path)
        out[plan] = find_plan_citations(read_text(path), record.title, record.doc_number)
    return out


def _matches(gold: dict, citation: PlanCitation) -> bool:
    if gold.get("number") and gold["number"] == citation.number:
        return True
    if gold.get("title") and citation.title and title_key(gold["title"].strip("《》")) == title_key(citation.title):
        return True
    return bool(gold.get("mention")) and gold["mention"] == citation.title


@pytest.mark.parametrize("plan", sorted(FILES))
def test_recall_of_cited_documents(found, plan):
    cited = [g for g in GOLD_CITATIONS[plan] if g["role"] == "cited"]
    missed = [g.get("title") or g.get("mention") for g in cited
              if not any(_matches(g, c) and c.role == "cited" for c in found[plan])]
    assert 1 - len(missed) / len(cited) >= 0.95, missed


@pytest.mark.parametrize("plan, entry", [(plan, g) for plan, entries in GOLD_CITATIONS.items() for g in entries
                                         if g["role"] in ("self", "drafted") and not g.get("unsure")],
                         ids=lambda v: v if isinstance(v, str) else (v.get("title") or "")[:20])
def test_the_plan_itself_and_its_drafts_are_not_citations(found, plan, entry):
    assert not any(_matches(entry, c) and c.role == "cited" for c in found[plan]), entry["title"]


@pytest.mark.parametrize("plan, entry", [(plan, g) for plan, entries in GOLD_CITATIONS.items() for g in entries
                                         if g["role"] == "cited" and g.get("number")],
                         ids=lambda v: v if isinstance(v, str) else v["number"])
def test_numbers_are_joined_across_line_breaks_and_kept_with_their_title(found, plan, entry):
    [citation] = [c for c in found[plan] if c.number == entry["number"]]
    assert title_key(citation.title or "") == title_key(entry["title"].strip("《》"))
    assert set(entry["lines"]) <= set(citation.lines)


def test_one_record_per_document(found):
    for plan, citations in found.items():
        keys = [c.key for c in citations]
        assert len(keys) == len(set(keys)), plan


def test_one_node_per_document_across_plans(found):
    law = [c for plan in found.values() for c in plan if c.title == "安全生产法"]
    assert len(law) == 2 and document_iri(law[0]) == document_iri(law[1])
    text = "按照《国家安全发展示范城市评价与管理办法》（安委〔2019〕\n\n5 号）执行。"
    [numbered] = find_plan_citations(text)
    assert numbered.number == "安委〔2019〕5号"
    assert document_iri(numbered) == document_iri(PlanCitation("另一标题", "安委〔2019〕5号", None, (1,), "cited"))


def test_the_plans_resting_on_a_document_are_one_query(loaded_store):
    """中办发〔2018〕1号 is cited in the Lintong preamble: one document node, found from the plan by dg:implements,
    and listed with the plans resting on it (the same node the duties' citations use)."""
    from dutygraph.graph import listings

    docs = {d["number"]: d for d in listings.regulations(loaded_store) if d["number"]}
    central = docs["中办发〔2018〕1号"]
    assert {p["id"] for p in central["plans"] if p["role"] == "implements"} == {"lintong_plan"}
    broken = docs["安委〔2019〕5号"]           # written across a line break in the Lintong text
    assert any(p["id"] == "lintong_plan" for p in broken["plans"])
    drafted = [d for d in listings.regulations(loaded_store) if any(p["role"] == "drafts" for p in d["plans"])]
    assert drafted and not any(p["role"] == "implements" for d in drafted for p in d["plans"] if d["title"] == "创建国家安全发展示范城市考核细则")
