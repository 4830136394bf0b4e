"""The server's side of the jail: a `Jail` runs one request per call in a fresh, walled-in child.

A Jail starts its prepared parent (`python -m engine.jail.parent`) on first use and replaces it
when it dies. Per run it makes two socket pairs, sends the parent the child's end of the first
and the parent's end of the second over the control socket (SCM_RIGHTS, under a lock), then, with
no lock held, writes the request to the child and reads its result frame and, from the parent,
the status frame saying how the child ended. Many threads run at once, each with its own child.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.jail.protocol import (
    HEADER,
    MAX_REQUEST_BYTES,
    MAX_RESULT_BYTES,
    Exchange,
    encode_frame,
    encode_order,
    exchange,
)
from engine.jail.protocol import JailLimits as JailLimits

PROJECT_ROOT = Path(__file__).resolve().parents[2]  # the parent's working directory: `tests` imports from there
START_SECONDS = 60.0  # for the parent to import its modules and say it is ready
SEND_SECONDS = 5.0  # for the parent to take an order from the control socket
ANSWER_MARGIN_SECONDS = 5.0  # past a run's hard deadline before the client stops waiting for the parent
CLOSE_SECONDS = 2.0  # for the parent to kill and reap its children and exit once its control socket closes
PROBE_LIMITS = JailLimits(wall_seconds=5.0, cpu_seconds=5.0, memory_bytes=64 * 2**20, stack_bytes=8 * 2**20)
PASSED_ENVIRONMENT = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")  # the server's, when set: how OpenBLAS sees this CPU
SIGNAL_MEANINGS: dict[int, str] = {
    signal.SIGSEGV: "a crash",
    signal.SIGBUS: "a crash",
    signal.SIGILL: "a crash",
    signal.SIGFPE: "a crash",
    signal.SIGABRT: "an abort",
    signal.SIGSYS: "a forbidden system call",
    signal.SIGKILL: "killed",
}

_OPEN_JAILS: weakref.WeakSet[Jail] = weakref.WeakSet()


class JailUnavailable(Exception):
    """The jail cannot run programs here (no libseccomp, a filter the kernel refuses, a parent that cannot start)."""


@dataclass(frozen=True)
class JailResult:
    """How one run ended: the target's message, or a sentence for the student saying why there is none."""

    message: dict[str, Any] | None  # the target's return value, decoded
    failure: str | None  # None when a message came
    timed_out: bool  # the parent killed the child at the hard deadline, or never answered
    seconds: float  # wall time seen by the client
    signal: int | None = None  # the signal that ended the child, when one did
    pid: int | None = None  # the child's, as its frame says (a child that sent none: None)


