import asyncio
import json

import pytest
from fastapi.testclient import TestClient

from app.log import Logger
from app.readiness import Check, Readiness
from app.web import AppState, create_app


def make_client(checks: list[Check] | None = None, state: AppState | None = None):  # type: ignore[no-untyped-def]
    lines: list[dict[str, object]] = []
    logger = Logger('debug', lambda line: lines.append(json.loads(line)))
    app = create_app(logger=logger, readiness=Readiness(checks or []), state=state or AppState())

    @app.get('/boom')
    async def boom() -> None:
        raise RuntimeError('kaboom')

    return TestClient(app, raise_server_exceptions=False), lines


async def ok() -> None:
    return None


async def down() -> None:
    await asyncio.sleep(0)
    raise OSError('postgres:5432: connect failed: Connection refused')


def test_healthz_is_ok_and_never_cached() -> None:
    client, _ = make_client([Check('postgres', down)])
    response = client.get('/healthz')
    assert response.status_code == 200
    assert response.json() == {'status': 'ok'}
    assert response.headers['content-type'] == 'application/json'
    assert response.headers['cache-control'] == 'no-store'
    assert response.headers['x-content-type-options'] == 'nosniff'
    head = client.head('/healthz')
    assert (head.status_code, head.content) == (200, b'')


def test_readyz_reports_each_dependency() -> None:
    client, lines = make_client([Check('postgres', ok), Check('redis', down)])
    response = client.get('/readyz')
    assert response.status_code == 503
    assert response.json() == {'status': 'not ready', 'checks': {'postgres': 'ok', 'redis': 'fail'}}
    # The reason goes to the log, never to the client.
    assert 'Connection refused' not in response.text
    warning = next(line for line in lines if line['msg'] == 'readiness check failed')
    assert warning['check'] == 'redis'
    assert 'Connection refused' in str(warning['error'])


def test_readyz_without_dependencies_is_ready() -> None:
    client, _ = make_client()
    response = client.get('/readyz')
    assert (response.status_code, response.json()) == (200, {'status': 'ready', 'checks': {}})


def test_readyz_fails_while_shutting_down() -> None:
    client, _ = make_client([Check('postgres', ok)], AppState(shutting_down=True))
    response = client.get('/readyz')
    assert (response.status_code, response.json()) == (503, {'status': 'shutting down', 'checks': {}})


def test_unknown_paths_wrong_methods_and_crashes_answer_json() -> None:
    client, lines = make_client()
    missing = client.get('/nope')
    assert (missing.status_code, missing.json()) == (404, {'error': 'not found'})
    wrong = client.post('/healthz')
    assert (wrong.status_code, wrong.json()) == (405, {'error': 'method not allowed'})
    assert set(wrong.headers['allow'].replace(' ', '').split(',')) == {'GET', 'HEAD'}
    crash = client.get('/boom')
    assert (crash.status_code, crash.json()) == (500, {'error': 'internal error'})
    assert 'kaboom' not in crash.text
    assert not any(str(line).count('/docs') for line in lines)
    assert client.get('/docs').status_code == 404


@pytest.mark.parametrize(('path', 'level'), [('/healthz', 'debug'), ('/readyz', 'debug'), ('/nope', 'info')])
def test_access_log_lines(path: str, level: str) -> None:
    client, lines = make_client()
    client.get(f'{path}?token=secret')
    request = next(line for line in lines if line['msg'] == 'request')
    assert request['level'] == level
    assert request['path'] == path, 'no query string'
    assert request['method'] == 'GET'
    assert isinstance(request['durationMs'], float)
    assert 'aborted' not in request
