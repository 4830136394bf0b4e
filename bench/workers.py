"""Which uvicorn worker holds which connection, and its memory: from /proc, for the tests and benchmarks of classes."""

from __future__ import annotations

import os
from pathlib import Path


def worker_pids(port: int) -> list[int]:
    """The worker processes of the server on `port` (spawned by uvicorn, sharing its BACKPROP_PORT)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if f"BACKPROP_PORT={port}".encode() in environ and b"spawn_main" in command:
            found.append(int(entry.name))
    return sorted(found)


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
    workers = worker_pids(port)
    if workers:
        return workers
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"BACKPROP_PORT={port}".encode() in environ and command[1:3] == [b"-m", b"app"]:
            found.append(int(entry.name))
    return found


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
