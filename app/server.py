"""Serving with uvicorn: TCP_NODELAY on every connection, and a deadline for request headers.

uvicorn's worker processes listen on a socket rebuilt from an inherited descriptor, whose
protocol number reads 0, so asyncio does not set TCP_NODELAY on the connections it accepts;
keep-alive responses then wait about 40 ms for a delayed ACK. The protocol below sets it itself.
uvicorn also waits for a request's headers for ever, so a client sending them a byte at a time
(slowloris) holds its connection open; here the headers must arrive within HEADER_TIMEOUT.
"""

from __future__ import annotations

import asyncio
import socket

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from app.settings import get_settings


class ExplorerH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, sending small responses at once and closing on slow headers."""

    header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        connection = transport.get_extra_info("socket")
        if connection is not None and connection.family in (socket.AF_INET, socket.AF_INET6):
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
        self.start_header_timer()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is h11.IDLE:
            self.start_header_timer()  # the next request has begun, or not yet arrived
        elif self.header_timer is not None:
            self.header_timer.cancel()  # its headers are complete
            self.header_timer = None

    def connection_lost(self, exc: Exception | None) -> None:
        if self.header_timer is not None:
            self.header_timer.cancel()
        super().connection_lost(exc)

    def start_header_timer(self) -> None:
        if self.header_timer is None:
            self.header_timer = self.loop.call_later(get_settings().header_timeout, self.close_if_headers_missing)

    def close_if_headers_missing(self) -> None:
        self.header_timer = None
        if self.conn.their_state is h11.IDLE and (self.cycle is None or self.cycle.response_complete):
            self.transport.close()


def main() -> None:
    """Run uvicorn with the app's settings."""
    settings = get_settings()
    uvicorn.run(
        "app.main:app",
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        http="app.server:ExplorerH11Protocol",
        timeout_keep_alive=settings.keep_alive_timeout,
        limit_concurrency=settings.max_connections,
        h11_max_incomplete_event_size=settings.max_header_bytes,
        access_log=settings.access_log,
        proxy_headers=False,
        server_header=False,
    )
