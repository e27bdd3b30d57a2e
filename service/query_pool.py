"""Query worker processes: each holds a copy-on-write snapshot of the store, taken by forking the server,
so a query that runs away (time, memory, a crash in the engine) is stopped by killing its process.

A Python thread cannot be killed and pyoxigraph calls cannot be cancelled, so a query evaluated in the
server keeps a core and its memory until it returns. A worker is SIGKILLed at the deadline and its address
space is capped (``RLIMIT_AS`` = its size at fork + the memory budget), so an allocation past the budget
aborts the worker (Rust aborts when an allocation fails), never the server.

Snapshots and writes: every fork holds the `StoreFence`, which every store write holds too, so a worker
sees the store before a write or after it, whole. After each write the fence tells the pool (`refresh`):
idle workers are retired, busy ones retire when their query ends, and new ones are forked on demand.

Forking a threaded process: only the forking thread exists in the child. Workers are forked at chosen
moments (on demand by the query thread, and right after it has answered) and never during a write; the
remaining risk is a lock inside pyoxigraph or RocksDB that another thread (a question API request) holds
at that instant, which stays held in the child. A fresh worker must answer a probe query within
`_READY_S` or it is killed and forked again, and a worker that still hangs is killed at the deadline.
"""
from __future__ import annotations

import contextlib
import gc
import os
import pickle
import resource
import select
import signal
import stat
import struct
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

_READY_S = 2.0  # a fresh worker answers its probe within this, or it is forked again
_HEADER = struct.Struct("!Q")
_T = TypeVar("_T")


class WorkerTimeout(Exception):
    """The worker was killed at the deadline."""


class WorkerOutOfMemory(Exception):
    """The worker ran out of its memory budget (it aborted, or raised MemoryError)."""


class WorkerCrashed(Exception):
    """The worker died some other way (a signal such as SIGSEGV, or an exit)."""


class PoolBusy(Exception):
    """No worker could be forked before the deadline (a long write held the fence)."""


class StoreFence:
    """The lock held by every store write and by every fork of a worker; writes end by telling the
    pools that their snapshots are stale. Use `write(fn, ...)` or `writing()` around any write."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._after_write: list[Callable[[], None]] = []

    def on_write(self, callback: Callable[[], None]) -> None:
        self._after_write.append(callback)

    def off_write(self, callback: Callable[[], None]) -> None:
        if callback in self._after_write:
            self._after_write.remove(callback)

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        with self._lock:
            try:
                yield
            finally:
                for callback in list(self._after_write):
                    callback()

    def write(self, function: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        with self.writing():
            return function(*args, **kwargs)

    def acquire(self, timeout: float) -> bool:
        return self._lock.acquire(timeout=max(0.0, timeout))

    def release(self) -> None:
        self._lock.release()


@dataclass
class _Worker:
    pid: int
    send_fd: int  # the parent's end of the request pipe
    receive_fd: int  # the parent's end of the answer pipe
    generation: int


def _frame(payload: bytes) -> bytes:
    return _HEADER.pack(len(payload)) + payload


def _wait(fd: int, event: int, deadline: float) -> bool:
    poller = select.poll()
    poller.register(fd, event)
    left = deadline - time.monotonic()
    return left > 0 and bool(poller.poll(left * 1000))


def _send(fd: int, data: bytes, deadline: float) -> bool:
    """Write all of `data` to a non-blocking pipe by the deadline; False if the worker never read it."""
    view = memoryview(data)
    while view:
        if not _wait(fd, select.POLLOUT, deadline):
            return False
        try:
            view = view[os.write(fd, view):]
        except BlockingIOError:
            continue
        except BrokenPipeError:
            return False
    return True


def _receive(fd: int, deadline: float) -> bytes | None:
    """One framed answer; None at end of file (the worker died). Raises WorkerTimeout at the deadline."""
    buffer = bytearray()
    needed = _HEADER.size
    while len(buffer) < needed:
        if not _wait(fd, select.POLLIN, deadline):
            raise WorkerTimeout
        try:
            chunk = os.read(fd, max(1 << 16, needed - len(buffer)))
        except BlockingIOError:
            continue
        if not chunk:
            return None
        buffer += chunk
        if needed == _HEADER.size and len(buffer) >= needed:
            needed += _HEADER.unpack_from(buffer)[0]
    return bytes(buffer[_HEADER.size:needed])


def _read_blocking(fd: int, size: int) -> bytes | None:
    data = bytearray()
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


def _write_blocking(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _close_inherited(keep: tuple[int, ...]) -> None:
    """In a new worker: close the server's sockets and other pipes, so client connections and other
    workers' pipes close when the server closes them. Store files stay open."""
    folder = "/proc/self/fd" if os.path.isdir("/proc/self/fd") else "/dev/fd"
    for name in os.listdir(folder):
        fd = int(name)
        if fd <= 2 or fd in keep:
            continue
        with contextlib.suppress(OSError):
            mode = os.fstat(fd).st_mode
            if stat.S_ISSOCK(mode) or stat.S_ISFIFO(mode):
                os.close(fd)