def default_environment() -> dict[str, str]:
    """The parent's whole environment unless one is given: never the server's."""
    environment = {"PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    environment.update({name: os.environ[name] for name in PASSED_ENVIRONMENT if name in os.environ})
    return environment


class Jail:
    """Runs `target(request)` ("package.module:function") in a fresh forked, limited, filtered child per run."""

    def __init__(
        self,
        target: str,
        preload: tuple[str, ...] = (),
        filter: bool = True,
        env: Mapping[str, str] | None = None,
        warm_up: Mapping[str, Any] | None = None,
    ) -> None:
        self.target = target
        self.preload = preload
        self.filter = filter
        self.warm_up = dict(warm_up) if warm_up is not None else None  # a request each spare runs before its own
        self.env = dict(env) if env is not None else default_environment()
        self.lock = threading.Lock()  # the control socket and the parent's replacement
        self.process: subprocess.Popen[bytes] | None = None
        self.control: socket.socket | None = None
        self.checked = False
        _OPEN_JAILS.add(self)

    def run(self, request: dict[str, Any], limits: JailLimits) -> JailResult:
        """Run the target on `request` in a new child; raises JailUnavailable, never for what the program does."""
        started = time.monotonic()
        data, order = encode_frame(request), encode_order(limits)
        if len(data) - HEADER.size > MAX_REQUEST_BYTES:
            raise ValueError(f"a request of {len(data)} bytes is over the jail's limit of {MAX_REQUEST_BYTES}")
        done = self._run_once(data, order, limits)
        if done.lost and not done.settled:  # the parent died before the child ran, as one killed since the last run
            done = self._run_once(data, order, limits)
        if done.unavailable is not None:
            raise JailUnavailable(done.unavailable)
        failure = None if done.message is not None else failure_sentence(done, limits)
        ended_by = (done.status or {}).get("signal")
        signal_number = ended_by if isinstance(ended_by, int) else None
        return JailResult(done.message, failure, done.timed_out, time.monotonic() - started, signal_number, done.pid)

    def check(self) -> str | None:
        """None when the jail works here, else why not; a trial run, once it has succeeded."""
        if self.checked:
            return None
        try:
            done = self._run_once(encode_frame({}), encode_order(PROBE_LIMITS, probe=True), PROBE_LIMITS)
        except JailUnavailable as error:
            return str(error)
        if done.unavailable is not None:
            return done.unavailable
        message = done.message or {}
        if message.get("probe") != "ok":
            return f"the jail's trial run failed: {failure_sentence(done, PROBE_LIMITS)}"
        if self.filter and message.get("walled") is not True:
            return "the system-call filter did not stop the trial run from opening a file"
        self.checked = True
        return None

    def pids(self) -> list[int]:
        """The parent's process id while it runs."""
        process = self.process
        return [process.pid] if process is not None and process.poll() is None else []

    def close(self) -> None:
        """Stop the parent, which kills and reaps every child; runs in progress fail, later runs start a new parent."""
        with self.lock:
            self._stop()
        _OPEN_JAILS.discard(self)

    def __del__(self) -> None:
        if self.process is not None:
            self.close()  # a jail dropped without close(), as a test's may be: no parent left running

    def _run_once(self, request: bytes, order: bytes, limits: JailLimits) -> Exchange:
        run_socket, child_end = socket.socketpair()
        status_socket, parent_end = socket.socketpair()
        try:
            with self.lock:
                process = self._send(order, child_end, parent_end)
            child_end.close()  # from here the child and the parent hold the only other ends
            parent_end.close()
            deadline = time.monotonic() + limits.wall_seconds + limits.grace_seconds + ANSWER_MARGIN_SECONDS
            done = exchange(run_socket, status_socket, request, deadline)
        finally:
            for end in (run_socket, child_end, status_socket, parent_end):
                end.close()
        if done.late:  # a parent that lets a deadline pass by seconds is stuck: the next run starts a new one
            with self.lock:
                if self.process is process:
                    self._stop()
        return done

    def _send(self, order: bytes, child_end: socket.socket, parent_end: socket.socket) -> subprocess.Popen[bytes]:
        """Give the parent one order, starting or replacing the parent as needed; the parent that took it."""
        for attempt in range(2):
            if self.process is None or self.process.poll() is not None or self.control is None:
                self._start()
            process, control = self.process, self.control
            if process is None or control is None:
                break
            try:
                socket.send_fds(control, [order], [child_end.fileno(), parent_end.fileno()])
                return process
            except OSError as error:  # a parent that has died or stopped reading: replace it, once
                self._stop()
                if attempt == 1:
                    raise JailUnavailable(f"the jail's parent does not take orders ({error})") from None
        raise JailUnavailable("the jail's parent is not running")

    def _start(self) -> None:
        self._stop()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        spec = {
            "control": theirs.fileno(),
            "target": self.target,
            "preload": list(self.preload),
            "filter": self.filter,
            "warm_up": self.warm_up,
        }
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "engine.jail.parent", json.dumps(spec)],
                cwd=PROJECT_ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),),
            )
        except OSError as error:
            ours.close()
            raise JailUnavailable(f"the jail's parent could not be started ({error.strerror})") from None
        finally:
            theirs.close()
        self.process, self.control = process, ours
        _OPEN_JAILS.add(self)
        ready = _read_ready(ours, START_SECONDS)
        if "ready" not in ready:
            self._stop()
            reason = ready.get("error") or f"it ended with status {process.returncode}"
            raise JailUnavailable(f"the jail's parent could not start: {reason}")
        ours.settimeout(SEND_SECONDS)

    def _stop(self) -> None:
        """Close the control socket, wait for the parent to kill and reap its children and exit, or kill it."""
        control, self.control = self.control, None
        process, self.process = self.process, None
        if control is not None:
            control.close()
        if process is not None:
            try:
                process.wait(CLOSE_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()  # its children follow it: they die with their parent (PR_SET_PDEATHSIG)
                process.wait()


def failure_sentence(done: Exchange, limits: JailLimits) -> str:
    """Why a run sent no message, in a sentence for the student."""
    status = done.status or {}
    signal_number = status.get("signal")
    if done.failure == "wall" or done.timed_out:
        return f"the program ran longer than {limits.wall_seconds:g} s and was stopped"
    cpu_spent = isinstance(status.get("cpu_seconds"), float) and status["cpu_seconds"] >= limits.cpu_limit
    if done.failure == "cpu" or signal_number == signal.SIGXCPU or (signal_number == signal.SIGKILL and cpu_spent):
        return f"the program used more than {limits.cpu_limit} s of processor time and was stopped"
    if done.failure == "memory":
        return f"the program used more memory than the {limits.memory_bytes / 2**20:g} MiB it may use"
    if done.failure == "result":
        return f"the program's result was larger than {MAX_RESULT_BYTES // 2**20} MiB"
    if done.failure is not None:
        return "the program's result could not be read" if done.failure == "garbled" else "the child lost the request"
    if done.lost:
        return "the jail stopped before the program ended"
    if status.get("killed") == "shutdown":
        return "the jail was closed before the program ended"
    if isinstance(signal_number, int):
        meaning = SIGNAL_MEANINGS.get(signal_number) or signal.strsignal(signal_number) or "an unknown signal"
        return f"the program was stopped by signal {signal_number} ({meaning})"
    if isinstance(status.get("error"), str):
        return str(status["error"])
    return f"the program ended without a result (exit status {status.get('exit')})"


def _read_ready(control: socket.socket, timeout: float) -> dict[str, Any]:
    """The parent's first message: {"ready": pid} or {"error": why}; {} if it ends or says nothing in time."""
    control.settimeout(timeout)
    try:
        message = json.loads(control.recv(65_536) or b"{}")
    except (OSError, ValueError):
        return {}
    return message if isinstance(message, dict) else {}


@atexit.register
def _close_open_jails() -> None:
    """At interpreter exit, every parent a shutdown did not stop."""
    for jail in list(_OPEN_JAILS):
        jail.close()


def _forget_after_fork() -> None:
    """In a process forked from the server, the parents are the server's: drop them without stopping them."""
    for jail in list(_OPEN_JAILS):
        jail.lock = threading.Lock()
        if jail.control is not None:
            jail.control.close()
        jail.process, jail.control, jail.checked = None, None, False


os.register_at_fork(after_in_child=_forget_after_fork)
