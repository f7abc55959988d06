"""Fixtures for the probe tests: in-process fake servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import pytest

Script = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@dataclass
class FakeServer:
    port: int
    # Resolves when the scripted connection is over; raises what its assertions raised.
    done: asyncio.Future[None]

    @property
    def host(self) -> str:
        return f'127.0.0.1:{self.port}'


@contextlib.asynccontextmanager
async def _fake_server(script: Script) -> AsyncIterator[FakeServer]:
    """Serves ``script`` to each connection; its own assertions fail the test through ``done``."""
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await script(reader, writer)
        except Exception as error:  # noqa: BLE001 - handed to the test
            if not done.done():
                done.set_exception(error)
        else:
            if not done.done():
                done.set_result(None)
        finally:
            writer.close()

    server = await asyncio.start_server(handle, '127.0.0.1', 0)
    try:
        yield FakeServer(server.sockets[0].getsockname()[1], done)
    except Exception:
        # A probe that fails because the script's own assertion broke the exchange:
        # report the assertion, which says what went wrong.
        _raise_script_error(done)
        raise
    else:
        _raise_script_error(done)
    finally:
        server.close()


def _raise_script_error(done: asyncio.Future[None]) -> None:
    if done.done() and not done.cancelled() and done.exception() is not None:
        raise done.exception()  # type: ignore[misc]


FakeServerFactory = Callable[[Script], contextlib.AbstractAsyncContextManager[FakeServer]]


@pytest.fixture
def fake_server() -> FakeServerFactory:
    """``async with fake_server(script) as server:`` serves ``script`` to each connection."""
    return _fake_server


@pytest.fixture
def closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return int(sock.getsockname()[1])
