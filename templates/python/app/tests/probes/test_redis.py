from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING

import pytest

from app.probes.redis import probe
from app.wire import ProbeError

if TYPE_CHECKING:
    from conftest import FakeServerFactory


async def read_command(reader: asyncio.StreamReader) -> list[str]:
    """One RESP array of bulk strings."""
    header = await reader.readuntil(b'\r\n')
    assert header.startswith(b'*')
    args = []
    for _ in range(int(header[1:-2])):
        size = await reader.readuntil(b'\r\n')
        assert size.startswith(b'$')
        args.append((await reader.readexactly(int(size[1:-2]) + 2))[:-2].decode())
    return args


def test_auth_then_ping(fake_server: FakeServerFactory) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        assert await read_command(reader) == ['AUTH', 's3cret']
        writer.write(b'+OK\r\n')
        assert await read_command(reader) == ['PING']
        writer.write(b'+PONG\r\n')

    async def main() -> None:
        async with fake_server(script) as server:
            await probe(f'redis://:s3cret@{server.host}/0')
            await server.done

    asyncio.run(main())


def test_user_and_password_and_no_auth_without_password(fake_server: FakeServerFactory) -> None:
    async def with_user(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        assert await read_command(reader) == ['AUTH', 'app', 'p@ss']
        writer.write(b'+OK\r\n')
        assert await read_command(reader) == ['PING']
        writer.write(b'+PONG\r\n')

    async def without(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        assert await read_command(reader) == ['PING']
        writer.write(b'+PONG\r\n')

    async def main() -> None:
        async with fake_server(with_user) as server:
            await probe(f'redis://app:p%40ss@{server.host}')
            await server.done
        async with fake_server(without) as server:
            await probe(f'redis://{server.host}')
            await server.done

    asyncio.run(main())


@pytest.mark.parametrize(
    ('reply', 'message'),
    [
        (b'-WRONGPASS invalid username-password pair\r\n', 'AUTH rejected: WRONGPASS'),
        (b'+OK\r\n-LOADING Redis is loading the dataset in memory\r\n', 'PING rejected: LOADING'),
        (b'+OK\r\n+HELLO\r\n', "unexpected PING reply '+HELLO'"),
    ],
)
def test_errors_mean_not_ready(reply: bytes, message: str, fake_server: FakeServerFactory) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(reply)
        await reader.read()

    async def main() -> None:
        async with fake_server(script) as server:
            with pytest.raises(ProbeError, match=re.escape(message)) as caught:
                await probe(f'redis://:pw@{server.host}')
            assert str(caught.value).startswith(f'{server.host}: ')
            assert 'pw' not in str(caught.value).replace(server.host, '')

    asyncio.run(main())


def test_closed_port_and_silent_server(fake_server: FakeServerFactory, closed_port: int) -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()

    async def main() -> None:
        port = closed_port
        with pytest.raises(ProbeError, match=f'127.0.0.1:{port}: connect failed'):
            await probe(f'redis://127.0.0.1:{port}')
        async with fake_server(silent) as server:
            with pytest.raises(ProbeError, match='no answer within 200 ms'):
                await probe(f'redis://{server.host}', timeout=0.2)

    asyncio.run(main())
