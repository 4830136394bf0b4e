"""The app: routers, error handlers and the request-size guard around the engine."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import api, classes, notebooks, pages
from app.pictures import Busy, Pictures
from app.schemas import error_body
from app.settings import Settings, get_settings
from engine import run as programs
from engine.errors import ProgramError
from engine.jail import JailUnavailable
from engine.runs import RunCache

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = ("127.0.0.1", "localhost", "::1")
logger = logging.getLogger(__name__)


class ClientGone(Exception):
    """The client disconnected before its body arrived."""


class BodyLimit:
    """Reads a request body before the app sees it: past `max_bytes` it is 413, past `timeout` s 408."""

    def __init__(self, app: ASGIApp, max_bytes: int, timeout: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.max_bytes:
            await self.refuse(scope, receive, send)
            return
        try:
            async with asyncio.timeout(self.timeout):
                chunks = await self.read_body(receive)
        except ClientGone:
            return
        except TimeoutError:
            response = JSONResponse(error_body("request", f"the body took longer than {self.timeout:g} s"), 408)
            await response(scope, receive, send)
            return
        if chunks is None:
            await self.refuse(scope, receive, send)
            return
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def read_body(self, receive: Receive) -> list[bytes] | None:
        """The body's chunks, or None once they pass max_bytes."""
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return None
            chunks.append(chunk)
            more = message.get("more_body", False)
        return chunks

    async def refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(
            error_body("limit", f"the request body is larger than {self.max_bytes:,} bytes"), status_code=413
        )
        await response(scope, receive, send)


def describe_validation(error: RequestValidationError) -> str:
    """A one-line reason for a request that does not fit the schema, without echoing its input."""
    first = error.errors()[0] if error.errors() else {}
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    reason = str(first.get("msg", "invalid request"))
    return f"{where}: {reason}" if where else reason


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Nothing to start (dot and the jail start with the first drawing and run); at shutdown both are stopped."""
    yield
    await app.state.classes.close()
    app.state.pictures.close()
    programs.jail().close()


def create_app(settings: Settings | None = None) -> FastAPI:
    """The Backprop Explorer app under the given settings (the environment's by default)."""
    settings = settings or get_settings()
    if settings.jail == "off":
        if settings.host not in LOOPBACK:
            raise ValueError("BACKPROP_JAIL=off runs programs without the system-call filter: only on a loopback host")
        logger.warning("BACKPROP_JAIL=off: programs run without the system-call filter; for local development only")
    programs.Programs.filter = settings.jail != "off"
    programs.Programs.prepared_size = settings.prepared_cache_size
    app = FastAPI(
        title="Backprop Explorer",
        version="0.1.0",
        description="Type a small scalar program, see its computation graph, and step through backpropagation.",
        docs_url=None,  # served by pages.read_docs from vendored files
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.runs = RunCache(settings.run_cache_size, settings.run_cache_values)
    app.state.pictures = Pictures(
        cache_size=settings.picture_cache_size,
        concurrency=settings.draw_concurrency,
        queue_depth=settings.draw_queue_depth,
        queue_wait=settings.draw_queue_wait,
        timeout=settings.draw_timeout,
        max_values=settings.max_drawn_values,
        recycle_bytes=settings.draw_recycle_bytes,
        max_cluster_depth=settings.max_cluster_depth,
    )
    app.include_router(api.router)
    app.include_router(notebooks.router)
    app.include_router(pages.router)
    classes.install(app, classes.Classes(settings))
    app.mount("/static", StaticFiles(directory=ROOT / "static"), name="static")

    @app.exception_handler(ProgramError)
    async def program_error(request: Request, error: ProgramError) -> JSONResponse:
        body: dict[str, object] = {"error": error.to_dict()}
        if error.partial is not None:
            prints, cells, *drawn = error.partial
            plots = drawn[0] if drawn else []
            body["partial"] = {"prints": jsonable_encoder(prints), "plots": plots, "cells": jsonable_encoder(cells)}
        return JSONResponse(body, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def request_error(request: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse(error_body("request", describe_validation(error)), status_code=422)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        if error.status_code == 400:  # FastAPI's word for a body it could not decode
            return JSONResponse(error_body("request", "the body is not valid UTF-8 JSON"), status_code=422)
        return JSONResponse(
            error_body("request", str(error.detail)), status_code=error.status_code, headers=error.headers
        )

    @app.exception_handler(JailUnavailable)
    async def no_jail(request: Request, error: JailUnavailable) -> JSONResponse:
        headers = {"Retry-After": str(settings.retry_after)}
        return JSONResponse(error_body("jail", f"programs cannot run: {error}"), status_code=503, headers=headers)

    @app.exception_handler(Busy)
    async def busy(request: Request, error: Busy) -> JSONResponse:
        headers = {"Retry-After": str(settings.retry_after)}
        return JSONResponse(error_body("busy", str(error)), status_code=503, headers=headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        return JSONResponse(error_body("internal", "the server failed unexpectedly"), status_code=500)

    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, timeout=settings.body_timeout)
    return app


app = create_app()
