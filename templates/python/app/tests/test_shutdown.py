"""The same wiring as app.server.main, on a random port, with exit() captured."""

from __future__ import annotations

import asyncio
import time

from app.config import Config
from app.log import Logger
from app.readiness import Check, Readiness
from app.server import AppServer, uvicorn_config
from app.web import AppState, create_app


async def start(checks: list[Check], timeout_ms: int) -> tuple[AppServer, asyncio.Task[None], list[int], int]:
    state = AppState()
    logger = Logger('error', lambda line: None)
    app = create_app(logger=logger, readiness=Readiness(checks), state=state)
    config = Config(host='127.0.0.1', port=0, log_level='error', shutdown_timeout_ms=timeout_ms, dependencies=())
    exits: list[int] = []
    server = AppServer(
        uvicorn_config(app, config), state=state, logger=logger, timeout_ms=timeout_ms, exit=exits.append
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), task.exception()
        await asyncio.sleep(0.01)
    return server, task, exits, server.port


class Connection:
    """A keep-alive HTTP/1.1 client connection."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        return cls(*await asyncio.open_connection('127.0.0.1', port))

    async def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        self.writer.write(f'GET {path} HTTP/1.1\r\nHost: test\r\nConnection: keep-alive\r\n\r\n'.encode())
        head = (await self.reader.readuntil(b'\r\n\r\n')).decode().split('\r\n')
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(':') for line in head[1:] if line)}
        body = await self.reader.readexactly(int(headers['content-length']))
        return int(head[0].split()[1]), headers, body

    def close(self) -> None:
        self.writer.close()


async def can_connect(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection('127.0.0.1', port)
    except OSError:
        return False
    writer.close()
    return True


def test_sigterm_stops_accepting_lets_the_in_flight_request_finish_and_exits_cleanly() -> None:
    async def main() -> None:
        entered, release = asyncio.Event(), asyncio.Event()

        async def slow() -> None:
            entered.set()
            await release.wait()

        server, task, exits, port = await start([Check('slow', slow)], 5_000)
        connection = await Connection.open(port)
        in_flight = asyncio.ensure_future(connection.get('/readyz'))
        await entered.wait()
        server.handle_signal('SIGTERM')
        assert server.state.shutting_down

        await asyncio.sleep(0.3)  # uvicorn notices on its next tick (every 0.1 s)
        assert not await can_connect(port), 'new connections are refused'
        assert not task.done(), 'does not stop while a request is running'

        release.set()
        status, _, _ = await in_flight
        assert status == 200
        # The server closes the connection once its last response is out.
        assert await asyncio.wait_for(connection.reader.read(), 5) == b''
        await asyncio.wait_for(task, 5)
        assert exits == []
        connection.close()

    asyncio.run(main())


def test_idle_keep_alive_connections_do_not_hold_the_shutdown_open() -> None:
    async def main() -> None:
        server, task, exits, port = await start([], 5_000)
        connection = await Connection.open(port)
        assert (await connection.get('/healthz'))[0] == 200
        began = time.monotonic()
        server.handle_signal('SIGTERM')
        await asyncio.wait_for(task, 5)
        # uvicorn's keep-alive timeout is 5 s: finishing well before means the idle socket was closed.
        assert time.monotonic() - began < 2
        assert exits == []
        connection.close()

    asyncio.run(main())


def test_forces_exit_1_after_the_timeout_when_a_request_never_finishes() -> None:
    async def main() -> None:
        entered, release = asyncio.Event(), asyncio.Event()

        async def stuck() -> None:
            entered.set()
            await release.wait()

        server, task, exits, port = await start([Check('stuck', stuck)], 100)
        connection = await Connection.open(port)
        pending = asyncio.ensure_future(connection.get('/readyz'))
        # Wait until the request is really in flight: a fixed delay races on a loaded machine.
        await entered.wait()
        server.handle_signal('SIGTERM')
        for _ in range(100):
            if exits:
                break
            await asyncio.sleep(0.02)
        assert exits == [1]
        release.set()
        await pending
        await asyncio.wait_for(task, 5)
        connection.close()

    asyncio.run(main())


def test_a_second_signal_exits_immediately_with_1() -> None:
    async def main() -> None:
        release = asyncio.Event()

        async def stuck() -> None:
            await release.wait()

        server, task, exits, port = await start([Check('stuck', stuck)], 5_000)
        connection = await Connection.open(port)
        pending = asyncio.ensure_future(connection.get('/readyz'))
        await asyncio.sleep(0.05)
        server.handle_signal('SIGINT')
        server.handle_signal('SIGINT')
        assert exits == [1]
        release.set()
        await pending
        await asyncio.wait_for(task, 5)
        connection.close()

    asyncio.run(main())
