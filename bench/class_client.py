"""A class's clients on asyncio streams: JSON requests with a teacher's token, and a server-sent event follower."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


async def read_head(reader: asyncio.StreamReader) -> tuple[int, dict[str, str]]:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionResetError("the server closed the connection")
    status = int(status_line.split()[1])
    headers: dict[str, str] = {}
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers


def head(method: str, path: str, length: int, token: str | None, extra: dict[str, str] | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {length}"]
    if length:
        lines.append("Content-Type: application/json")
    if token is not None:
        lines.append(f"Authorization: Bearer {token}")
    lines += [f"{name}: {value}" for name, value in (extra or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def call(
    port: int,
    method: str,
    path: str,
    body: object | None = None,
    token: str | None = None,
    raw: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """One request on a new connection."""
    payload = raw if raw is not None else b"" if body is None else json.dumps(body).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(head(method, path, len(payload), token, headers) + payload)
        status, headers = await read_head(reader)
        length = int(headers.get("content-length", "0"))
        return Reply(status, headers, await reader.readexactly(length))
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


@dataclass
class Follower:
    """One student's event stream: `events` as (id, kind, data, arrival time.perf_counter())."""

    port: int
    code: str
    events: list[tuple[int, str, Any, float]] = field(default_factory=list)
    comments: int = 0
    status: int = 0
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    buffer: bytes = b""
    arrived: float = 0.0

    async def connect(self, last_id: int | str | None = None) -> int:
        """Open the stream (after `last_id`); returns the status. After a refusal the connection is closed."""
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        extra = {"Accept": "text/event-stream"}
        if last_id is not None:
            extra["Last-Event-ID"] = str(last_id)
        self.writer.write(head("GET", f"/api/classes/{self.code}/events", 0, None, extra))
        self.status, _ = await read_head(self.reader)
        self.buffer = b""
        if self.status != 200:
            self.close()
        return self.status

    @property
    def last_id(self) -> int | None:
        return self.events[-1][0] if self.events else None

    async def chunk(self) -> bytes:
        """The next chunk of the chunked body; b"" at its end or when the connection closes."""
        if self.reader is None:
            return b""
        size_line = await self.reader.readline()
        if not size_line.strip():
            return b""
        size = int(size_line.split(b";")[0], 16)
        data = await self.reader.readexactly(size + 2)
        return data[:-2]

    async def next(self) -> tuple[int, str, Any, float] | None:
        """The next event (comments counted and skipped); None when the stream ends."""
        while True:
            while b"\n\n" not in self.buffer:
                try:
                    data = await self.chunk()
                except (ConnectionError, asyncio.IncompleteReadError):
                    data = b""
                if not data:
                    self.close()
                    return None
                self.arrived = time.perf_counter()  # when the bytes came, before any parsing
                self.buffer += data
            block, self.buffer = self.buffer.split(b"\n\n", 1)
            fields: dict[str, str] = {}
            for line in block.decode().split("\n"):
                if line.startswith(":"):
                    self.comments += 1
                    continue
                name, _, value = line.partition(": ")
                fields[name] = value
            if "event" in fields:
                event = (int(fields["id"]), fields["event"], json.loads(fields["data"]), self.arrived)
                self.events.append(event)
                return event

    async def until(self, kind: str, timeout: float = 5.0) -> tuple[int, str, Any, float]:
        """Events up to the first of `kind`."""
        async with asyncio.timeout(timeout):
            while True:
                event = await self.next()
                if event is None:
                    raise ConnectionResetError(f"the stream ended before a {kind} event")
                if event[1] == kind:
                    return event

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None
