"""Every limit and server setting can be set from the environment."""

from __future__ import annotations

import pytest

from app.settings import Settings
from engine.limits import DEFAULT_LIMITS


def test_defaults_are_the_engine_limits() -> None:
    assert Settings().limits() == DEFAULT_LIMITS


def test_limits_and_server_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKPROP_MAX_NODES", "123")
    monkeypatch.setenv("BACKPROP_DRAW_TIMEOUT", "0.5")
    monkeypatch.setenv("BACKPROP_WORKERS", "4")
    settings = Settings()
    assert settings.limits().max_nodes == 123
    assert (settings.draw_timeout, settings.workers) == (0.5, 4)
