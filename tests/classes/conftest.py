"""Fixtures of the tests of classes: a real Redis, and one server per broker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.redis_server import running_redis
from tests.classes.helpers import Room, broker_server, open_class, run


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real redis-server for the whole run."""
    with running_redis() as url:
        yield url


@pytest.fixture(scope="module", params=["memory", "redis"])
def server(request: pytest.FixtureRequest, redis_url: str) -> Iterator[int]:
    """One server per broker for a module's tests; each test ends the classes it starts."""
    with broker_server(request.param, redis_url) as port:
        yield port


@pytest.fixture
def room(server: int) -> Iterator[Room]:
    """A class on the server, ended after the test."""
    opened = run(open_class(server))
    yield opened
    run(opened.end())
