"""One worker's classes: the broker the settings choose, the hub of its followers, codes, tokens and QR codes."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import signal
import threading
from types import FrameType
from typing import Any

import segno

from app.classes.broker import Broker
from app.classes.limits import ClassLimits
from app.classes.memory import MemoryBroker
from app.classes.stream import Hub
from app.settings import Settings

# Six characters without look-alikes (no 0/O, 1/I/L): 31**6, about 890 million codes.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
TOKEN_BYTES = 16  # 128 random bits


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def is_code(text: str) -> bool:
    return len(text) == CODE_LENGTH and all(character in ALPHABET for character in text)


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What the server keeps of a teacher's token: its SHA-256, so that the store never holds the token."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def qr_svg(url: str) -> str:
    """The address as a QR code: an SVG with a viewBox and no size, so that the page draws it as large as it likes."""
    return str(segno.make(url, error="m").svg_inline(scale=1, border=2, omitsize=True, dark="#000", light="#fff"))


class Classes:
    """The classes as this worker sees them."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.limits = ClassLimits.of(settings)
        self.hub = Hub()
        self.broker: Broker
        if settings.redis_url:
            from app.classes.redis_broker import RedisBroker

            self.broker = RedisBroker(
                settings.redis_url, settings.redis_prefix, self.limits, settings.redis_connections
            )
        else:
            self.broker = MemoryBroker(self.limits)
        self.started = False
        self.starting: asyncio.Lock | None = None

    @property
    def refused(self) -> str | None:
        """Why this server cannot hold classes, if it cannot: several workers would each keep their own."""
        if self.settings.workers > 1 and not self.settings.redis_url:
            return (
                f"class mode needs Redis with several workers: this server runs {self.settings.workers} workers "
                "and no BACKPROP_REDIS_URL, so students on another worker could not see the class"
            )
        return None

    async def ready(self) -> Broker:
        """The broker, its events flowing to this worker's followers."""
        if not self.started:
            self.starting = self.starting or asyncio.Lock()
            async with self.starting:
                if not self.started:
                    await self.broker.start(self.hub.deliver, self.hub.drop_all)
                    self.end_streams_on_exit()
                    self.started = True
        return self.broker

    def end_streams_on_exit(self) -> None:
        """On SIGTERM or SIGINT, end the event streams at once (their browsers reconnect to another worker), rather
        than leave the server waiting for ever for them to finish; then whatever handled the signal handles it."""
        if threading.current_thread() is not threading.main_thread():
            return
        loop = asyncio.get_running_loop()
        for number in (signal.SIGTERM, signal.SIGINT):
            previous = signal.getsignal(number)

            def handler(received: int, frame: FrameType | None, previous: Any = previous) -> None:
                loop.call_soon_threadsafe(self.hub.drop_all)
                if callable(previous):
                    previous(received, frame)

            signal.signal(number, handler)

    async def close(self) -> None:
        self.hub.drop_all()
        await self.broker.close()
