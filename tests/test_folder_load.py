"""Loading a folder: supported documents found recursively; all or nothing by default, or, with skip_bad,
the good plans plus a list of the files that failed and why. Never read: a path named that is not a regular
file (refused), and, under a folder, FIFOs, sockets, devices, unreadable files, broken links and link loops
(passed over and reported)."""
from __future__ import annotations

import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import CHENGDU, LINTONG
from test_office_formats import CHENGDU_HEADER, CHENGDU_TITLE, LINTONG_HEADER, LINTONG_TITLE, build_docx, build_pdf, chengdu_rows, lintong_rows

from dutygraph.graph.load import document_paths, read_all, read_folder
from dutygraph.loaders import LoadError


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


# ---- input hygiene: what is not a regular file is never read

def _cli_load(path: Path, store: Path) -> subprocess.CompletedProcess:
    """The real CLI, with its address space capped at 3 GiB and 30 s: a reader that slurps /dev/zero fails
    with MemoryError, one that waits on a FIFO times out — instead of taking the machine down or hanging."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    return subprocess.run([sys.executable, "-m", "dutygraph.service.cli", "load", "--store", str(store), str(path)],
                          capture_output=True, text=True, timeout=30, preexec_fn=cap)


def _special(kind: str, tmp_path: Path) -> Path:
    if kind == "device":
        return Path("/dev/zero")
    path = tmp_path / f"{kind}.txt"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        socket.socket(socket.AF_UNIX).bind(str(path))
    return path


@pytest.mark.parametrize("kind", ["fifo", "device", "socket"])
def test_a_path_named_that_is_not_a_regular_file_is_refused_unread(tmp_path, kind):
    path = _special(kind, tmp_path)
    done = _cli_load(path, tmp_path / "store")
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert f"{path}: not a regular file" in done.stderr and "nothing was loaded" in done.stderr, output
    assert "Traceback" not in output and "MemoryError" not in output
    with pytest.raises(LoadError, match="not a regular file"):
        read_folder([path])


def test_a_folder_named_to_read_all_is_refused(tmp_path):
    with pytest.raises(LoadError, match=r"not a regular file \(a folder\)"):
        read_all([tmp_path])


@pytest.fixture
def odd_folder(tmp_path: Path) -> Path:
    """One good document beside entries a walk must pass over and report: a FIFO, a socket, a link to itself,
    a broken link, and a link from a subfolder back to the folder (a loop)."""
    root = tmp_path / "odd"
    (root / "nested").mkdir(parents=True)
    (root / "lintong_plan.txt").write_bytes(LINTONG.read_bytes())
    os.mkfifo(root / "pipe.txt")
    socket.socket(socket.AF_UNIX).bind(str(root / "nested" / "sock.csv"))
    (root / "self.txt").symlink_to("self.txt")
    (root / "gone.txt").symlink_to("nowhere.txt")
    (root / "nested" / "back").symlink_to("..")
    (root / "notes").symlink_to("/dev/null")      # no document suffix: left alone like notes.md, not reported
    return root


def test_entries_that_are_no_regular_files_are_skipped_and_reported(odd_folder):
    assert document_paths([odd_folder]) == [odd_folder / "lintong_plan.txt"]
    plans, failures = read_folder([odd_folder])           # all or nothing, yet nothing bad was read
    assert [p.plan_id for p in plans] == ["lintong_plan"]
    reasons = {Path(path).relative_to(odd_folder).as_posix(): why for path, why in failures}
    assert reasons == {
        "pipe.txt": "not a regular file (a FIFO)",
        "nested/sock.csv": "not a regular file (a socket)",
        "self.txt": "a link loop (the link leads back to itself)",
        "gone.txt": "no such file (or a broken link)",
        "nested/back": "a link loop (it leads back to a folder above it)",
    }


def test_a_link_to_a_folder_is_followed_once(tmp_path):
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "lintong_plan.txt").write_bytes(LINTONG.read_bytes())
    (tmp_path / "also").symlink_to("plans")
    assert document_paths([tmp_path]) == [tmp_path / "also" / "lintong_plan.txt"]
    _, failures = read_folder([tmp_path])
    assert failures == [(str(tmp_path / "plans"), f"the same folder as {tmp_path / 'also'}, already read")]


def test_unreadable_files_and_folders_are_skipped_and_reported():
    """chmod 000 stops no one running as root (these tests do): the walk runs in a child process that gives up
    root for nobody (uid 65534) first, so the permission check is real."""
    root = Path(tempfile.mkdtemp(prefix="dutygraph-unreadable-"))
    try:
        root.chmod(0o755)
        (root / "secret.txt").write_text("1\t任务\t市应急局\n", encoding="utf-8")
        (root / "secret.txt").chmod(0o000)
        (root / "closed").mkdir(mode=0o000)
        (root / "closed").chmod(0o000)
        reasons = _as_nobody(lambda: read_folder([root])[1]) if os.geteuid() == 0 else read_folder([root])[1]
    finally:
        (root / "closed").chmod(0o755)
        shutil.rmtree(root)
    assert sorted(reasons) == [[str(root / "closed"), "cannot list the folder: Permission denied"],
                               [str(root / "secret.txt"), "cannot read the file: permission denied"]]


def _as_nobody(work):
    """work() in a forked child running as uid/gid 65534; its JSON result (or error text) comes back on a pipe."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.setgid(65534)
            os.setuid(65534)
            answer = {"ok": work()}
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        os.write(write_end, json.dumps(answer).encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        answer = json.loads(pipe.read() or b'{"error": "no answer"}')
    os.waitpid(pid, 0)
    assert "error" not in answer, answer["error"]
    return answer["ok"]
