"""Starter service: liveness and readiness endpoints, JSON logs, graceful shutdown.

``python -m app.main`` serves it; ``python -m app.main --reload`` restarts it on every
change (development). Every setting comes from the environment (see config.py).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Mapping, Sequence
from types import TracebackType

from app.config import Config, ConfigError, load_config
from app.log import Logger, route_stdlib_logging
from app.service import DEFAULT_PORT, DEPENDENCIES


def configure(environ: Mapping[str, str]) -> tuple[Config, Logger] | None:
    """Settings and logging, or None after logging why the settings are invalid."""
    try:
        config = load_config(environ, default_port=DEFAULT_PORT, dependencies=DEPENDENCIES)
    except ConfigError as error:
        # LOG_LEVEL itself may be the invalid setting, so log at a fixed level.
        Logger('info').error('invalid configuration', problems=list(error.problems))
        return None
    logger = Logger(config.log_level)
    route_stdlib_logging(logger)
    _log_crashes(logger)
    return config, logger


def _log_crashes(logger: Logger) -> None:
    # Without these, a crash prints a multi-line traceback that log collectors
    # split into unrelated lines.
    def on_exception(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        logger.error('uncaught exception', error=error.with_traceback(tb))

    def on_thread_exception(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            logger.error(
                'uncaught exception in thread', thread=getattr(args.thread, 'name', None), error=args.exc_value
            )

    sys.excepthook = on_exception
    threading.excepthook = on_thread_exception


def main(argv: Sequence[str] = (), environ: Mapping[str, str] = os.environ) -> int:
    configured = configure(environ)
    if configured is None:
        return 1
    # The web stack is imported only once the settings are known to be good, so a bad
    # deploy fails in milliseconds.
    from app.server import serve

    return serve(*configured, reload='--reload' in argv)


if __name__ == '__main__':
    raise SystemExit(main(sys.argv[1:]))
