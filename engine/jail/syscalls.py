"""The system calls a jailed child may make, as tables, and the seccomp filter built from them.

Once everything it needs is imported, a running CPython reads and writes descriptors it already
holds, maps memory, handles signals and reads clocks: that is ALLOWED. A few calls are allowed
only with arguments that keep the child to itself (CONDITIONAL). Starting a process or thread,
running another program, opening a socket and reading another process's memory end the child at
once (KILLED): a program has no business there, and the run ends with SIGSYS. Everything else,
opening a file first of all, fails with EPERM, which Python raises as PermissionError at the line
that asked. Names the kernel of this machine's architecture lacks (`open` and `fork` on aarch64)
are skipped; calls of another architecture's ABI (x86's int 0x80) kill the child.

libseccomp compiles the tables once, in the parent, with a placeholder for the child's process
id; each child writes its own id into a copy and loads it with one prctl. (Building the filter in
each child took 1.5 ms, most of it copying the pages libseccomp's allocations touch.)

Measured by tracing CPython 3.11 running programs that print, format tracebacks, recurse, run out
of memory, sleep and use `json`, `random`, `math` and big integers: see tests/test_jail.py.
"""

from __future__ import annotations

import errno
import importlib
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any, cast

ALLOWED = (
    # descriptors already open: the run's socket and /dev/null on 0, 1 and 2
    "read",
    "write",
    "readv",
    "writev",
    "pread64",
    "lseek",
    "close",
    "fstat",  # an open descriptor only; newfstatat, which takes a path, is refused
    "poll",
    "ppoll",
    # memory, within RLIMIT_AS
    "brk",
    "mmap",
    "munmap",
    "mremap",
    "mprotect",
    "madvise",
    # signals: the deadline's SIGALRM and SIGXCPU, and returning from their handlers
    "rt_sigprocmask",
    "rt_sigreturn",
    "sigaltstack",
    "restart_syscall",
    "setitimer",
    "getitimer",
    # clocks and sleeping
    "clock_gettime",
    "clock_getres",
    "clock_nanosleep",
    "nanosleep",
    "gettimeofday",
    "time",
    "getrusage",
    "times",
    # the process's own identity, randomness and locks
    "getpid",
    "gettid",
    "getrandom",
    "futex",
    "sched_yield",
    # leaving
    "exit",
    "exit_group",
)

SELF = -1  # in a condition: the child's own process id, known only after fork
PRIO_PROCESS = 0  # setpriority's `which` for one process
CONDITIONAL: dict[str, tuple[tuple[int, int], ...]] = {  # name: ((argument index, required value), ...)
    "kill": ((0, SELF),),  # os.kill(os.getpid(), ...) only
    "tgkill": ((0, SELF),),  # raise() and abort() signal their own thread
    "tkill": ((0, SELF),),
    "rt_sigaction": ((1, 0),),  # read a handler, never set one: the deadline's handlers stay
    "setpriority": ((0, PRIO_PROCESS), (1, 0)),  # lower its own priority, nobody else's
    "getpriority": ((0, PRIO_PROCESS), (1, 0)),
}

KILLED = (
    # new processes and threads, other programs
    "fork",
    "vfork",
    "clone",
    "clone3",
    "execve",
    "execveat",
    # the network, and sockets of any kind
    "socket",
    "socketpair",
    "connect",
    "bind",
    "listen",
    "accept",
    "accept4",
    # other processes' memory and descriptors
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "pidfd_open",
    "pidfd_getfd",
    "pidfd_send_signal",
    "kcmp",
    # the kernel's namespaces, modules, programs and machine state
    "unshare",
    "setns",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "io_uring_setup",
    "keyctl",
    "add_key",
    "request_key",
    "init_module",
    "finit_module",
    "delete_module",
    "kexec_load",
    "kexec_file_load",
    "reboot",
    "swapon",
    "swapoff",
    "open_by_handle_at",
    "iopl",
    "ioperm",
)


PLACEHOLDER_PID = 0x7FFF_FFF0  # the child's pid in the compiled filter; no process has it (pid_max <= 2**22)
INSTRUCTION = struct.Struct("=HBBI")  # struct sock_filter: code, jump if true, jump if false, constant k
BPF_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K: how libseccomp compares an argument with a constant
PR_SET_SECCOMP = 22  # prctl
PR_SET_NO_NEW_PRIVS = 38  # prctl: required before an unprivileged process may load a filter
SECCOMP_MODE_FILTER = 2

Prctl = Callable[[int, int, int, int, int], int]  # libc's prctl(option, arg2, arg3, arg4, arg5)


