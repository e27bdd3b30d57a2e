"""Bad documents, generated: every loader gets mutated real rows, truncated files, wrong encodings, binary data,
huge lines and damaged Office packages, and must either read them or raise LoadError naming the file (and
the line where there is one) — never another exception, never a hang — and a failed load leaves the store as it
was. Inputs come from the two samples and from Office files built here (tests/test_office_formats.py).

How many inputs each area tried is written to test-artifacts/fuzz-summary.json (docs/RELIABILITY.md quotes it).
`make soak` runs many more: DUTYGRAPH_FUZZ_EXAMPLES (default 40 per test here)."""
from __future__ import annotations

import io
import json
import os
import re
import signal
import zipfile
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import ARTIFACTS, CHENGDU, LINTONG
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_office_formats import CHENGDU_HEADER, CHENGDU_TITLE, build_docx, build_pdf, build_xlsx, chengdu_rows

from dutygraph.graph.load import load_files
from dutygraph.loaders import LoadError, PlanRecord, package_guard, read_document

EXAMPLES = int(os.environ.get("DUTYGRAPH_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("DUTYGRAPH_FUZZ_RANDOM"),
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
HANG_S = 20  # a single document taking longer than this is a bug too
TRIED: Counter[str] = Counter()
OUTCOMES: Counter[str] = Counter()

# Pieces that mean something to the parsers: header words, separators, brackets, dates, numbering, markup.
TOKENS = ["序号", "具体目标任务", "工作要求", "责任部门", "责任单位", "牵头单位", "配合单位", "完成时限", "\t", "\n", "\r",
          "、", "，", "；", "（", "）", "(", ")", "《", "》", "〔", "〕", "年", "月", "日", "前", "底", "长期", "持续",
          "2020", "13", "0", "99999999999999999999", "—", "至", "等相关部门", "各街办", "市应急局", "市公安局交管局",
          "1.", "一、", "（一）", "1﹒", "<p>", "</p>", "第", "号", "〔2020〕1号", "≥", "100%", "亿元", "上半年", "\x0c",
          "\u3000", "\ufeff", "\u200b", "\\", '"', "'", "{", "}", "<", ">", "&", "𠀀", "．"]


def _sample_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


SOURCES = {"chengdu_task_table.txt": _sample_lines(CHENGDU), "lintong_plan.txt": _sample_lines(LINTONG)}


@pytest.fixture(scope="module", autouse=True)
def summary():
    yield
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "fuzz-summary.json"
    previous = json.loads(target.read_text()) if target.exists() else {}
    previous.update({"examples_per_test": EXAMPLES, "tried": dict(TRIED), "outcomes": dict(OUTCOMES),
                     "total": sum(TRIED.values())})
    target.write_text(json.dumps(previous, ensure_ascii=False, indent=2))


class _Hang(Exception):
    pass


def _on_alarm(signum, frame):
    raise _Hang


def check(path: Path, area: str) -> PlanRecord | None:
    """Read one document: a plan, or a LoadError that names the file and a real line; anything else fails."""
    TRIED[area] += 1
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(HANG_S)
    try:
        plan = read_document(path)
    except LoadError as error:
        signal.alarm(0)
        OUTCOMES["LoadError"] += 1
        assert error.file == path.name and str(error).startswith(f"{path.name}")
        if error.line is not None:
            assert str(error).startswith(f"{path.name}:{error.line}: ") and error.line >= 1
        assert len(str(error)) < 2000, "messages quote cells, not whole documents"
        return None
    except _Hang:
        pytest.fail(f"{path.name} ({area}) took more than {HANG_S} s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    OUTCOMES["read"] += 1
    assert isinstance(plan, PlanRecord)
    return plan


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


# ------------------------------------------------------------------ text documents: mutated real rows

pieces = st.lists(st.sampled_from(TOKENS) | st.text(max_size=4), max_size=12).map("".join)
edits = st.lists(st.tuples(st.integers(0, 6), st.integers(0, 10**6), pieces, st.integers(2, 3000)), min_size=1, max_size=8)


def _mutate(lines: list[str], plan: list[tuple[int, int, str, int]]) -> str:
    lines = list(lines)
    for op, where, piece, times in plan:
        i = where % len(lines)
        cells = lines[i].split("\t")
        if op == 0:
            cells[where % len(cells)] = piece
            lines[i] = "\t".join(cells)
        elif op == 1:
            at = where % (len(lines[i]) + 1)
            lines[i] = lines[i][:at] + piece + lines[i][at:]
        elif op == 2 and len(lines) > 1:
            del lines[i]
        elif op == 3:
            lines.insert(i, piece)
        elif op == 4:
            lines[i] = (lines[i] or piece) * times  # a huge line
        elif op == 5:
            lines.insert(i, lines[(where * 7) % len(lines)])  # a repeated row
        else:
            lines[i] = "\t".join(reversed(cells))
    return "\n".join(lines)


@FUZZ
@given(source=st.sampled_from(sorted(SOURCES)), window=st.integers(0, 10**6), size=st.integers(1, 60), plan=edits)
def test_mutated_rows(folder, source, window, size, plan):
    """A slice of a real document (its head, so the header is there, and some rows) with edits in its rows."""
    lines = SOURCES[source]
    start = window % len(lines)
    text = _mutate(lines[:12] + lines[start:start + size], plan)
    path = folder / source
    path.write_text(text, encoding="utf-8")
    check(path, "text: mutated rows")


@FUZZ
@given(source=st.sampled_from(sorted(SOURCES)), cut=st.floats(0, 1))
def test_truncated_text(folder, source, cut):
    data = "\n".join(SOURCES[source]).encode("utf-8")
    path = folder / ("cut_" + source)
    path.write_bytes(data[:int(len(data) * cut)])  # also cuts inside a UTF-8 sequence
    check(path, "text: truncated")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "big5", "shift_jis", "euc-kr", "latin-1",
                                      "cp1252", "utf-7", "hz", "iso2022_jp_2"])
@pytest.mark.parametrize("source", sorted(SOURCES))
def test_wrong_encodings(folder, source, encoding):
    text = "\n".join(SOURCES[source])
    path = folder / f"{encoding}_{source}"
    path.write_bytes(text.encode(encoding, errors="replace"))
    check(path, "text: wrong encoding")


@FUZZ
@given(data=st.binary(min_size=1, max_size=5000), suffix=st.sampled_from([".txt", ".csv", ".tsv", ".docx", ".xlsx", ".pdf"]))
def test_binary_data(folder, data, suffix):
    path = folder / f"random{suffix}"
    path.write_bytes(data)
    check(path, "binary: random bytes")


@pytest.mark.parametrize("shape", ["one-cell", "units", "deadline", "no-newline", "header-only", "brackets",
                                   "many-rows", "long-number"])
def test_huge_lines(folder, shape):
    head = "\n".join(SOURCES["chengdu_task_table.txt"][:8])
    text = {
        "one-cell": head + "\n999\t" + "、" * 2_000_000 + "\t要求\t市应急局\t2020年",
        "units": head + "\n999\t任务\t要求\t" + "市应急局、" * 200_000 + "\t2020年",
        "deadline": head + "\n999\t任务\t要求\t市应急局\t" + "2020年" * 200_000,
        "no-newline": "序号" + "任务" * 3_000_000,
        "header-only": (head + "\n") * 20_000,
        "brackets": head + "\n999\t任务\t要求\t" + "（" * 500_000 + "\t2020年",
        "many-rows": head + "\n" + "\n".join(f"{i}\t任务{i}\t要求\t市应急局\t2020年" for i in range(1, 30_001)),
        "long-number": head + "\n" + "9" * 200_000 + "\t任务\t要求\t市应急局\t2020年",
    }[shape]
    path = folder / f"huge_{shape}.txt"
    path.write_text(text, encoding="utf-8")
    check(path, "text: huge lines")


# ------------------------------------------------------------------ Office packages: damaged XML inside a valid zip

class Office(dict):
    """The built Office files by suffix (a dict whose repr stays short in Hypothesis' failure reports)."""

    def __repr__(self) -> str:
        return f"Office({', '.join(f'{k}: {len(v)} bytes' for k, v in self.items())})"


@pytest.fixture(scope="module")
def office(folder) -> Office:
    rows = chengdu_rows(read_document(CHENGDU))[:24]
    return Office({suffix: build(folder / f"base{suffix}", rows, CHENGDU_HEADER, CHENGDU_TITLE).read_bytes()
                   for suffix, build in ((".docx", build_docx), (".xlsx", build_xlsx), (".pdf", build_pdf))})


VALUES = ["0", "-1", "1", "2", "99999", "abc", "", "1048577", "A1:Z99999", "XFD1048576", "B2:A1", "A0", "A1:XFD1048576"]
xml_edits = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 10**6), st.sampled_from(VALUES),
                               st.sampled_from(["", "x" * 5000, "序号", "&amp;", "责任部门", "<"])), min_size=1, max_size=6)


