"""Serving with uvicorn, with every accepted connection set to TCP_NODELAY.

uvicorn's worker processes listen on a socket rebuilt from an inherited descriptor, whose
protocol number reads 0, so asyncio does not set TCP_NODELAY on the connections it accepts;
keep-alive responses then wait about 40 ms for a delayed ACK. The protocol below sets it itself.
"""

from __future__ import annotations

import asyncio
import socket

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from app.settings import get_settings


class NoDelayH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, sending small responses at once."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        connection = transport.get_extra_info("socket")
        if connection is not None and connection.family in (socket.AF_INET, socket.AF_INET6):
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)


def main() -> None:
    """Run uvicorn with the app's settings."""
    settings = get_settings()
    uvicorn.run(
        "app.main:app",
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        http="app.server:NoDelayH11Protocol",
        timeout_keep_alive=settings.keep_alive_timeout,
        limit_concurrency=settings.max_connections,
        h11_max_incomplete_event_size=settings.max_header_bytes,
        access_log=settings.access_log,
        proxy_headers=False,
        server_header=False,
    )
