"""One JSON object per line on stdout: log collectors (Docker, Kubernetes, Loki...)
parse it without any configuration."""

from __future__ import annotations

import json
import logging
import sys
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

LOG_LEVELS = ('debug', 'info', 'warn', 'error')

Sink = Callable[[str], None]


def _stdout_sink(line: str) -> None:
    sys.stdout.write(line)
    # Lines written right before a forced exit must not sit in a buffer.
    sys.stdout.flush()


class Logger:
    def __init__(self, level: str, sink: Sink = _stdout_sink) -> None:
        self.level = level
        self._threshold = LOG_LEVELS.index(level)
        self._sink = sink

    def enabled(self, level: str) -> bool:
        return LOG_LEVELS.index(level) >= self._threshold

    def debug(self, msg: str, /, **fields: Any) -> None:
        self.log('debug', msg, fields)

    def info(self, msg: str, /, **fields: Any) -> None:
        self.log('info', msg, fields)

    def warn(self, msg: str, /, **fields: Any) -> None:
        self.log('warn', msg, fields)

    def error(self, msg: str, /, **fields: Any) -> None:
        self.log('error', msg, fields)

    def log(self, level: str, msg: str, fields: dict[str, Any] | None = None) -> None:
        if not self.enabled(level):
            return
        time = datetime.now(UTC).isoformat(timespec='milliseconds').replace('+00:00', 'Z')
        entry: dict[str, Any] = {'time': time, 'level': level, 'msg': msg}
        # Caller fields never overwrite time/level/msg, which collectors key on.
        for key, value in (fields or {}).items():
            entry.setdefault(key, value)
        self._sink(_serialize(entry) + '\n')


def _serialize(entry: dict[str, Any]) -> str:
    try:
        return json.dumps(entry, default=_json_safe, ensure_ascii=False)
    except (TypeError, ValueError):
        # A circular structure in the fields: keep the line rather than raise.
        keep = {key: entry[key] for key in ('time', 'level', 'msg')}
        return json.dumps({**keep, 'logError': 'fields not serializable'}, ensure_ascii=False)


def _json_safe(value: object) -> object:
    """A log call must never raise, and an exception must keep its message."""
    if isinstance(value, BaseException):
        return error_fields(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, bytes):
        return value.decode('utf-8', 'replace')
    return repr(value)


def error_fields(error: BaseException) -> dict[str, Any]:
    fields: dict[str, Any] = {'name': type(error).__name__, 'message': str(error)}
    if error.__traceback__ is not None:
        fields['stack'] = ''.join(traceback.format_exception(error)).rstrip()
    return fields


_STDLIB_LEVELS = {'debug': logging.DEBUG, 'info': logging.INFO, 'warn': logging.WARNING, 'error': logging.ERROR}


class _Bridge(logging.Handler):
    """Sends records of stdlib loggers (uvicorn, asyncio, libraries) through our logger."""

    def __init__(self, logger: Logger) -> None:
        super().__init__()
        self._logger = logger

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if record.levelno >= logging.ERROR:
                level = 'error'
            elif record.levelno >= logging.WARNING:
                level = 'warn'
            elif record.levelno >= logging.INFO:
                level = 'info'
            else:
                level = 'debug'
            fields: dict[str, Any] = {'logger': record.name}
            if record.exc_info and record.exc_info[1] is not None:
                fields['error'] = record.exc_info[1]
            self._logger.log(level, record.getMessage(), fields)
        except Exception:  # noqa: BLE001 - logging must never take the app down
            self.handleError(record)


def route_stdlib_logging(logger: Logger) -> None:
    """Makes every stdlib logger write JSON lines through ``logger``.

    uvicorn's own startup and shutdown chatter ("Started server process"...)
    repeats what the app logs itself, so it shows only at debug level.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(_Bridge(logger))
    root.setLevel(_STDLIB_LEVELS[logger.level])
    quiet = logging.DEBUG if logger.level == 'debug' else logging.WARNING
    for name in ('uvicorn', 'uvicorn.error', 'uvicorn.access'):
        named = logging.getLogger(name)
        named.handlers.clear()
        named.propagate = True
        named.setLevel(quiet)
