"""The docs that describe code must match it."""
from __future__ import annotations

import re

from conftest import ROOT

from dutygraph.graph.docs import render
from dutygraph.graph.queries import query_names


def test_queries_doc_is_current():
    assert (ROOT / "docs" / "QUERIES.md").read_text(encoding="utf-8") == render(), \
        "regenerate: python -m dutygraph.graph.docs > docs/QUERIES.md"


def test_readme_opens_with_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```")[1]
    assert "make run" in first_block and "make test" in first_block
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_ontology_term_used_by_the_code_is_declared():
    ontology = (ROOT / "ontology" / "dutygraph.ttl").read_text(encoding="utf-8")
    declared = set(re.findall(r"^dg:(\w+) a ", ontology, flags=re.M))
    used: set[str] = set()
    for folder in ("graph", "viz"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".rq"):
                text = path.read_text(encoding="utf-8")
                used |= set(re.findall(r'_dg\("(\w+)"\)', text)) | set(re.findall(r"\bdg:(\w+)", text))
    assert used - declared == set()


def test_every_query_file_is_documented():
    text = (ROOT / "docs" / "QUERIES.md").read_text(encoding="utf-8")
    assert all(f"`{name}.rq`" in text for name in query_names())
