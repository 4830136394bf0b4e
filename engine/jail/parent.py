"""The prepared parent: imports everything once, then forks one walled-in child per run and reaps it.

Run by engine.jail.client as `python -m engine.jail.parent SPEC`, SPEC being a JSON object with
the control socket's descriptor, the target, the modules to preload and whether to filter. The
parent imports them, says it is ready on the control socket (or why it cannot be), and serves.

Each order on the control socket (a SOCK_SEQPACKET pair with the server) carries a run's limits
and two descriptors: the child's end of the run's socket and the parent's end of its status
socket. The order goes to the spare child forked ahead for it (engine/jail/spare.py), or to a child
forked for it when none is ready. The parent keeps the status socket, and once it has reaped the
child writes there how it ended (exit code or signal, and whether it was killed at its hard
deadline), then closes it. The parent never starts a thread, so that fork
is safe; it signals no process but children it has not reaped; it ignores SIGINT (the server's
Ctrl+C); and when the control socket closes, the server is gone: it kills its children, reaps
them and exits.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import select
import signal
import socket
import sys
import time
from dataclasses import dataclass
from types import FrameType
from typing import Any

from engine.jail.child import Prepared, describe_error, run_child
from engine.jail.protocol import MAX_ORDER_BYTES, ProtocolError, decode_order, encode_frame
from engine.jail.spare import Spare
from engine.jail.syscalls import FilterUnavailable, compile_filter, load_prctl

POLL_SECONDS = 1.0  # the longest the loop sleeps: SIGCHLD, an order or the next deadline wakes it sooner


@dataclass
class _Run:
    status_fd: int  # the parent's end of the run's status socket
    hard_deadline: float  # time.monotonic() at which the child is killed
    killed: str | None = None  # why the parent killed it: "deadline" or "shutdown"


def main(argv: list[str]) -> int:
    """Prepare, say so on the control socket, and serve until the server closes it."""
    spec = json.loads(argv[1])
    control = socket.socket(fileno=int(spec["control"]))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        prepared = prepare(
            str(spec["target"]), [str(name) for name in spec["preload"]], bool(spec["filter"]), spec.get("warm_up")
        )
    except FilterUnavailable as error:
        _tell(control, {"error": str(error)})
        return 1
    except Exception as error:  # the target or a preloaded module does not import
        _tell(control, {"error": describe_error(error)})
        return 1
    # Everything imported so far is every child's too: moved out of the collector's reach, a child's
    # collections never write to (and so copy) the pages it shares with this process.
    gc.collect()
    gc.freeze()
    _tell(control, {"ready": os.getpid()})
    serve(control, prepared)
    return 0


def prepare(target: str, preload: list[str], filtered: bool, warm_up: dict[str, Any] | None = None) -> Prepared:
    """Import the preloaded modules and the target; load libc's prctl and, if filtering, libseccomp."""
    for name in preload:
        importlib.import_module(name)
    module, _, function = target.partition(":")
    call = getattr(importlib.import_module(module), function)
    if not callable(call):
        raise TypeError(f"{target} is not a function")
    threads = len(os.listdir("/proc/self/task"))
    if threads != 1:  # fork copies only the calling thread: locks the others hold would stay held in every child
        raise RuntimeError(f"its imports started {threads - 1} threads (OPENBLAS_NUM_THREADS=1 stops OpenBLAS's)")
    before = set(sys.modules)  # what the jail imports from here on is dropped from each child's sys.modules
    prctl = load_prctl()
    compiled = compile_filter() if filtered else None
    return Prepared(call, compiled, frozenset(set(sys.modules) - before), os.getpid(), prctl, warm_up)


