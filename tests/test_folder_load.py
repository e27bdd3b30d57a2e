"""Loading a folder: supported documents found recursively; all or nothing by default, or, with skip_bad,
the good plans plus a list of the files that failed and why."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CHENGDU
from dutygraph.graph.load import document_paths, read_folder
from dutygraph.loaders import LoadError
from test_office_formats import CHENGDU_HEADER, CHENGDU_TITLE, LINTONG_HEADER, LINTONG_TITLE, build_docx, build_pdf, chengdu_rows, lintong_rows


@pytest.fixture
def folder(tmp_path: Path, chengdu, lintong) -> Path:
    """good.docx and nested/good.pdf, a corrupt xlsx, and files a walk must leave alone."""
    (tmp_path / "nested").mkdir()
    build_docx(tmp_path / "chengdu.docx", chengdu_rows(chengdu)[:40], CHENGDU_HEADER, CHENGDU_TITLE)
    build_pdf(tmp_path / "nested" / "lintong.pdf", lintong_rows(lintong)[:30], LINTONG_HEADER, LINTONG_TITLE)
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 this is no workbook")
    (tmp_path / "notes.md").write_text("# not a document we read", encoding="utf-8")
    (tmp_path / "~$chengdu.docx").write_bytes(b"lock file")
    (tmp_path / ".hidden.txt").write_text("hidden", encoding="utf-8")
    return tmp_path


def test_walk_finds_supported_documents_only(folder):
    names = [p.relative_to(folder).as_posix() for p in document_paths([folder])]
    assert names == ["broken.xlsx", "chengdu.docx", "nested/lintong.pdf"]


def test_all_or_nothing_names_the_bad_file(folder):
    with pytest.raises(LoadError) as info:
        read_folder([folder])
    assert info.value.file == "broken.xlsx" and "not a readable Excel .xlsx file" in str(info.value)


def test_skip_bad_returns_the_good_plans_and_lists_the_failure(folder):
    seen: list[str] = []
    plans, failures = read_folder([folder], skip_bad=True, on_file=lambda p: seen.append(p.name))
    assert sorted(p.plan_id for p in plans) == ["chengdu", "lintong"]
    assert {p.plan_id: len(p.tasks) for p in plans} == {"chengdu": 40, "lintong": 30}
    assert len(failures) == 1
    file, message = failures[0]
    assert file.endswith("broken.xlsx") and message.startswith("broken.xlsx: not a readable Excel .xlsx file")
    assert seen == ["broken.xlsx", "chengdu.docx", "lintong.pdf"]


def test_files_and_folders_mix_and_plan_ids_stay_unique(folder, tmp_path_factory):
    other = tmp_path_factory.mktemp("other")
    (other / "chengdu.txt").write_bytes(CHENGDU.read_bytes())     # same stem as chengdu.docx: same plan id
    plans, failures = read_folder([folder / "chengdu.docx", other], skip_bad=True)
    assert [p.plan_id for p in plans] == ["chengdu"]
    assert failures and "same plan id 'chengdu'" in failures[0][1]
    with pytest.raises(LoadError):
        read_folder([folder / "chengdu.docx", other])


def test_a_folder_of_good_files_loads_everything(folder):
    (folder / "broken.xlsx").unlink()
    plans, failures = read_folder([folder])
    assert len(plans) == 2 and failures == []