def _mutate_xml(xml: bytes, plan) -> bytes:
    for op, where, value, text in plan:
        if op == 0:
            found = list(re.finditer(rb'="([^"]*)"', xml))
            if found:
                m = found[where % len(found)]
                xml = xml[:m.start(1)] + value.encode() + xml[m.end(1):]
        elif op == 1:
            found = list(re.finditer(rb"<[^/!?][^>]*>", xml))
            if found:
                m = found[where % len(found)]
                xml = xml[:m.start()] + xml[m.end():]
        elif op == 2:
            found = list(re.finditer(rb"<(?:w:tc|w:tr|c|row|mergeCell|w:gridCol|w:vMerge|w:gridSpan)\b[^>]*>", xml))
            if found:
                m = found[where % len(found)]
                xml = xml[:m.start()] + m.group() + xml[m.start():]
        elif op == 3:
            xml = xml[:where % (len(xml) + 1)]
        else:
            found = list(re.finditer(rb">([^<]+)<", xml))
            if found:
                m = found[where % len(found)]
                xml = xml[:m.start(1)] + text.encode() + xml[m.end(1):]
    return xml


@FUZZ
@given(suffix=st.sampled_from([".docx", ".xlsx"]), part=st.integers(0, 100), plan=xml_edits, drop=st.booleans())
def test_damaged_office_packages(folder, office, suffix, part, plan, drop):
    source = zipfile.ZipFile(io.BytesIO(office[suffix]))
    names = source.namelist()
    central = [n for n in names if re.search(r"document\.xml|sheet\d*\.xml|workbook\.xml", n)]
    target = central[part % len(central)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name in names:
            if drop and name == names[part % len(names)] and name != target:
                continue
            data = source.read(name)
            out.writestr(name, _mutate_xml(data, plan) if name == target else data)
    path = folder / f"damaged{suffix}"
    path.write_bytes(buffer.getvalue())
    check(path, f"office: damaged {suffix} XML")


byte_edits = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 10**7), st.binary(max_size=64)), min_size=1, max_size=8)


