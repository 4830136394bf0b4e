"""compose.yaml: the app with two workers and Redis, for a school's server; the image alone serves classes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent


def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "compose.yaml").read_text()))


def test_compose_runs_two_workers_that_share_classes_through_its_redis() -> None:
    services = compose()["services"]
    assert set(services) == {"app", "redis"}
    app, redis = services["app"], services["redis"]
    assert app["build"] == "."
    assert app["environment"]["BACKPROP_WORKERS"] == "2"
    assert app["environment"]["BACKPROP_REDIS_URL"] == "redis://redis:6379/0"  # the service's own name
    assert app["depends_on"]["redis"]["condition"] == "service_healthy"
    assert app["ports"] == ["8000:8000"]
    image, _, tag = redis["image"].partition(":")
    assert image == "redis" and tag  # the official image, a pinned version
    assert "redis-cli" in redis["healthcheck"]["test"]
    assert "6379" not in str(redis.get("ports", ""))  # Redis is not published outside the compose network


def test_the_image_alone_runs_one_worker_so_classes_need_nothing_more() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "BACKPROP_WORKERS=1" in dockerfile and "BACKPROP_REDIS_URL" not in dockerfile
