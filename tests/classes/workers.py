"""Which uvicorn worker holds which connection: from /proc, for the tests and the benchmark of several workers."""

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