def _limit_memory(budget_mb: int) -> None:
    """Cap the address space at its size now plus the budget (Linux; elsewhere no cap)."""
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status", encoding="ascii") as status:
            size_kb = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = size_kb * 1024 + budget_mb * (1 << 20)
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


def _worker_main(handler: Callable[[Any], Any], probe: Callable[[], object], receive_fd: int, send_fd: int,
                 budget_mb: int) -> None:
    """The forked worker: answer framed, pickled jobs until the server closes the pipe. Never returns."""
    try:
        _close_inherited((receive_fd, send_fd))
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which closes the pipes
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        gc.freeze()  # the collector never walks the inherited objects, so their pages stay shared
        os.environ["RUST_BACKTRACE"] = "0"  # an aborting worker must die at once, not symbolize a backtrace
        _limit_memory(budget_mb)
        probe()
        _write_blocking(send_fd, _frame(b"ready"))
        while (header := _read_blocking(receive_fd, _HEADER.size)) is not None:
            payload = _read_blocking(receive_fd, _HEADER.unpack(header)[0])
            if payload is None:
                break
            try:
                answer: tuple[str, Any] = ("ok", handler(pickle.loads(payload)))
                data = pickle.dumps(answer)
            except MemoryError:
                data = pickle.dumps(("memory", None))
            except Exception as error:  # noqa: BLE001 - reported to the server, which logs it
                data = pickle.dumps(("error", repr(error)))
            _write_blocking(send_fd, _frame(data))
    finally:
        os._exit(0)


def _reap(worker: _Worker, kill: bool = True) -> int:
    """Kill (when asked), close and reap a worker; its wait status."""
    if kill:
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.pid, signal.SIGKILL)
    for fd in (worker.send_fd, worker.receive_fd):
        with contextlib.suppress(OSError):
            os.close(fd)
    with contextlib.suppress(ChildProcessError):
        return os.waitpid(worker.pid, 0)[1]
    return 0


