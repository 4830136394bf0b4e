"""Targets the jail's tests run in its children: plain Python with full builtins, and no static check in front."""

from __future__ import annotations

import hashlib
from typing import Any

from engine.jail import Deadline


def run_code(request: dict[str, Any]) -> dict[str, Any]:
    """Exec `request["code"]`; what it left in `result`, and the exception that ended it as "Type: message"."""
    namespace: dict[str, Any] = {"__name__": "__jail__"}
    error = None
    try:
        exec(compile(request["code"], "<program>", "exec"), namespace)
    except Deadline as deadline:
        error = f"Deadline: {deadline.args[0]}"
    except MemoryError:
        error = "MemoryError"
    except Exception as exception:
        error = f"{type(exception).__name__}: {exception}"
    return {"result": namespace.get("result"), "error": error}


def echo(request: dict[str, Any]) -> dict[str, Any]:
    """The request's text back, with its length and digest."""
    text = request["text"]
    return {"text": text, "length": len(text), "sha256": hashlib.sha256(text.encode()).hexdigest()}


def make_text(request: dict[str, Any]) -> dict[str, Any]:
    """A result of `request["length"]` characters."""
    return {"text": "x" * request["length"]}


def empty(request: dict[str, Any]) -> dict[str, Any]:
    """Nothing: the cheapest run there is."""
    return {}


def fail(request: dict[str, Any]) -> dict[str, Any]:
    """The target's own error."""
    raise ValueError(f"no {request.get('what', 'luck')}")


def swallow_deadline(request: dict[str, Any]) -> dict[str, Any]:
    """A target that never lets the deadline end it."""
    while True:
        try:
            while True:
                pass
        except BaseException:
            pass


def not_a_dict(request: dict[str, Any]) -> Any:
    """A target that breaks its contract."""
    return [1, 2, 3]


def raw_bytes(request: dict[str, Any]) -> dict[str, Any]:
    """Bytes, which cross raw after the frame's JSON, beside what the request asks to come back as JSON."""
    return {"raw": bytes(range(256)) * 4, "json": request["json"]}


def forged_bytes(request: dict[str, Any]) -> dict[str, Any]:
    """A result whose JSON names bytes past the end of its frame."""
    return {"json": {"$bytes": [0, 10**9]}}


def call(request: dict[str, Any]) -> Any:
    """The function of this module named by `request["function"]`, called with the request."""
    return globals()[request["function"]](request)