def serve(control: socket.socket, prepared: Prepared) -> None:
    """Fork a child per order, kill it at its hard deadline, reap it and report; until the control socket closes."""
    runs: dict[int, _Run] = {}
    wake_read, wake_write = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(wake_write, warn_on_full_buffer=False)
    signal.signal(signal.SIGCHLD, _on_child)  # a handler, not SIG_IGN: SIGCHLD must wake the poll to reap
    poller = select.poll()
    poller.register(control, select.POLLIN)
    poller.register(wake_read, select.POLLIN)
    listening = True
    spare = Spare(control, prepared, poller)
    spare.fork()
    while listening or runs:
        events = poller.poll(_timeout_ms(runs))
        events.sort(key=lambda event: event[0] != spare.channel)  # the spare's word that it is ready before an order
        for fd, _ in events:
            if fd == wake_read:
                with contextlib.suppress(BlockingIOError):
                    while os.read(wake_read, 4_096):
                        pass
            elif fd == spare.channel:
                spare.heard()
            elif not _accept(control, runs, prepared, spare):
                listening = False
                poller.unregister(control)
                spare.close()
                for pid, run in runs.items():
                    _kill(pid, run, "shutdown")
        if listening:
            spare.fork()
        _reap(runs)
        now = time.monotonic()
        for pid, run in runs.items():
            if now >= run.hard_deadline:
                _kill(pid, run, "deadline")


def _accept(control: socket.socket, runs: dict[int, _Run], prepared: Prepared, spare: Spare) -> bool:
    """Take one order and give it to the spare child, or fork one for it; False when the control socket has
    closed."""
    try:
        data, fds, flags, _ = socket.recv_fds(control, MAX_ORDER_BYTES, 2)
    except OSError:
        return False
    if not data and not fds:
        return False
    if len(fds) != 2 or flags & (socket.MSG_CTRUNC | socket.MSG_TRUNC):
        _close(*fds)
        return True
    run_fd, status_fd = fds
    try:
        limits, probe = decode_order(data)
    except ProtocolError:
        _close(run_fd, status_fd)
        return True
    pid = spare.hand_over(data, run_fd)
    if pid is None:
        try:
            pid = os.fork()
        except OSError as error:
            _report(status_fd, {"error": f"the jail could not fork ({error.strerror})"})
            _close(run_fd)
            return True
        if pid == 0:
            try:
                control.detach()  # the child's copy is closed with every other descriptor; never close it twice
                run_child(prepared, run_fd, limits, probe)
            finally:
                os._exit(1)
    _close(run_fd)
    runs[pid] = _Run(status_fd, time.monotonic() + limits.wall_seconds + limits.grace_seconds)
    return True


def _reap(runs: dict[int, _Run]) -> None:
    """Reap every child that has ended and write its status frame."""
    while runs:
        try:
            pid, status, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        run = runs.pop(pid, None)
        if run is not None:
            _report(
                run.status_fd,
                {
                    "exit": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
                    "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
                    "killed": run.killed,
                    "cpu_seconds": usage.ru_utime + usage.ru_stime,
                    "max_rss_kib": usage.ru_maxrss,
                },
            )


def _kill(pid: int, run: _Run, reason: str) -> None:
    """SIGKILL a child not yet reaped (so `pid` is still ours), once."""
    if run.killed is None:
        run.killed = reason
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _report(status_fd: int, status: dict[str, Any]) -> None:
    """Write the status frame without blocking (it is the socket's only frame: it fits) and close the socket."""
    try:
        os.set_blocking(status_fd, False)
        os.write(status_fd, encode_frame(status))
    except OSError:
        pass  # the client has gone
    finally:
        _close(status_fd)


def _timeout_ms(runs: dict[int, _Run]) -> int:
    """Until the nearest hard deadline, at most POLL_SECONDS, in whole milliseconds rounded up."""
    seconds = POLL_SECONDS
    pending = [run.hard_deadline for run in runs.values() if run.killed is None]
    if pending:
        seconds = min(seconds, max(0.0, min(pending) - time.monotonic()))
    return int(seconds * 1000) + 1


def _on_child(signum: int, frame: FrameType | None) -> None:
    """SIGCHLD's handler: nothing to do here; the wake-up pipe wakes the loop, which reaps."""


def _tell(control: socket.socket, message: dict[str, Any]) -> None:
    with contextlib.suppress(OSError):
        control.send(json.dumps(message).encode())


def _close(*fds: int) -> None:
    for fd in fds:
        with contextlib.suppress(OSError):
            os.close(fd)


if __name__ == "__main__":
    code = main(sys.argv)
    sys.stderr.flush()
    os._exit(code)  # at once: not after threads a failed import may have started
