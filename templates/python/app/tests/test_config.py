import pytest

from app.config import ConfigError, load_config
from app.readiness import Dependency


async def _probe(url: str, timeout: float = 1.0) -> None:
    return None


DB = Dependency(name='postgres', env='DATABASE_URL', schemes=('postgres', 'postgresql'), probe=_probe)
CACHE = Dependency(name='redis', env='CACHE_URL', schemes=('redis', 'rediss'), probe=_probe)


def load(env: dict[str, str], dependencies: tuple[Dependency, ...] = ()):  # type: ignore[no-untyped-def]
    return load_config(env, default_port=8000, dependencies=dependencies)


def test_defaults() -> None:
    config = load({})
    assert (config.host, config.port, config.log_level, config.shutdown_timeout_ms) == ('0.0.0.0', 8000, 'info', 10_000)
    assert config.dependencies == ()


def test_reads_every_setting_and_treats_blank_as_unset() -> None:
    config = load({'HOST': '127.0.0.1', 'PORT': '9000', 'LOG_LEVEL': 'DEBUG', 'SHUTDOWN_TIMEOUT_MS': '250'})
    assert (config.host, config.port, config.log_level, config.shutdown_timeout_ms) == ('127.0.0.1', 9000, 'debug', 250)
    assert load({'PORT': '  ', 'HOST': ''}).port == 8000
    assert load({'LOG_LEVEL': 'warning'}).log_level == 'warn'


@pytest.mark.parametrize('port', ['abc', '1e3', '0x10', '-1', '65536', '+5', '1_000', ' 12x'])
def test_rejects_bad_ports(port: str) -> None:
    with pytest.raises(ConfigError, match='PORT must be an integer between 0 and 65535'):
        load({'PORT': port})


def test_lists_every_problem_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        load({'PORT': 'x', 'LOG_LEVEL': 'loud', 'SHUTDOWN_TIMEOUT_MS': '-5'}, (DB, CACHE))
    problems = caught.value.problems
    assert len(problems) == 5
    assert any(p.startswith('LOG_LEVEL must be one of debug, info, warn, error') for p in problems)
    assert 'DATABASE_URL is required (postgres connection URL)' in problems
    assert 'CACHE_URL is required (redis connection URL)' in problems


def test_dependency_urls_are_checked_by_scheme_and_never_echoed() -> None:
    config = load({'DATABASE_URL': 'postgresql://u:p@db/app', 'CACHE_URL': 'REDIS://:pw@cache:6379/0'}, (DB, CACHE))
    assert [(c.dependency.name, c.url) for c in config.dependencies] == [
        ('postgres', 'postgresql://u:p@db/app'),
        ('redis', 'REDIS://:pw@cache:6379/0'),
    ]
    with pytest.raises(ConfigError) as caught:
        load({'DATABASE_URL': 'mysql://u:hunter2@db/app'}, (DB,))
    assert caught.value.problems == ('DATABASE_URL must be a URL starting with postgres:// or postgresql://',)
    assert 'hunter2' not in str(caught.value)
