"""The server's processes from /proc: which uvicorn worker holds which connection, their memory and CPU, and a
process's children; for the tests and benchmarks."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path


def port_processes(port: int) -> Iterator[tuple[int, list[bytes]]]:
    """Every process of the server on `port` (they share its BACKPROP_PORT), with its command line's parts."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"BACKPROP_PORT={port}".encode() in environ:
            yield int(entry.name), command


def worker_pids(port: int) -> list[int]:
    """The worker processes of the server on `port` (spawned by uvicorn)."""
    return sorted(pid for pid, command in port_processes(port) if any(b"spawn_main" in part for part in command))


def server_sockets(port: int) -> dict[int, int]:
    """Socket inode -> the client's port, for the server side of every connection to `port`."""
    sockets = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, remote, inode = fields[1], fields[2], int(fields[9])
            if int(local.rsplit(":", 1)[1], 16) == port and inode:
                sockets[inode] = int(remote.rsplit(":", 1)[1], 16)
    return sockets


def client_ports_by_worker(port: int) -> dict[int, set[int]]:
    """For each worker, the client ports of the connections it holds."""
    sockets = server_sockets(port)
    held: dict[int, set[int]] = {}
    for pid in worker_pids(port):
        ports = held.setdefault(pid, set())
        try:
            descriptors = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for descriptor in descriptors:
            try:
                target = os.readlink(f"/proc/{pid}/fd/{descriptor}")
            except OSError:
                continue
            if target.startswith("socket:["):
                inode = int(target[8:-1])
                if inode in sockets:
                    ports.add(sockets[inode])
    return held


def rss_bytes(pid: int) -> int:
    """A process's resident memory."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def serving_pids(port: int) -> list[int]:
    """The processes that serve requests on `port`: its workers, or the one process when it runs one worker."""
    return worker_pids(port) or [pid for pid, command in port_processes(port) if command[1:3] == [b"-m", b"app"]]


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_of(pid: int) -> list[int]:
    """The processes whose parent is `pid`, from /proc."""
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(entry.name))
    return children
