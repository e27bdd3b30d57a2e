"""Files as users bring them (GBK, BOM, CRLF) read the same; bad files fail clearly and load nothing."""
from __future__ import annotations

import subprocess
import sys

import pyoxigraph as ox
import pytest
from conftest import CHENGDU, LINTONG

from dutygraph.graph.load import load_files
from dutygraph.loaders import LoadError, read_document


def _summary(plan):
    return [(t.kind, t.number, t.text, t.departments, t.collective_units, t.deadline) for t in plan.tasks]


@pytest.mark.parametrize("source", [CHENGDU, LINTONG], ids=["chengdu", "lintong"])
@pytest.mark.parametrize("variant", ["gb18030", "utf-8-sig", "crlf"])
def test_encodings_give_the_same_records(tmp_path, source, variant):
    text = source.read_text(encoding="utf-8")
    target = tmp_path / source.name
    if variant == "crlf":
        target.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    else:
        target.write_bytes(text.encode(variant))
    assert _summary(read_document(target)) == _summary(read_document(source))


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x00\x01\x02PK\x03\x04binary", "binary"),
        ("今天天气很好，我们去公园散步。\n".encode(), "not a duty-allocation document"),
    ],
    ids=["empty", "blank", "binary", "prose"],
)
def test_bad_files_raise_a_clear_error(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(LoadError) as info:
        read_document(path)
    assert "bad.txt" in str(info.value) and message in str(info.value)


def test_a_row_that_cannot_be_parsed_names_its_line(tmp_path):
    lines = CHENGDU.read_text(encoding="utf-8").split("\n")
    assert lines[6].startswith("序号")   # line 7 is the first header; line 8 becomes a stray line
    path = tmp_path / "broken.txt"
    path.write_text("\n".join(lines[:7] + ["不是编号\t乱入"] + lines[7:]), encoding="utf-8")
    with pytest.raises(LoadError) as info:
        read_document(path)
    assert info.value.file == "broken.txt" and info.value.line == 8


def test_one_bad_file_loads_nothing(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00binary")
    store = ox.Store()
    load_files(store, [CHENGDU])
    before = sorted(str(q) for q in store)
    with pytest.raises(LoadError):
        load_files(store, [LINTONG, bad])
    assert sorted(str(q) for q in store) == before


def test_cli_reports_file_and_exits_nonzero_without_traceback(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01")
    store = tmp_path / "store"
    result = subprocess.run(
        [sys.executable, "-m", "dutygraph.service.cli", "load", "--store", str(store), str(LINTONG), str(bad)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "bad.txt" in result.stderr and "nothing was loaded" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    listing = subprocess.run(
        [sys.executable, "-m", "dutygraph.service.cli", "tasks", "--store", str(store), "--format", "json"],
        capture_output=True, text=True, timeout=120,
    )
    assert listing.returncode == 0 and listing.stdout.strip() == "[]"
