"""The real server: uvicorn in a subprocess, spoken to over HTTP on loopback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LECTURE_L = "a = 2.0; b = -3.0; c = 10.0; e = a*b; d = e + c; f = -2.0; L = d * f"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited")
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).read()
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


@pytest.fixture(scope="module", params=[1, 2], ids=["1 worker", "2 workers"])
def server(request: pytest.FixtureRequest) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "BACKPROP_PORT": str(port), "BACKPROP_WORKERS": str(request.param)}
    process = subprocess.Popen(
        [sys.executable, "-m", "app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(10)


def post(base: str, path: str, body: dict[str, object]) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(
        base + path, json.dumps(body).encode(), {"content-type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_server_answers_graph_requests(server: str) -> None:
    status, body = post(server, "/api/graph", {"source": LECTURE_L})
    assert status == 200
    assert body["output"] == "n6" and "svg" in body


def test_the_server_answers_program_errors_with_400(server: str) -> None:
    status, body = post(server, "/api/graph", {"source": "a = b"})
    assert status == 400 and body["error"]["kind"] == "name"  # type: ignore[index]


def test_the_server_serves_health_and_the_page(server: str) -> None:
    health = json.loads(urllib.request.urlopen(server + "/healthz", timeout=5).read())
    assert health["status"] == "ok"
    page = urllib.request.urlopen(server + "/", timeout=5).read().decode()
    assert "Backprop Explorer" in page


def test_keep_alive_responses_are_not_delayed_by_nagle(server: str) -> None:
    """With TCP_NODELAY missing, each keep-alive response waits ~40 ms for a delayed ACK."""
    host, port = server.removeprefix("http://").split(":")
    body = json.dumps({"source": LECTURE_L}).encode()
    request = (
        f"POST /api/graph HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    with socket.create_connection((host, int(port)), timeout=5) as connection, connection.makefile("rb") as reader:
        times = []
        for _ in range(12):
            start = time.perf_counter()
            connection.sendall(request)
            length = 0
            while (line := reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            reader.read(length)
            times.append(time.perf_counter() - start)
    assert sorted(times)[len(times) // 2] < 0.030, times
