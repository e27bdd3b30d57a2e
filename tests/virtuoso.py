"""A throw-away OpenLink Virtuoso for the remote-backend tests: installs Debian's virtuoso-opensource when it
is missing (root, non-interactive), starts `virtuoso-t` on free loopback ports with a database in a temporary
folder, and stops it again. Nothing of the system service (/var/lib/virtuoso-opensource-7) is used."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

PACKAGE = "virtuoso-opensource"
BINARY = "virtuoso-t"
ISQL = "isql-vt"
DBA_PASSWORD = "dba"  # a fresh database's default; the database lives and dies with the test session

# Only what differs from the engine's defaults. ResultSetMaxRows is the one that matters: Virtuoso's shipped
# ini cuts every SPARQL answer at 10,000 rows *silently*; dutygraph's listings read more than that.
INI = """\
[Database]
DatabaseFile    = {db}/virtuoso.db
ErrorLogFile    = {db}/virtuoso.log
LockFile        = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
TempStorage     = TempDatabase

[TempDatabase]
DatabaseFile    = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx

[Parameters]
ServerPort          = 127.0.0.1:{sql_port}
DisableUnixSocket   = 1
CheckpointInterval  = 0
NumberOfBuffers     = 20000
MaxDirtyBuffers     = 15000
DirsAllowed         = ., {db}
ThreadsPerQuery     = 2

[HTTPServer]
ServerPort          = 127.0.0.1:{http_port}
ServerRoot          = {db}/vsp
ServerThreads       = 10
MaxClientConnections = 10
Charset             = UTF-8

[SPARQL]
ResultSetMaxRows           = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 15
"""


class VirtuosoUnavailable(RuntimeError):
    """The package is not installed and cannot be installed here (the message says why)."""


def ensure_installed() -> str:
    """The path of virtuoso-t, installing the Debian package first if needed (needs root and apt)."""
    found = shutil.which(BINARY)
    if found:
        return found
    if os.geteuid() != 0:
        raise VirtuosoUnavailable(f"{BINARY} is missing and installing {PACKAGE} needs root")
    if not shutil.which("apt-get"):
        raise VirtuosoUnavailable(f"{BINARY} is missing and this system has no apt-get to install {PACKAGE}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    # The package's debconf question (the DBA password of the system database) is preseeded; the system
    # service it sets up is not used (no init system in a container, and it would hold port 8890 / 1111).
    preseed = "".join(f"virtuoso-opensource-7 virtuoso-opensource-7/{q} password {DBA_PASSWORD}\n"
                      for q in ("dba-password", "dba-password-again"))
    steps = [(["debconf-set-selections"], preseed), (["apt-get", "update", "-q"], None),
             (["apt-get", "install", "-y", "-q", "--no-install-recommends", PACKAGE], None)]
    for command, stdin in steps:
        if not shutil.which(command[0]):
            continue
        done = subprocess.run(command, input=stdin, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            raise VirtuosoUnavailable(f"{' '.join(command)} failed ({done.returncode}): {done.stderr[-2000:]}")
    found = shutil.which(BINARY)
    if not found:
        raise VirtuosoUnavailable(f"{PACKAGE} installed but {BINARY} is not on PATH")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Virtuoso:
    """One running virtuoso-t; `sparql` is the anonymous (read-only) endpoint, `sparql_auth` the digest-
    authenticated one that accepts updates for dba."""

    folder: Path
    http_port: int = field(default_factory=_free_port)
    sql_port: int = field(default_factory=_free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql(self) -> str:
        return f"{self.base}/sparql"

    @property
    def sparql_auth(self) -> str:
        return f"{self.base}/sparql-auth"

    @property
    def graph_crud_auth(self) -> str:
        return f"{self.base}/sparql-graph-crud-auth"

    def start(self, binary: str, wait_s: float = 120.0) -> None:
        (self.folder / "vsp").mkdir(parents=True, exist_ok=True)
        ini = self.folder / "virtuoso.ini"
        ini.write_text(INI.format(db=self.folder, sql_port=self.sql_port, http_port=self.http_port))
        log = open(self.folder / "stdout.log", "wb")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=self.folder,
                                        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + wait_s
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited with {self.process.returncode}: {self.log_tail()}")
            try:
                answer = httpx.get(self.sparql, params={"query": "ASK {}"}, timeout=5,
                                   headers={"Accept": "application/sparql-results+json"})
                if answer.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"virtuoso-t did not answer on {self.sparql} in {wait_s:g} s: {self.log_tail()}")
            time.sleep(0.25)

    def isql(self, *statements: str) -> str:
        """Run SQL statements as dba through isql-vt (e.g. grants)."""
        script = "".join(s.rstrip().rstrip(";") + ";\n" for s in statements)
        done = subprocess.run([ISQL, f"127.0.0.1:{self.sql_port}", "dba", DBA_PASSWORD],
                              input=script, capture_output=True, text=True, timeout=60)
        if done.returncode != 0 or "*** Error" in done.stdout:
            raise RuntimeError(f"isql failed: {done.stdout[-2000:]} {done.stderr[-2000:]}")
        return done.stdout

    def log_tail(self, chars: int = 3000) -> str:
        parts = [p.read_text(errors="replace")[-chars:] for p in (self.folder / "virtuoso.log", self.folder / "stdout.log")
                 if p.exists()]
        return "\n".join(parts)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)  # virtuoso-t shuts down on SIGINT; it ignores SIGTERM
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def start_virtuoso() -> Virtuoso:
    """Install if needed and start a fresh Virtuoso in a new temporary folder (removed by `discard`)."""
    binary = ensure_installed()
    server = Virtuoso(Path(tempfile.mkdtemp(prefix="dutygraph-virtuoso-")))
    server.start(binary)
    return server


def discard(server: Virtuoso) -> None:
    server.stop()
    shutil.rmtree(server.folder, ignore_errors=True)


def app_from_env():  # noqa: ANN201 - a uvicorn --factory target
    """What `dutygraph serve --workers N` needs: each worker process builds its own app from the environment
    ($DUTYGRAPH_STORE = the engine's URL), holding no state besides its HTTP connections."""
    from dutygraph.service.app import Settings, create_app

    return create_app(Settings(store=os.environ["DUTYGRAPH_STORE"], timeout_s=5))
