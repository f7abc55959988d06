"""Readiness: every configured dependency must answer before the app takes traffic."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

# Resolves when the dependency answers, raises with a readable message otherwise.
Probe = Callable[..., Awaitable[None]]


@dataclass(frozen=True)
class Dependency:
    """A backing service the app needs before it can take traffic."""

    # Name shown in /readyz and in logs, e.g. "postgres".
    name: str
    # Environment variable holding its connection URL.
    env: str
    # URL schemes the probe understands, without "://".
    schemes: tuple[str, ...]
    probe: Probe


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[], Awaitable[None]]


@dataclass
class Report:
    ready: bool = True
    checks: dict[str, str] = field(default_factory=dict)
    failures: list[tuple[str, BaseException]] = field(default_factory=list)


class Readiness:
    """Runs every check concurrently. Concurrent callers share one run, so a burst
    of /readyz requests never turns into a burst of connections to the database."""

    def __init__(self, checks: Sequence[Check]) -> None:
        self._checks = tuple(checks)
        self._in_flight: asyncio.Future[Report] | None = None

    async def __call__(self) -> Report:
        if self._in_flight is None:
            task = asyncio.ensure_future(self._run_all())
            self._in_flight = task

            def forget(_: asyncio.Future[Report]) -> None:
                if self._in_flight is task:
                    self._in_flight = None

            task.add_done_callback(forget)
        # A caller that goes away (client disconnect) must not cancel the shared run.
        return await asyncio.shield(self._in_flight)

    async def _run_all(self) -> Report:
        results = await asyncio.gather(*(check.run() for check in self._checks), return_exceptions=True)
        report = Report()
        for check, result in zip(self._checks, results, strict=True):
            if isinstance(result, BaseException):
                if isinstance(result, (KeyboardInterrupt, SystemExit)):
                    raise result
                report.ready = False
                report.checks[check.name] = 'fail'
                report.failures.append((check.name, result))
            else:
                report.checks[check.name] = 'ok'
        return report
