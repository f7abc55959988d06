from __future__ import annotations

import asyncio
import struct
from typing import TYPE_CHECKING

import pytest

from app.probes.mongodb import decode_top_level, encode_document, first_host, probe
from app.wire import ProbeError

if TYPE_CHECKING:
    from conftest import FakeServerFactory

OP_MSG = 2013


def reply(document: bytes, opcode: int = OP_MSG) -> bytes:
    body = struct.pack('<IB', 0, 0) + document
    return struct.pack('<iiii', 16 + len(body), 7, 1, opcode) + body


def bson(*elements: bytes) -> bytes:
    content = b''.join(elements)
    return struct.pack('<i', len(content) + 5) + content + b'\0'


def element(kind: int, name: str, value: bytes) -> bytes:
    return bytes([kind]) + name.encode() + b'\0' + value


def string(text: str) -> bytes:
    data = text.encode() + b'\0'
    return struct.pack('<i', len(data)) + data


async def read_request(reader: asyncio.StreamReader) -> dict[str, object]:
    length, request_id, response_to, opcode = struct.unpack('<iiii', await reader.readexactly(16))
    assert (opcode, response_to) == (OP_MSG, 0)
    body = await reader.readexactly(length - 16)
    assert body[:5] == b'\0\0\0\0\0', 'flagBits 0, section kind 0'
    return decode_top_level(body[5:])


HELLO_OK = bson(
    element(0x08, 'isWritablePrimary', b'\x01'),
    element(0x03, 'topologyVersion', bson(element(0x07, 'processId', bytes(12)))),
    element(0x10, 'maxWireVersion', struct.pack('<i', 25)),
    element(0x09, 'localTime', struct.pack('<q', 0)),
    element(0x01, 'ok', struct.pack('<d', 1.0)),
)


def test_hello_ok_means_ready(fake_server: FakeServerFactory) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        assert await read_request(reader) == {'hello': 1, '$db': 'admin'}
        writer.write(reply(HELLO_OK))

    async def main() -> None:
        async with fake_server(script) as server:
            # The URL the Compose file sets, with a seed list.
            await probe(f'mongodb://app:pw@{server.host},mongo-2:27017/app?authSource=admin')
            await server.done

    asyncio.run(main())


def test_ok_zero_is_not_ready(fake_server: FakeServerFactory) -> None:
    document = bson(
        element(0x01, 'ok', struct.pack('<d', 0.0)),
        element(0x02, 'errmsg', string('node is recovering')),
        element(0x10, 'code', struct.pack('<i', 91)),
    )

    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(reply(document))

    async def main() -> None:
        async with fake_server(script) as server:
            with pytest.raises(ProbeError, match='not ready: node is recovering'):
                await probe(f'mongodb://{server.host}')

    asyncio.run(main())


def test_not_mongodb(fake_server: FakeServerFactory) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(reply(HELLO_OK, opcode=1))  # OP_REPLY: a pre-3.6 server

    async def main() -> None:
        async with fake_server(script) as server:
            with pytest.raises(ProbeError, match='not a MongoDB server'):
                await probe(f'mongodb://{server.host}')

    asyncio.run(main())


def test_srv_urls_are_refused_with_advice() -> None:
    with pytest.raises(ProbeError, match='DNS SRV lookup'):
        asyncio.run(probe('mongodb+srv://cluster0.example.net/app'))


def test_bson_round_trip_and_seed_lists() -> None:
    assert decode_top_level(encode_document({'hello': 1, '$db': 'admin'})) == {'hello': 1, '$db': 'admin'}
    assert first_host('mongodb://u:p@a:1,b:2/db?x=1') == 'mongodb://u:p@a:1/db?x=1'
    with pytest.raises(ProbeError, match='truncated'):
        decode_top_level(struct.pack('<i', 100) + b'\0')
    with pytest.raises(ProbeError, match='unsupported BSON type'):
        decode_top_level(bson(element(0x42, 'x', b'')))
