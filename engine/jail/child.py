"""What a forked child does: wall itself in, call the target on the request, write one frame, exit.

A child forked ahead of its run (a spare) first waits for its order and the run's socket on a
channel from the parent, holding no other descriptor of the parent's; then it does the same.

In this order: follow the parent in death and dump no core; keep no descriptor but the run's socket
(moved to fd 3) and /dev/null on 0, 1 and 2; forget the environment; set the resource limits; arm
the deadline's timer; load the seccomp filter (last: loading it needs calls it forbids); drop the
jail's own modules from sys.modules; read the request; call the target; write its result. The
child never returns into the parent's loop: whatever happens ends in os._exit.

The deadline is one ITIMER_REAL: it first fires after `nice_after_seconds`, when the run lowers its
own priority so that long runs never slow short ones, then at `wall_seconds`, when its handler
raises Deadline("wall") at the line running. RLIMIT_CPU's SIGXCPU raises Deadline("cpu"). A program
that swallows either gets it again (the timer re-arms, and the kernel repeats SIGXCPU each second
until its hard limit kills); the parent's SIGKILL at the hard deadline is the last resort.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any, NoReturn

from engine.jail.protocol import (
    HEADER,
    MAX_ORDER_BYTES,
    MAX_REQUEST_BYTES,
    MAX_RESULT_BYTES,
    JailLimits,
    ProtocolError,
    decode_order,
    encode_frame,
    read_frame,
    write_all,
)
from engine.jail.syscalls import CompiledFilter, FilterUnavailable, Prctl, load_filter

RUN_FD = 3  # where the run's socket is moved; the child has no other descriptor but 0, 1 and 2
REARM_SECONDS = 0.05  # a deadline the program swallowed fires again this soon
NICE = 10  # the priority of a run past nice_after_seconds
MAX_ERROR_CHARS = 10_000  # of one error message sent back
PR_SET_PDEATHSIG = 1  # prctl: the signal a process gets when its parent dies
PR_SET_DUMPABLE = 4  # prctl: 0 means no core dump, and no ptrace by other processes


class Deadline(BaseException):
    """The run's deadline, raised at the running line: args[0] is "wall" or "cpu".

    A BaseException, so that a program's `except Exception` does not swallow it.
    """


@dataclass(frozen=True)
class Prepared:
    """What the parent made ready once for all its children."""

    target: Callable[[dict[str, Any]], Any]
    filter: CompiledFilter | None  # None in development: no seccomp filter
    jail_modules: frozenset[str]  # imported for the jail alone; dropped from sys.modules once walled in
    parent_pid: int
    prctl: Prctl
    warm_up: dict[str, Any] | None = None  # the server's own request a spare runs while it waits, to no one


@dataclass
class _Clock:
    armed: bool = False  # whether the handlers raise Deadline
    reniced: bool = False
    wall_at: float = 0.0  # time.monotonic() of the deadline


_CLOCK = _Clock()


def run_child(prepared: Prepared, run_fd: int, limits: JailLimits, probe: bool) -> NoReturn:
    """The whole life of a forked child: wall in, run once, write one frame, exit."""
    code = 1
    try:
        _leave_parent(prepared)
        _keep_only(run_fd)
        code = _run(prepared, limits, probe)
    finally:
        os._exit(code)


def run_spare(prepared: Prepared, channel_fd: int) -> NoReturn:
    """The whole life of a child forked ahead of its run: wait on its channel for the run's order and socket,
    then live as run_child does. While it waits it holds no descriptor of the parent's but its standard ones
    and the channel, is not yet walled in, and uses no processor time."""
    code = 1
    try:
        _leave_parent(prepared)
        os.closerange(RUN_FD, channel_fd)
        os.closerange(channel_fd + 1, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
        if prepared.warm_up is not None:  # the pages a run touches first are copied now, not during the run
            with contextlib.suppress(Exception):
                prepared.target(dict(prepared.warm_up))
        channel = socket.socket(fileno=channel_fd)
        channel.send(b"ready")
        data, fds, flags, _ = socket.recv_fds(channel, MAX_ORDER_BYTES, 1)
        channel.close()
        if len(fds) != 1 or flags & (socket.MSG_CTRUNC | socket.MSG_TRUNC):
            os._exit(0)  # the parent closed the channel (it is shutting down), or sent no run
        limits, probe = decode_order(data)
        _keep_only(fds[0])
        code = _run(prepared, limits, probe)
    finally:
        os._exit(code)


def _leave_parent(prepared: Prepared) -> None:
    signal.set_wakeup_fd(-1)  # the parent's wake-up pipe: a signal here must not write into the run's socket
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    prepared.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != prepared.parent_pid:  # the parent died before prctl: nobody would kill this child
        os._exit(1)
    prepared.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)


def _keep_only(run_fd: int) -> None:
    """Move the run's socket to fd 3, close every other descriptor, and open /dev/null onto 0, 1 and 2."""
    os.dup2(run_fd, RUN_FD)
    os.closerange(0, RUN_FD)
    os.closerange(RUN_FD + 1, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
    null = os.open(os.devnull, os.O_RDWR)
    for fd in range(RUN_FD):
        if fd != null:
            os.dup2(null, fd)


def _run(prepared: Prepared, limits: JailLimits, probe: bool) -> int:
    """Wall in, call the target, and write the frame that says how it went; the exit code."""
    try:
        _wall_in(prepared, limits)
        frame = _call(prepared.target, probe)
    except (FilterUnavailable, OSError, ValueError) as error:  # setrlimit raises ValueError too
        frame = {"unavailable": f"the child could not be walled in: {error}"}
    except Deadline as deadline:
        frame = {"failure": str(deadline.args[0])}
    except MemoryError:
        frame = {"failure": "memory"}
    stand_down()
    frame["pid"] = os.getpid()
    write_all(RUN_FD, _encode(frame))
    return 0


def _wall_in(prepared: Prepared, limits: JailLimits) -> None:
    os.environ.clear()
    _limit_resources(limits)
    _start_clock(limits)
    if prepared.filter is not None:
        load_filter(prepared.filter, os.getpid(), prepared.prctl)
    for name in prepared.jail_modules:  # a program cannot import them again: no file opens from here on
        sys.modules.pop(name, None)


def _limit_resources(limits: JailLimits) -> None:
    with open("/proc/self/statm", "rb") as statm:
        size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")  # the address space at fork
    memory = size + max(0, limits.memory_bytes)
    hard_stack = resource.getrlimit(resource.RLIMIT_STACK)[1]
    stack = limits.stack_bytes if hard_stack == resource.RLIM_INFINITY else min(limits.stack_bytes, hard_stack)
    for kind, soft, hard in (
        (resource.RLIMIT_AS, memory, memory),
        (resource.RLIMIT_CPU, limits.cpu_limit, limits.cpu_limit + 1),
        (resource.RLIMIT_CORE, 0, 0),
        (resource.RLIMIT_FSIZE, 0, 0),
        (resource.RLIMIT_NOFILE, RUN_FD + 1, RUN_FD + 1),  # the descriptors open now: no new one
        (resource.RLIMIT_NPROC, 0, 0),  # holds for users other than root; the filter holds for all
        (resource.RLIMIT_STACK, stack, stack),
    ):
        resource.setrlimit(kind, (soft, hard))


def _start_clock(limits: JailLimits) -> None:
    wall = max(0.001, limits.wall_seconds)
    _CLOCK.wall_at = time.monotonic() + wall
    _CLOCK.reniced = not 0 < limits.nice_after_seconds < wall
    _CLOCK.armed = True
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.signal(signal.SIGXCPU, _on_processor_time)
    signal.setitimer(signal.ITIMER_REAL, wall if _CLOCK.reniced else limits.nice_after_seconds)


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    if not _CLOCK.armed:
        return
    if not _CLOCK.reniced:
        _CLOCK.reniced = True
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, 0, NICE)
        left = _CLOCK.wall_at - time.monotonic()
        if left > 0:
            signal.setitimer(signal.ITIMER_REAL, left)
            return
    signal.setitimer(signal.ITIMER_REAL, REARM_SECONDS)
    raise Deadline("wall")


