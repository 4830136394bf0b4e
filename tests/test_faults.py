"""Faults a classroom meets, provoked against the real server: no dot, a hung dot, slow clients, a dead worker."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import stat
import threading
import time
from pathlib import Path

import pytest

from bench.client import call_json as call
from bench.client import running_server
from tests.processes import alive
from tests.programs import LECTURE_L

pytestmark = pytest.mark.server


def fake_dot(folder: Path, body: str) -> str:
    """A folder holding a `dot` that answers -V and otherwise runs `body`; returns it as a PATH."""
    folder.mkdir(exist_ok=True)
    script = folder / "dot"
    script.write_text(
        f'#!/bin/sh\nif [ "$1" = "-V" ]; then echo "dot - graphviz version 2.43.0 (0)" >&2; exit 0; fi\n{body}\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(folder)


def test_without_dot_health_is_503_and_graphs_keep_their_data(tmp_path: Path) -> None:
    with running_server(1, path=str(tmp_path)) as port:
        status, health = call(port, "/healthz")
        assert status == 503 and "not installed" in str(health["reason"])
        status, graph = call(port, "/api/graph", {"source": LECTURE_L})
        assert status == 200 and graph["svg"] == ""
        assert graph["svg_error"] == {
            "kind": "graphviz",
            "message": "Graphviz is not installed: the dot program was not found",
        }
        assert [node["grad"] for node in graph["nodes"] if node["name"] == "a"] == [6.0]  # type: ignore[index, union-attr]


def test_a_hung_dot_is_killed_at_the_time_limit_while_other_requests_are_served(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    path = fake_dot(tmp_path / "bin", f"echo $$ > {pid_file}\nexec /bin/sleep 60")
    with running_server(1, path=path, draw_timeout="1.5") as port:
        result: dict[str, object] = {}

        def hung() -> None:
            start = time.perf_counter()
            result["status"], result["body"] = call(port, "/api/graph", {"source": LECTURE_L})
            result["seconds"] = time.perf_counter() - start

        worker = threading.Thread(target=hung)
        worker.start()
        deadline = time.monotonic() + 5
        while not pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pid_file.exists(), "dot never started"
        start = time.perf_counter()
        assert call(port, "/api/examples")[0] == 200
        assert call(port, "/api/graph", {"source": "a = "})[0] == 400
        assert time.perf_counter() - start < 1.0  # served while dot hangs
        worker.join(10)
        body = result["body"]
        assert result["status"] == 200 and 1.4 < float(result["seconds"]) < 3.5  # type: ignore[arg-type]
        assert "longer than 1.5 s" in body["svg_error"]["message"]  # type: ignore[index]
        pid = int(pid_file.read_text())
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # killed and reaped: no zombie left behind


def test_slow_clients_do_not_stop_real_requests_and_are_closed(tmp_path: Path) -> None:
    with running_server(1, header_timeout="2") as port:
        slow = [socket.create_connection(("127.0.0.1", port)) for _ in range(100)]
        header = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100
        try:
            for index in range(6):  # a byte per socket every 0.25 s for 1.5 s
                for connection in slow:
                    connection.sendall(header[index : index + 1])
                start = time.perf_counter()
                assert call(port, "/api/graph", {"source": LECTURE_L})[0] == 200
                assert time.perf_counter() - start < 1.0
                time.sleep(0.25)
            time.sleep(1.5)  # past the header timeout
            closed = 0
            for connection in slow:
                connection.settimeout(2)
                try:
                    closed += connection.recv(1) == b""
                except ConnectionResetError:
                    closed += 1
            assert closed == len(slow)
        finally:
            for connection in slow:
                connection.close()


def worker_pids(server_pid: int) -> list[int]:
    children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
    return [int(pid) for pid in children if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]


def server_pid(port: int) -> int:
    """The uvicorn supervisor listening on `port` (found through /proc)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
                environ = (entry / "environ").read_bytes()
            except OSError:
                continue
            ours = f"BACKPROP_PORT={port}\x00".encode() in environ
            if ours and cmdline.endswith(b"-m\x00app\x00") and b"spawn_main" not in cmdline:
                return int(entry.name)
    raise LookupError("no server")


def test_a_worker_killed_mid_request_leaves_the_others_serving(tmp_path: Path) -> None:
    path = fake_dot(tmp_path / "bin", "exec /bin/sleep 60")
    with running_server(2, path=path, draw_timeout="10") as port:
        supervisor = server_pid(port)
        workers = worker_pids(supervisor)
        assert len(workers) == 2
        outcomes: list[str] = []

        def drawing(k: int) -> None:  # stuck in the hung dot until its worker is killed or dot times out
            try:
                outcomes.append(str(call(port, "/api/graph", {"source": f"x{k} = 1.0"}, 15)[0]))
            except OSError as error:
                outcomes.append(type(error).__name__)

        in_flight = [threading.Thread(target=drawing, args=(k,)) for k in range(4)]
        for thread in in_flight:
            thread.start()
        time.sleep(0.5)
        os.kill(workers[0], signal.SIGKILL)
        answered = [call(port, "/api/examples")[0] for _ in range(20)]
        assert answered == [200] * 20
        for thread in in_flight:
            thread.join(15)
        assert len(outcomes) == 4  # every client got an answer or a closed connection, none hung
        deadline = time.monotonic() + 10
        while len(worker_pids(supervisor)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(worker_pids(supervisor)) == 2  # the supervisor started a new worker


def dot_processes(port: int) -> dict[int, int]:
    """The dot processes started by the server on `port`, each with its parent's id (found through /proc)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ours = f"BACKPROP_PORT={port}\x00".encode() in (entry / "environ").read_bytes()
                status = (entry / "status").read_text()
            except OSError:
                continue
            if ours and status.startswith("Name:\tdot\n"):
                found[int(entry.name)] = int(status.split("PPid:\t")[1].split()[0])
    return found


@pytest.mark.parametrize("workers", [1, 2])
def test_a_stopped_server_leaves_no_dot_process_behind(tmp_path: Path, workers: int) -> None:
    # This dot outlives its input, so only the server's own shutdown can end it in time.
    path = fake_dot(tmp_path / "bin", f'{shutil.which("dot")} "$@"\nexec /bin/sleep 60')
    with running_server(workers, path=path) as port:
        supervisor = server_pid(port)
        servers = {supervisor, *(worker_pids(supervisor) if workers > 1 else [])}
        drawings = [
            threading.Thread(target=call, args=(port, "/api/graph", {"source": f"x{k} = 1.0\ny = x{k} * 2.0"}))
            for k in range(8)
        ]
        for thread in drawings:
            thread.start()
        for thread in drawings:
            thread.join(20)
        started = dot_processes(port)  # the fake dots, children of the server, and the real ones they run
        assert any(parent in servers for parent in started.values())
        os.kill(supervisor, signal.SIGTERM)
        deadline = time.monotonic() + 20
        while alive(supervisor) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(supervisor)
        assert not any(alive(pid) for pid, parent in started.items() if parent in servers)
        deadline = time.monotonic() + 2  # the real dots, orphaned by their killed wrappers, end at their input's end
        while any(alive(pid) for pid in started) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert dot_processes(port) == {}
