from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from app.probes.memcached import probe
from app.wire import ProbeError

if TYPE_CHECKING:
    from conftest import FakeServerFactory


def test_version_means_ready(fake_server: FakeServerFactory) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        assert await reader.readuntil(b'\r\n') == b'version\r\n'
        writer.write(b'VERSION 1.6.38\r\n')

    async def main() -> None:
        async with fake_server(script) as server:
            await probe(f'memcached://{server.host}')
            await server.done

    asyncio.run(main())


def test_anything_else_is_not_ready(fake_server: FakeServerFactory, closed_port: int) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b'\r\n')
        writer.write(b'ERROR\r\n')

    async def hangs_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b'\r\n')
        writer.write(b'VERS')

    async def main() -> None:
        async with fake_server(script) as server:
            with pytest.raises(ProbeError, match="unexpected reply 'ERROR'"):
                await probe(f'memcached://{server.host}')
        async with fake_server(hangs_up) as server:
            with pytest.raises(ProbeError, match='connection closed by the server'):
                await probe(f'memcached://{server.host}')
        with pytest.raises(ProbeError, match='connect failed'):
            await probe(f'memcached://127.0.0.1:{closed_port}')

    asyncio.run(main())


def test_an_endless_line_is_refused(fake_server: FakeServerFactory) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b'\r\n')
        writer.write(b'V' * (128 * 1024))
        await reader.read()

    async def main() -> None:
        async with fake_server(script) as server:
            with pytest.raises(ProbeError, match='reply line too long'):
                await probe(f'memcached://{server.host}')

    asyncio.run(main())