@dataclass(frozen=True)
class CompiledFilter:
    """The tables as a BPF program, with the places where each child writes its own process id."""

    program: bytes  # struct sock_filter instructions, as libseccomp compiled them
    pid_offsets: tuple[int, ...]  # byte offsets of the constants that hold PLACEHOLDER_PID


class FilterUnavailable(Exception):
    """The filter cannot be built or loaded here; str() says why."""


def load_seccomp() -> ModuleType:
    """pyseccomp, bound to this machine's libseccomp; raises FilterUnavailable when either is missing."""
    try:
        return importlib.import_module("pyseccomp")
    except ImportError as error:
        raise FilterUnavailable(f"pyseccomp is not installed ({error})") from None
    except (OSError, RuntimeError) as error:  # pyseccomp raises RuntimeError when it finds no libseccomp
        raise FilterUnavailable(f"libseccomp is not installed ({error})") from None


def build_filter(pid: int) -> Any:
    """The tables as libseccomp's filter, `pid` standing for the child; raises FilterUnavailable."""
    seccomp = load_seccomp()
    try:
        rules = seccomp.SyscallFilter(seccomp.ERRNO(errno.EPERM))
        rules.set_attr(seccomp.Attr.ACT_BADARCH, seccomp.KILL_PROCESS)
        for name in ALLOWED:
            _add(seccomp, rules, seccomp.ALLOW, name)
        for name, conditions in CONDITIONAL.items():
            arguments = [seccomp.Arg(index, seccomp.EQ, pid if value == SELF else value) for index, value in conditions]
            _add(seccomp, rules, seccomp.ALLOW, name, *arguments)
        for name in KILLED:
            _add(seccomp, rules, seccomp.KILL_PROCESS, name)
    except OSError as error:
        raise FilterUnavailable(f"libseccomp refused the filter ({os.strerror(error.errno or 0)})") from None
    return rules


def compile_filter() -> CompiledFilter:
    """The filter as BPF, compiled once by libseccomp in the parent; raises FilterUnavailable."""
    rules = build_filter(PLACEHOLDER_PID)
    read_end, write_end = os.pipe()  # a filter has at most 4,096 instructions of 8 bytes: the pipe holds them
    with open(read_end, "rb") as reader:
        with open(write_end, "wb") as writer:
            try:
                rules.export_bpf(writer)
            except OSError as error:
                reason = os.strerror(error.errno or 0)
                raise FilterUnavailable(f"libseccomp could not compile the filter ({reason})") from None
        program = reader.read()
    offsets = []
    for offset in range(0, len(program), INSTRUCTION.size):
        code, _, _, constant = INSTRUCTION.unpack_from(program, offset)
        if constant == PLACEHOLDER_PID:
            if code != BPF_JEQ_K:
                raise FilterUnavailable("libseccomp compiled the child's process id into something but a comparison")
            offsets.append(offset + INSTRUCTION.size - 4)  # the instruction's last field, `k`
    if not offsets:  # libseccomp shares one comparison among the calls that make the same one
        raise FilterUnavailable("libseccomp compiled no comparison with the child's process id")
    return CompiledFilter(program, tuple(offsets))


def load_prctl() -> Prctl:
    """libc's prctl, through ctypes: the parent loads it once, before any child is walled in."""
    import ctypes  # here, not at the top: what only the jail imports is dropped from a child's sys.modules

    prctl = ctypes.CDLL(None, use_errno=True).prctl
    prctl.argtypes = (ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong)
    prctl.restype = ctypes.c_int
    return cast(Prctl, prctl)


def load_filter(compiled: CompiledFilter, pid: int, prctl: Prctl) -> None:
    """Load the compiled filter into the calling process `pid`; from here on it holds until exit."""
    import ctypes  # already imported by load_prctl: a lookup, no file read

    program = bytearray(compiled.program)
    for offset in compiled.pid_offsets:
        struct.pack_into("=I", program, offset, pid)
    instructions = (ctypes.c_char * len(program)).from_buffer(program)
    header = ctypes.create_string_buffer(
        struct.pack("@HP", len(program) // INSTRUCTION.size, ctypes.addressof(instructions))
    )
    if (
        prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
        or prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(header), 0, 0) != 0
    ):
        reason = os.strerror(ctypes.get_errno())
        raise FilterUnavailable(f"the kernel refused the system-call filter ({reason})")


def _add(seccomp: ModuleType, rules: Any, action: int, name: str, *arguments: object) -> None:
    """One rule, unless this architecture has no system call of that name."""
    if seccomp.resolve_syscall(seccomp.Arch.NATIVE, name) < 0:
        return
    rules.add_rule(action, name, *arguments)