@FUZZ
@given(suffix=st.sampled_from([".docx", ".xlsx", ".pdf"]), plan=byte_edits)
def test_corrupted_office_bytes(folder, office, suffix, plan):
    data = bytearray(office[suffix])
    for op, where, blob in plan:
        at = where % (len(data) + 1)
        if op == 0:
            data[at:at + len(blob)] = blob
        elif op == 1:
            del data[at:at + 1 + where % 4096]
        elif op == 2:
            data[at:at] = blob
        else:
            del data[at:]
    path = folder / f"corrupt{suffix}"
    path.write_bytes(bytes(data))
    check(path, f"office: corrupted {suffix} bytes")


@pytest.mark.parametrize("suffix", [".docx", ".xlsx", ".pdf"])
def test_truncated_office_files(folder, office, suffix):
    data = office[suffix]
    for step in range(0, 40):
        path = folder / f"trunc{step}{suffix}"
        path.write_bytes(data[:len(data) * step // 40])
        check(path, f"office: truncated {suffix}")


def test_zip_bomb_and_whole_sheet_merge(folder, office, monkeypatch):
    monkeypatch.setattr(package_guard, "MAX_UNPACKED_BYTES", 4 << 20)  # the real limit is 512 MiB
    bomb = folder / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("[Content_Types].xml", b"<x/>")
        for i in range(3):
            out.writestr(f"xl/worksheets/pad{i}.bin", b"\0" * (2 << 20))
    with pytest.raises(LoadError, match="unpacks to more than"):
        check_raw(bomb, "office: zip bomb")
    merged = folder / "merged.xlsx"
    source = zipfile.ZipFile(io.BytesIO(office[".xlsx"]))
    with zipfile.ZipFile(merged, "w") as out:
        for name in source.namelist():
            data = source.read(name)
            if name.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'ref="A1:E1"', b'ref="A1:XFD1048576"', data, count=1)
            out.writestr(name, data)
    with pytest.raises(LoadError, match="merged ranges cover more than"):
        check_raw(merged, "office: whole-sheet merge")


def check_raw(path: Path, area: str) -> None:
    TRIED[area] += 1
    read_document(path)


# ------------------------------------------------------------------ a failed load leaves the store as it was

@pytest.fixture(scope="module")
def store_with_samples() -> ox.Store:
    store = ox.Store()
    load_files(store, [CHENGDU, LINTONG])
    return store


def _quads(store: ox.Store) -> set[str]:
    return {str(q) for q in store}


@settings(FUZZ, max_examples=max(5, EXAMPLES // 4))
@given(plan=edits, window=st.integers(0, 10**6))
def test_a_bad_document_among_good_ones_loads_nothing(folder, store_with_samples, plan, window):
    """The good sample and one mutated copy in one load: either both read (not checked here) or nothing changes."""
    lines = SOURCES["lintong_plan.txt"]
    start = window % len(lines)
    bad = folder / "mutated_lintong.txt"
    bad.write_text(_mutate(lines[:12] + lines[start:start + 30], plan) + "\n\x00", encoding="utf-8")  # NUL: always bad
    before = _quads(store_with_samples)
    TRIED["store: failed load"] += 1
    with pytest.raises(LoadError) as error:
        load_files(store_with_samples, [CHENGDU, bad])
    assert error.value.file == bad.name
    assert _quads(store_with_samples) == before
