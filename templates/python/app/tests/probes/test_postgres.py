from __future__ import annotations

import asyncio
import struct
from typing import TYPE_CHECKING

import pytest

from app.probes.postgres import probe
from app.wire import ProbeError

if TYPE_CHECKING:
    from conftest import FakeServerFactory


async def read_startup(reader: asyncio.StreamReader) -> dict[str, str]:
    (length,) = struct.unpack('>i', await reader.readexactly(4))
    body = await reader.readexactly(length - 4)
    assert struct.unpack('>i', body[:4])[0] == 196_608, 'protocol 3.0'
    assert body.endswith(b'\0\0')
    parts = body[4:-2].decode().split('\0')
    return dict(zip(parts[::2], parts[1::2]))


def error_response(code: str, message: str) -> bytes:
    fields = f'SFATAL\0C{code}\0M{message}\0\0'.encode()
    return b'E' + struct.pack('>i', len(fields) + 4) + fields


def test_authentication_request_means_ready_and_no_password_is_sent(fake_server: FakeServerFactory) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        params = await read_startup(reader)
        assert params == {'user': 'app', 'database': 'orders', 'application_name': 'readiness-probe'}
        writer.write(b'R' + struct.pack('>ii', 12, 10) + b'SCRAM')  # AuthenticationSASL
        assert b'secret' not in await reader.read()

    async def main() -> None:
        async with fake_server(script) as server:
            await probe(f'postgres://app:secret@{server.host}/orders')
            await server.done

    asyncio.run(main())


def test_user_and_database_default_like_libpq(fake_server: FakeServerFactory) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        params = await read_startup(reader)
        assert params['user'] == 'postgres'
        assert params['database'] == 'postgres'
        writer.write(b'R' + struct.pack('>ii', 8, 0))

    async def main() -> None:
        async with fake_server(script) as server:
            await probe(f'postgresql://{server.host}')
            await server.done

    asyncio.run(main())


@pytest.mark.parametrize('code', ['28P01', '28000'])
def test_rejected_credentials_still_mean_the_server_is_up(code: str, fake_server: FakeServerFactory) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_startup(reader)
        writer.write(error_response(code, 'password authentication failed'))

    async def main() -> None:
        async with fake_server(script) as server:
            await probe(f'postgres://app:wrong@{server.host}/app')

    asyncio.run(main())


def test_starting_up_is_not_ready(fake_server: FakeServerFactory) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_startup(reader)
        writer.write(error_response('57P03', 'the database system is starting up'))

    async def main() -> None:
        async with fake_server(script) as server:
            with pytest.raises(ProbeError, match='not ready: 57P03 the database system is starting up'):
                await probe(f'postgres://app:pw@{server.host}/app')

    asyncio.run(main())


def test_not_postgres_and_closed_port(fake_server: FakeServerFactory, closed_port: int) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_startup(reader)
        writer.write(b'HTTP/1.1 400 Bad Request\r\n\r\n')

    async def main() -> None:
        async with fake_server(script) as server:
            with pytest.raises(ProbeError, match='not a PostgreSQL server'):
                await probe(f'postgres://{server.host}/app')
        with pytest.raises(ProbeError, match='connect failed'):
            await probe(f'postgres://127.0.0.1:{closed_port}/app')

    asyncio.run(main())
