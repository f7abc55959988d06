"""All settings come from the environment (12-factor); nothing is read from files."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.log import LOG_LEVELS
from app.readiness import Dependency

# Kubernetes sends SIGKILL after terminationGracePeriodSeconds: keep the default below 30 s.
DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000
MAX_TIMEOUT_MS = 2_147_483_647

_SCHEME = re.compile(r'^([a-z][a-z0-9+.-]*)://', re.IGNORECASE)
_INTEGER = re.compile(r'^[0-9]+$')


@dataclass(frozen=True)
class ConfiguredDependency:
    dependency: Dependency
    url: str


@dataclass(frozen=True)
class Config:
    host: str
    port: int
    log_level: str
    shutdown_timeout_ms: int
    # Each configured dependency with its URL, in declaration order.
    dependencies: tuple[ConfiguredDependency, ...]


class ConfigError(Exception):
    """Lists every problem at once, so a bad deploy is fixed in one round trip."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__('invalid configuration: ' + '; '.join(problems))
        self.problems = tuple(problems)


def load_config(env: Mapping[str, str], *, default_port: int, dependencies: Sequence[Dependency]) -> Config:
    problems: list[str] = []

    def read(key: str) -> str | None:
        # Compose and Helm often render unset values as empty strings: treat them as unset.
        value = (env.get(key) or '').strip()
        return value or None

    port = _integer(read('PORT'), default_port, 0, 65_535, 'PORT', problems)
    shutdown_timeout_ms = _integer(
        read('SHUTDOWN_TIMEOUT_MS'), DEFAULT_SHUTDOWN_TIMEOUT_MS, 0, MAX_TIMEOUT_MS, 'SHUTDOWN_TIMEOUT_MS', problems
    )

    log_level = (read('LOG_LEVEL') or 'info').lower()
    if log_level == 'warning':
        log_level = 'warn'
    if log_level not in LOG_LEVELS:
        problems.append(f'LOG_LEVEL must be one of {", ".join(LOG_LEVELS)}, got "{log_level}"')

    configured: list[ConfiguredDependency] = []
    for dependency in dependencies:
        url = read(dependency.env)
        if url is None:
            problems.append(f'{dependency.env} is required ({dependency.name} connection URL)')
            continue
        # Only the scheme is checked here: the URL may carry credentials, so it
        # is never echoed back into logs.
        match = _SCHEME.match(url)
        if match is None or match.group(1).lower() not in dependency.schemes:
            expected = ' or '.join(f'{scheme}://' for scheme in dependency.schemes)
            problems.append(f'{dependency.env} must be a URL starting with {expected}')
            continue
        configured.append(ConfiguredDependency(dependency, url))

    if problems:
        raise ConfigError(problems)
    return Config(
        host=read('HOST') or '0.0.0.0',
        port=port,
        log_level=log_level,
        shutdown_timeout_ms=shutdown_timeout_ms,
        dependencies=tuple(configured),
    )


def _integer(raw: str | None, fallback: int, low: int, high: int, key: str, problems: list[str]) -> int:
    if raw is None:
        return fallback
    # int() would accept " 12", "1_000" and "+5": a typo should fail loudly instead.
    if not _INTEGER.match(raw) or not low <= int(raw) <= high:
        problems.append(f'{key} must be an integer between {low} and {high}, got "{raw}"')
        return fallback
    return int(raw)