def _on_processor_time(signum: int, frame: FrameType | None) -> None:
    if _CLOCK.armed:
        raise Deadline("cpu")


def stand_down() -> None:
    """Disarm the deadline; one that fires meanwhile is dropped here, not raised in the child's own code."""
    while True:
        try:
            _CLOCK.armed = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            return
        except Deadline:
            continue


def _call(target: Callable[[dict[str, Any]], Any], probe: bool) -> dict[str, Any]:
    """Read the request and call the target; the frame for what it returned or raised."""
    try:
        try:
            request = read_frame(RUN_FD, MAX_REQUEST_BYTES)
            message = _probe() if probe else target(request)
        finally:
            stand_down()
        if not isinstance(message, dict):
            raise TypeError(f"the target returned a {type(message).__name__}, not a dict")
        return {"message": message}
    except Deadline as deadline:
        return {"failure": str(deadline.args[0])}
    except MemoryError:
        return {"failure": "memory"}
    except ProtocolError:
        return {"failure": "request"}
    except BaseException as error:  # SystemExit too: the target's own end
        return {"message": {"jail_error": describe_error(error)}}


def _probe() -> dict[str, Any]:
    """A trial run's answer: whether opening a file is refused, as the filter must make it."""
    try:
        os.close(os.open("/", os.O_RDONLY))
    except PermissionError:
        return {"probe": "ok", "walled": True}
    except OSError:
        pass
    return {"probe": "ok", "walled": False}


def _encode(frame: dict[str, Any]) -> bytes:
    """The result frame; a result that cannot be sent is a frame that says why."""
    try:
        data = encode_frame(frame)
    except MemoryError:
        data = encode_frame({"failure": "memory"})
    except (TypeError, ValueError, RecursionError) as error:
        data = encode_frame({"message": {"jail_error": describe_error(error)}})
    if len(data) - HEADER.size > MAX_RESULT_BYTES:
        data = encode_frame({"failure": "result"})
    return data


def describe_error(error: BaseException) -> str:
    """`Type: message` for an exception, cut to MAX_ERROR_CHARS."""
    try:
        text = str(error)
    except Exception:
        text = "(its message could not be shown)"
    return f"{type(error).__name__}: {text}"[:MAX_ERROR_CHARS]
