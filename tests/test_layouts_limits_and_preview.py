"""A PDF has a page limit and a parse-time limit; `load --dry-run` shows what would be stored and stores nothing."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from dutygraph.loaders import LoadError, pdf_reader, read_document

LAYOUTS = Path(__file__).parent / "data" / "layouts"
CLI = [str(Path(sys.executable).with_name("dutygraph"))]


def _many_pages(path: Path, pages: int) -> Path:
    pdf = canvas.Canvas(str(path))
    for number in range(pages):
        pdf.drawString(72, 720, f"page {number + 1}")
        pdf.showPage()
    pdf.save()
    return path


def test_a_pdf_over_the_page_limit_is_refused_naming_the_limit(tmp_path):
    path = _many_pages(tmp_path / "long.pdf", pdf_reader.MAX_PAGES + 1)
    with pytest.raises(LoadError) as info:
        read_document(path)
    assert info.value.file == "long.pdf" and f"limit of {pdf_reader.MAX_PAGES} pages" in str(info.value)


def test_a_pdf_over_the_time_limit_is_refused_naming_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_reader, "MAX_SECONDS", 0.0)
    path = _many_pages(tmp_path / "slow.pdf", 3)
    with pytest.raises(LoadError) as info:
        read_document(path)
    assert info.value.file == "slow.pdf" and "limit of 0 s" in str(info.value)


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_dry_run_prints_each_duty_and_never_opens_the_store(tmp_path):
    store = tmp_path / "store"
    result = _run("load", "--dry-run", "--store", str(store), str(LAYOUTS / "web_one_cell_per_line.txt"), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "未来科技城(海创园)" in result.stdout and "责任人：王建国、李明" in result.stdout
    assert not store.exists()


def test_dry_run_json_gives_the_same_as_json(tmp_path):
    result = _run("load", "--dry-run", "--output", "json", str(LAYOUTS / "city_lead_support.txt"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [document] = json.loads(result.stdout)
    first = document["duties"][0]
    assert (first["lead"], first["co_responsible"]) == (["市工信局"], ["市发改委", "市国土房管局", "市规划局"])


def test_dry_run_reports_an_unreadable_file_and_exits_nonzero(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("今天天气很好。\n", encoding="utf-8")
    result = _run("load", "--dry-run", str(bad), cwd=tmp_path)
    assert result.returncode == 1 and "bad.txt: not a duty-allocation document" in result.stderr
