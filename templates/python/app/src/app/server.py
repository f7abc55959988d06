"""The server: the app on uvicorn, with the shutdown this service promises.
Everything here is wiring; the behaviour lives in modules that tests import directly."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from app.config import Config
from app.log import Logger
from app.readiness import Check, Readiness
from app.service import DEPENDENCIES, SERVICE_NAME
from app.web import AppState, create_app


def _hard_exit(code: int) -> None:
    # Skips interpreter teardown: in-flight requests and stuck connections must
    # not hold the process open past the orchestrator's grace period.
    sys.stdout.flush()
    os._exit(code)


class AppServer(uvicorn.Server):
    """uvicorn's server with the shutdown this service promises.

    Kubernetes sends SIGTERM, waits terminationGracePeriodSeconds (30 s by
    default), then SIGKILLs: keep SHUTDOWN_TIMEOUT_MS below that so our own
    forced exit is the one logged.
    """

    def __init__(
        self,
        config: uvicorn.Config,
        *,
        state: AppState,
        logger: Logger,
        timeout_ms: int,
        exit: Callable[[int], None] = _hard_exit,
    ) -> None:
        super().__init__(config)
        self.state = state
        self.logger = logger
        self.timeout_ms = timeout_ms
        self._exit = exit
        self._timer: asyncio.TimerHandle | None = None

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # uvicorn's own handlers raise the signal again once the server has
        # drained, so the process would die by SIGTERM (exit 143) even after a
        # clean shutdown; these let main() return 0 instead.
        loop = asyncio.get_running_loop()
        signals = (signal.SIGTERM, signal.SIGINT)
        for sig in signals:
            loop.add_signal_handler(sig, self.handle_signal, sig.name)
        try:
            yield
        finally:
            for sig in signals:
                loop.remove_signal_handler(sig)
            if self._timer is not None:
                self._timer.cancel()

    def handle_signal(self, name: str) -> None:
        if self.state.shutting_down:
            # A second Ctrl-C means "now": don't make a developer wait out the timeout.
            self.logger.warn('second signal received, exiting immediately', signal=name)
            self._exit(1)
            return
        # /readyz answers 503 from here on, so the load balancer stops routing to us.
        self.state.shutting_down = True
        self.logger.info('shutting down', signal=name, timeoutMs=self.timeout_ms)
        self._timer = asyncio.get_running_loop().call_later(self.timeout_ms / 1000, self._timed_out)
        # uvicorn then stops accepting, closes idle keep-alive connections, sends
        # "Connection: close" on busy ones and waits for in-flight requests.
        self.should_exit = True

    def _timed_out(self) -> None:
        self.logger.error('shutdown timed out, forcing exit', timeoutMs=self.timeout_ms)
        self._exit(1)

    async def startup(self, sockets: list | None = None) -> None:  # type: ignore[type-arg]
        await super().startup(sockets=sockets)
        if self.started:
            address = self.servers[0].sockets[0].getsockname()
            self.logger.info(
                'listening',
                service=SERVICE_NAME,
                address=address[0],
                port=address[1],
                dependencies=[d.name for d in DEPENDENCIES],
            )

    @property
    def port(self) -> int:
        """The bound port (PORT=0 picks a free one)."""
        return int(self.servers[0].sockets[0].getsockname()[1])


def build_app(config: Config, logger: Logger) -> tuple[FastAPI, AppState]:
    state = AppState()
    readiness = Readiness(
        [Check(c.dependency.name, functools.partial(c.dependency.probe, c.url)) for c in config.dependencies]
    )
    return create_app(logger=logger, readiness=readiness, state=state), state


def uvicorn_settings(config: Config) -> dict[str, Any]:
    return {
        'host': config.host,
        'port': config.port,
        # Logging goes through app.log (JSON lines); requests are logged by the app.
        'log_config': None,
        'access_log': False,
        # Don't advertise the server software.
        'server_header': False,
        'lifespan': 'on',
    }


def uvicorn_config(app: FastAPI, config: Config) -> uvicorn.Config:
    return uvicorn.Config(app, **uvicorn_settings(config))


def serve(config: Config, logger: Logger, *, reload: bool = False) -> int:
    """Serves until SIGTERM/SIGINT; returns the exit code."""
    if reload:
        # Development only: a supervisor process restarts the app when a file
        # under src/ changes (the dev container syncs them in).
        src = Path(__file__).resolve().parent.parent
        uvicorn.run(
            'app.server:reload_factory', factory=True, reload=True, reload_dirs=[str(src)], **uvicorn_settings(config)
        )
        return 0

    app, state = build_app(config, logger)
    server = AppServer(uvicorn_config(app, config), state=state, logger=logger, timeout_ms=config.shutdown_timeout_ms)
    # A port that cannot be bound makes uvicorn log the error and exit 1.
    server.run()
    logger.info('shutdown complete')
    return 0


def reload_factory() -> FastAPI:
    """The app for ``--reload``, built in the reloader's worker process."""
    from app.main import configure

    configured = configure(os.environ)
    if configured is None:
        raise SystemExit(1)
    return build_app(*configured)[0]
