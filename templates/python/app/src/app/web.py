"""The HTTP application, separate from the server so tests can call it directly."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.log import Logger
from app.readiness import Report

# Kubernetes probes hit these every few seconds: their access log lines go to
# debug so they don't drown the real traffic.
PROBE_PATHS = frozenset({'/healthz', '/readyz'})

_HEADERS = {'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff'}


@dataclass
class AppState:
    """Flipped by the shutdown handler; read on every request."""

    shutting_down: bool = False


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers={**_HEADERS, **(headers or {})})


def create_app(*, logger: Logger, readiness: Callable[[], Awaitable[Report]], state: AppState) -> FastAPI:
    # The interactive docs are off: a production service should not publish its
    # schema by default. Pass docs_url='/docs', openapi_url='/openapi.json' to enable.
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    # Liveness: never look at dependencies, or a database outage would make
    # Kubernetes restart every healthy pod.
    @app.api_route('/healthz', methods=['GET', 'HEAD'])
    async def healthz() -> JSONResponse:
        return json_response(200, {'status': 'ok'})

    @app.api_route('/readyz', methods=['GET', 'HEAD'])
    async def readyz() -> JSONResponse:
        # Fail readiness first so the load balancer drains this pod before it stops.
        if state.shutting_down:
            return json_response(503, {'status': 'shutting down', 'checks': {}})
        report = await readiness()
        for name, error in report.failures:
            logger.warn('readiness check failed', check=name, error=str(error) or type(error).__name__)
        # Only check names and ok/fail go out: error details can reveal internal
        # hostnames, so they stay in the log line above.
        return json_response(
            200 if report.ready else 503,
            {'status': 'ready' if report.ready else 'not ready', 'checks': report.checks},
        )

    # Add your routes here (or in APIRouter modules included with app.include_router).

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        messages = {404: 'not found', 405: 'method not allowed'}
        message = messages.get(exc.status_code, str(exc.detail))
        return json_response(exc.status_code, {'error': message}, dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def internal_error(_request: Request, _exc: Exception) -> JSONResponse:
        # The server logs the exception with its stack trace (one JSON line).
        return json_response(500, {'error': 'internal error'})

    app.add_middleware(AccessLog, logger=logger)
    return app


class AccessLog:
    """One line per request, with its status and duration (a pure ASGI middleware)."""

    def __init__(self, app: ASGIApp, logger: Logger) -> None:
        self.app = app
        self.logger = logger

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http':
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        response_started = False
        finished = False
        cancelled = False

        async def send_and_record(message: Message) -> None:
            nonlocal status, response_started, finished
            if message['type'] == 'http.response.start':
                status = message['status']
                response_started = True
            elif message['type'] == 'http.response.body' and not message.get('more_body', False):
                finished = True
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        except asyncio.CancelledError:
            cancelled = True
            raise
        finally:
            path = scope['path']
            fields: dict[str, Any] = {
                'method': scope['method'],
                # The query string is left out on purpose: it often carries tokens.
                'path': path,
                'status': status,
                'durationMs': round((time.perf_counter() - started) * 1000, 2),
            }
            # An exception before the response is a 500 (logged by the server);
            # a response cut short is an abort.
            if not finished and (response_started or cancelled):
                fields['aborted'] = True
            self.logger.log('debug' if path in PROBE_PATHS else 'info', 'request', fields)