class _Workers:
    """The pool's state, apart from the pool so that a finalizer can end the workers."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.idle: list[_Worker] = []
        self.alive = 0
        self.generation = 0
        self.closed = False

    def close(self) -> None:
        with self.lock:
            self.closed, idle, self.idle = True, self.idle, []
        for worker in idle:
            _reap(worker)


class QueryPool:
    """Up to `size` pre-forked workers answering jobs with `handler(job)` (in the worker) by a deadline.
    `probe()` runs once in each new worker, touching the store, before the worker takes jobs."""

    def __init__(self, handler: Callable[[Any], Any], probe: Callable[[], object], size: int, memory_mb: int,
                 fence: StoreFence) -> None:
        self.handler, self.probe, self.size, self.memory_mb, self.fence = handler, probe, size, memory_mb, fence
        self._workers = _Workers()
        fence.on_write(self.refresh)
        weakref.finalize(self, self._workers.close)

    def run(self, job: Any, deadline: float) -> Any:
        """`handler(job)` in a worker; raises WorkerTimeout, WorkerOutOfMemory, WorkerCrashed or PoolBusy."""
        worker = self._checkout(deadline)
        if not _send(worker.send_fd, _frame(pickle.dumps(job)), deadline):
            self._lost(worker)
            raise WorkerTimeout
        try:
            answer = _receive(worker.receive_fd, deadline)
        except WorkerTimeout:
            self._lost(worker)
            raise
        if answer is None:
            self._died(worker)
        kind, value = pickle.loads(answer)  # type: ignore[arg-type]  # our own worker's bytes
        if kind == "memory":
            self._lost(worker)
            raise WorkerOutOfMemory
        self._checkin(worker)
        if kind == "error":
            raise WorkerCrashed(value)
        return value

    def refresh(self) -> None:
        """The store changed: retire idle workers now and busy ones when they finish (see the module doc)."""
        state = self._workers
        with state.lock:
            state.generation += 1
            stale, state.idle = state.idle, []
            state.alive -= len(stale)
        for worker in stale:
            _reap(worker)

    def replenish(self) -> None:
        """Fork idle workers up to `size`, unless a write is under way (then the next query forks)."""
        while not self._workers.closed and self._workers.alive < self.size:
            try:
                worker = self._fork(time.monotonic() + _READY_S, wait_s=0.0)
            except (PoolBusy, WorkerCrashed):
                return
            self._checkin(worker)

    def close(self) -> None:
        """Stop the workers and let go of the fence, which would otherwise keep this pool (and the store its
        workers fork from) alive after the app has shut down."""
        self._workers.close()
        self.fence.off_write(self.refresh)

    def _checkout(self, deadline: float) -> _Worker:
        state = self._workers
        with state.lock:
            if state.idle:
                return state.idle.pop()
        return self._fork(deadline, wait_s=deadline - time.monotonic())

    def _checkin(self, worker: _Worker) -> None:
        state = self._workers
        with state.lock:
            if not state.closed and worker.generation == state.generation:
                state.idle.append(worker)
                return
            state.alive -= 1
        _reap(worker)

    def _lost(self, worker: _Worker) -> int:
        with self._workers.lock:
            self._workers.alive -= 1
        return _reap(worker)

    def _died(self, worker: _Worker) -> None:
        status = self._lost(worker)  # already dead: the kill is a no-op
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGABRT, signal.SIGKILL):
            raise WorkerOutOfMemory
        how = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit {os.WEXITSTATUS(status)}"
        raise WorkerCrashed(f"the query worker died ({how})")

    def _fork(self, deadline: float, wait_s: float) -> _Worker:
        """A new worker that has answered its probe; a few tries, as a rare fork catches a held lock."""
        for _ in range(3):
            worker = self._fork_once(wait_s)
            try:
                if _receive(worker.receive_fd, min(deadline, time.monotonic() + _READY_S)) == b"ready":
                    return worker
            except WorkerTimeout:
                pass
            self._lost(worker)
            if time.monotonic() >= deadline:
                break
        raise WorkerCrashed("no query worker could be started")

    def _fork_once(self, wait_s: float) -> _Worker:
        request_read, request_write = os.pipe()
        answer_read, answer_write = os.pipe()
        if not self.fence.acquire(wait_s):
            for fd in (request_read, request_write, answer_read, answer_write):
                os.close(fd)
            raise PoolBusy
        pid = -1
        try:
            generation = self._workers.generation  # read under the fence: refresh runs inside writes
            pid = os.fork()
            if pid == 0:
                os.close(request_write)
                os.close(answer_read)
                _worker_main(self.handler, self.probe, request_read, answer_write, self.memory_mb)
        finally:
            if pid != 0:
                self.fence.release()
        os.close(request_read)
        os.close(answer_write)
        for fd in (request_write, answer_read):
            os.set_blocking(fd, False)
        with self._workers.lock:
            self._workers.alive += 1
        return _Worker(pid, request_write, answer_read, generation)


def run_forked(work: Callable[[], _T], deadline: float) -> _T:
    """`work()` in a child forked for this call alone and SIGKILLed at the deadline (``isolation="fork"``)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: answer, write, and leave without running any of the parent's clean-up
        try:
            os.close(read_fd)
            _write_blocking(write_fd, _frame(pickle.dumps(work())))
        finally:
            os._exit(0)
    os.close(write_fd)
    os.set_blocking(read_fd, False)
    worker = _Worker(pid, -1, read_fd, 0)
    try:
        answer = _receive(read_fd, deadline)
    except WorkerTimeout:
        _reap(worker)
        raise
    status = _reap(worker, kill=answer is None)
    if answer is None:
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGABRT, signal.SIGKILL):
            raise WorkerOutOfMemory
        raise WorkerCrashed("the query worker died before answering")
    result: _T = pickle.loads(answer)  # our own child's bytes, not client input
    return result
