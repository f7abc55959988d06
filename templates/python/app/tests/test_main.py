"""The real process: ``python -m app.main`` with settings from the environment."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from app.service import DEPENDENCIES

SRC = Path(__file__).resolve().parent.parent / 'src'

# A closed port for each scheme the generated app was wired with.
CLOSED_URLS = {
    'postgres': 'postgres://app:pw@127.0.0.1:{port}/app',
    'mysql': 'mysql://app:pw@127.0.0.1:{port}/app',
    'mariadb': 'mariadb://app:pw@127.0.0.1:{port}/app',
    'mongodb': 'mongodb://app:pw@127.0.0.1:{port}/app?authSource=admin',
    'redis': 'redis://:pw@127.0.0.1:{port}/0',
    'memcached': 'memcached://127.0.0.1:{port}',
}


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return int(sock.getsockname()[1])


def spawn(env: dict[str, str]) -> subprocess.Popen[str]:
    base = {'PATH': os.environ.get('PATH', ''), 'PYTHONPATH': str(SRC), 'PYTHONUNBUFFERED': '1'}
    return subprocess.Popen(
        [sys.executable, '-m', 'app.main'],
        env={**base, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def get(port: int, path: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(f'http://127.0.0.1:{port}{path}', timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_serves_its_contract_and_exits_0_on_sigterm() -> None:
    env = {'PORT': '0', 'HOST': '127.0.0.1', 'LOG_LEVEL': 'debug'}
    for dependency in DEPENDENCIES:
        env[dependency.env] = CLOSED_URLS[dependency.schemes[0]].format(port=closed_port())
    process = spawn(env)
    assert process.stdout is not None
    lines: list[dict[str, object]] = []
    try:
        while True:
            line = process.stdout.readline()
            assert line, 'exited before listening'
            lines.append(json.loads(line))
            if lines[-1]['msg'] == 'listening':
                break
        port = int(lines[-1]['port'])  # type: ignore[call-overload]
        assert get(port, '/healthz') == (200, {'status': 'ok'})
        status, body = get(port, '/readyz')
        names = {d.name for d in DEPENDENCIES}
        assert status == (503 if names else 200)
        assert set(body['checks']) == names  # type: ignore[arg-type]
        assert get(port, '/nope') == (404, {'error': 'not found'})
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    finally:
        process.kill()
        rest = process.stdout.read()
    # JSON lines only, every one with a level and a message.
    lines += [json.loads(line) for line in rest.splitlines()]
    assert all({'time', 'level', 'msg'} <= set(line) for line in lines)
    messages = [line['msg'] for line in lines]
    assert 'shutting down' in messages
    assert messages[-1] == 'shutdown complete'


def test_bad_settings_exit_1_with_one_clear_line() -> None:
    process = spawn({'PORT': 'eighty'})
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 1
    (line,) = [json.loads(text) for text in out.splitlines()]
    assert line['msg'] == 'invalid configuration'
    problems = line['problems']
    assert 'PORT must be an integer between 0 and 65535, got "eighty"' in problems  # type: ignore[operator]
    for dependency in DEPENDENCIES:
        assert f'{dependency.env} is required ({dependency.name} connection URL)' in problems  # type: ignore[operator]
