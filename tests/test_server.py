"""The real server: uvicorn in a subprocess, spoken to over HTTP on loopback."""

from __future__ import annotations

import json
import socket
import time
import urllib.request
from collections.abc import Iterator

import pytest

from bench.client import call_json, running_server
from tests.programs import LECTURE_L


@pytest.fixture(scope="module", params=[1, 2], ids=["1 worker", "2 workers"])
def server(request: pytest.FixtureRequest) -> Iterator[int]:
    with running_server(request.param) as port:
        yield port


def test_the_server_answers_graph_requests(server: int) -> None:
    status, body = call_json(server, "/api/graph", {"source": LECTURE_L})
    assert status == 200
    assert body["output"] == "n6" and "svg" in body


def test_the_server_answers_program_errors_with_400(server: int) -> None:
    status, body = call_json(server, "/api/graph", {"source": "a = b"})
    assert status == 400 and body["error"]["kind"] == "name"  # type: ignore[index]


def test_the_server_serves_health_and_the_page(server: int) -> None:
    assert call_json(server, "/healthz")[1]["status"] == "ok"
    page = urllib.request.urlopen(f"http://127.0.0.1:{server}/", timeout=5).read().decode()
    assert "Backprop Explorer" in page


def test_keep_alive_responses_are_not_delayed_by_nagle(server: int) -> None:
    """With TCP_NODELAY missing, each keep-alive response waits ~40 ms for a delayed ACK."""
    host = "127.0.0.1"
    body = json.dumps({"source": LECTURE_L}).encode()
    request = (
        f"POST /api/graph HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    with socket.create_connection((host, server), timeout=5) as connection, connection.makefile("rb") as reader:
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
