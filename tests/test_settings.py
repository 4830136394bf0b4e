"""Every limit and server setting can be set from the environment."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from engine import run as programs
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


def test_running_programs_without_the_system_call_filter_is_refused_off_loopback() -> None:
    with pytest.raises(ValueError, match="loopback"):
        create_app(Settings(jail="off", host="0.0.0.0"))


def test_running_programs_without_the_filter_on_loopback_logs_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    try:
        with caplog.at_level(logging.WARNING):
            create_app(Settings(jail="off", host="127.0.0.1"))
        assert "without the system-call filter" in caplog.text
        assert programs.Programs.filter is False
    finally:
        create_app(Settings())
    assert programs.Programs.filter is True


def test_the_health_check_says_the_jail_works_here() -> None:
    with TestClient(create_app(Settings())) as client:
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"
