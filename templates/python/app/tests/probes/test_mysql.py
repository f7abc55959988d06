"""The MySQL probe against a fake server that frames packets, checks sequence ids
and verifies each answer the way mysqld does, including RSA full authentication."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import random
import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from app.probes.mysql import mgf1, parse_rsa_public_key, probe, xor
from app.wire import ProbeError

if TYPE_CHECKING:
    from conftest import FakeServerFactory

CLIENT_LONG_PASSWORD = 0x1
CLIENT_CONNECT_WITH_DB = 0x8
CLIENT_PROTOCOL_41 = 0x200
CLIENT_SECURE_CONNECTION = 0x8000
CLIENT_PLUGIN_AUTH = 0x80000
SERVER_CAPABILITIES = 0xF7FE | (0x81BF << 16) | CLIENT_LONG_PASSWORD

OK = bytes([0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00])


class FakeConnection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.sequence = 0

    async def receive(self) -> bytes:
        header = await self.reader.readexactly(4)
        assert header[3] == self.sequence, 'client sequence id'
        self.sequence = (self.sequence + 1) & 0xFF
        return await self.reader.readexactly(int.from_bytes(header[:3], 'little'))

    def send(self, payload: bytes) -> None:
        self.writer.write(len(payload).to_bytes(3, 'little') + bytes([self.sequence]) + payload)
        self.sequence = (self.sequence + 1) & 0xFF

    async def expect_quit(self) -> None:
        """COM_QUIT as a new command (sequence id 0), then the probe hangs up."""
        self.sequence = 0
        assert await self.receive() == b'\x01'
        assert await self.reader.read() == b''


def greeting(plugin: str, nonce: bytes, capabilities: int = SERVER_CAPABILITIES) -> bytes:
    return b''.join(
        [
            b'\x0a8.4.3\0',
            struct.pack('<I', 42),  # connection id
            nonce[:8],
            b'\0',  # filler
            struct.pack('<HBHHB', capabilities & 0xFFFF, 255, 0x0002, capabilities >> 16, 21),
            bytes(10),
            nonce[8:],
            b'\0',
            plugin.encode() + b'\0',
        ]
    )


def err_packet(code: int, message: str, sql_state: str | None = None) -> bytes:
    return b'\xff' + struct.pack('<H', code) + (message if sql_state is None else f'#{sql_state}{message}').encode()


@dataclass
class HandshakeResponse:
    flags: int
    charset: int
    user: str
    auth_data: bytes
    database: str | None
    plugin: str


def parse_handshake_response(payload: bytes) -> HandshakeResponse:
    flags, _max_packet, charset = struct.unpack('<IIB', payload[:9])
    assert payload[9:32] == bytes(23), '23 zero bytes'
    offset = 32

    def cstring() -> str:
        nonlocal offset
        end = payload.index(b'\0', offset)
        text = payload[offset:end].decode()
        offset = end + 1
        return text

    user = cstring()
    length = payload[offset]
    auth_data = payload[offset + 1 : offset + 1 + length]
    offset += 1 + length
    database = cstring() if flags & CLIENT_CONNECT_WITH_DB else None
    plugin = cstring()
    assert offset == len(payload), 'nothing after the plugin name'
    return HandshakeResponse(flags, charset, user, auth_data, database, plugin)


def sha1(*parts: bytes) -> bytes:
    return hashlib.sha1(b''.join(parts)).digest()


def sha256(*parts: bytes) -> bytes:
    return hashlib.sha256(b''.join(parts)).digest()


def native_password_matches(auth_data: bytes, nonce: bytes, password: str) -> bool:
    """What mysqld does: it stores SHA1(SHA1(password)) and never sees the password."""
    stored = sha1(sha1(password.encode()))
    candidate = xor(auth_data, sha1(nonce, stored))
    return len(auth_data) == 20 and sha1(candidate) == stored


def sha2_password_matches(auth_data: bytes, nonce: bytes, password: str) -> bool:
    """caching_sha2_password fast path: the server caches SHA256(SHA256(password))."""
    cached = sha256(sha256(password.encode()))
    candidate = xor(auth_data, sha256(cached, nonce))
    return len(auth_data) == 32 and sha256(candidate) == cached


# --- A real RSA key pair for the fake server, made with the standard library.


def _probable_prime(bits: int, rng: random.Random) -> int:
    small = [p for p in range(3, 2000, 2) if all(p % d for d in range(3, int(p**0.5) + 1, 2))]
    while True:
        candidate = rng.getrandbits(bits) | (1 << (bits - 1)) | (1 << (bits - 2)) | 1
        if any(candidate % p == 0 for p in small):
            continue
        d, s = candidate - 1, 0
        while d % 2 == 0:
            d, s = d // 2, s + 1
        for _ in range(24):  # Miller-Rabin
            x = pow(rng.randrange(2, candidate - 2), d, candidate)
            if x in (1, candidate - 1):
                continue
            for _ in range(s - 1):
                x = pow(x, 2, candidate)
                if x == candidate - 1:
                    break
            else:
                break
        else:
            return candidate


def _der(tag: int, content: bytes) -> bytes:
    length = len(content)
    if length < 0x80:
        return bytes([tag, length]) + content
    size = (length.bit_length() + 7) // 8
    return bytes([tag, 0x80 | size]) + length.to_bytes(size, 'big') + content


def _der_int(value: int) -> bytes:
    return _der(0x02, value.to_bytes(value.bit_length() // 8 + 1, 'big'))


@dataclass(frozen=True)
class KeyPair:
    n: int
    e: int
    d: int

    @property
    def pem(self) -> bytes:
        rsa_key = _der(0x30, _der_int(self.n) + _der_int(self.e))
        algorithm = _der(0x30, _der(0x06, bytes.fromhex('2a864886f70d010101')) + b'\x05\x00')
        spki = _der(0x30, algorithm + _der(0x03, b'\0' + rsa_key))
        body = base64.encodebytes(spki).replace(b'\n', b'')
        lines = b'\n'.join(body[i : i + 64] for i in range(0, len(body), 64))
        return b'-----BEGIN PUBLIC KEY-----\n' + lines + b'\n-----END PUBLIC KEY-----\n'

    def oaep_decrypt(self, ciphertext: bytes) -> bytes:
        """RFC 8017 RSAES-OAEP-DECRYPT with SHA-1, as the server does it."""
        size = (self.n.bit_length() + 7) // 8
        assert len(ciphertext) == size
        encoded = pow(int.from_bytes(ciphertext, 'big'), self.d, self.n).to_bytes(size, 'big')
        assert encoded[0] == 0
        masked_seed, masked_block = encoded[1:21], encoded[21:]
        seed = xor(masked_seed, mgf1(masked_block, 20))
        block = xor(masked_block, mgf1(seed, len(masked_block)))
        assert block[:20] == sha1(b''), 'label hash'
        rest = block[20:].lstrip(b'\0')
        assert rest[0] == 1
        return rest[1:]


@pytest.fixture(scope='module')
def key_pair() -> KeyPair:
    rng = random.Random(os.urandom(16))
    e = 65537
    while True:
        p, q = _probable_prime(1024, rng), _probable_prime(1024, rng)
        phi = (p - 1) * (q - 1)
        if p != q and phi % e:
            return KeyPair(p * q, e, pow(e, -1, phi))


NONCE = bytes(range(1, 21))
URL = 'mysql://app:s3cr%C3%A9t@{host}/orders'
PASSWORD = 's3crét'


def serve(fake_server: FakeServerFactory, script):  # type: ignore[no-untyped-def]
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await script(FakeConnection(reader, writer))

    return fake_server(handler)


def run_probe(fake_server: FakeServerFactory, script, url: str = URL) -> None:  # type: ignore[no-untyped-def]
    async def main() -> None:
        async with serve(fake_server, script) as server:
            await probe(url.format(host=server.host))
            await server.done

    asyncio.run(main())


def test_mysql_native_password_login_then_quit(fake_server: FakeServerFactory) -> None:
    async def script(c: FakeConnection) -> None:
        c.send(greeting('mysql_native_password', NONCE))
        response = parse_handshake_response(await c.receive())
        assert response.user == 'app'
        assert response.database == 'orders'
        assert response.plugin == 'mysql_native_password'
        assert response.charset == 45
        assert response.flags & (CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH)
        assert native_password_matches(response.auth_data, NONCE, PASSWORD)
        c.send(OK)
        await c.expect_quit()

    run_probe(fake_server, script)


def test_caching_sha2_fast_path(fake_server: FakeServerFactory) -> None:
    async def script(c: FakeConnection) -> None:
        c.send(greeting('caching_sha2_password', NONCE))
        response = parse_handshake_response(await c.receive())
        assert sha2_password_matches(response.auth_data, NONCE, PASSWORD)
        c.send(b'\x01\x03')  # fast auth success
        c.send(OK)
        await c.expect_quit()

    run_probe(fake_server, script)


def test_caching_sha2_full_authentication_with_rsa(key_pair: KeyPair, fake_server: FakeServerFactory) -> None:
    async def script(c: FakeConnection) -> None:
        c.send(greeting('caching_sha2_password', NONCE))
        parse_handshake_response(await c.receive())
        c.send(b'\x01\x04')  # perform full authentication
        assert await c.receive() == b'\x02', 'public key request'
        c.send(b'\x01' + key_pair.pem)
        plain = xor(key_pair.oaep_decrypt(await c.receive()), NONCE)
        assert plain == PASSWORD.encode() + b'\0'
        c.send(OK)
        await c.expect_quit()

    run_probe(fake_server, script)


def test_auth_switch_to_native(fake_server: FakeServerFactory) -> None:
    switch_nonce = bytes(range(100, 120))

    async def script(c: FakeConnection) -> None:
        c.send(greeting('caching_sha2_password', NONCE))
        parse_handshake_response(await c.receive())
        c.send(b'\xfemysql_native_password\0' + switch_nonce + b'\0')
        assert native_password_matches(await c.receive(), switch_nonce, PASSWORD)
        c.send(OK)
        await c.expect_quit()

    run_probe(fake_server, script)


def test_unsupported_plugin_gets_an_answer_not_a_hangup(fake_server: FakeServerFactory) -> None:
    async def script(c: FakeConnection) -> None:
        c.send(greeting('mysql_native_password', NONCE))
        parse_handshake_response(await c.receive())
        c.send(b'\xfeclient_ed25519\0' + bytes(32))
        assert await c.receive() == bytes(64)
        c.send(err_packet(1045, "Access denied for user 'app'", '28000'))
        await c.reader.read()

    async def main() -> None:
        async with serve(fake_server, script) as server:
            with pytest.raises(ProbeError, match='client_ed25519 authentication plugin'):
                await probe(URL.format(host=server.host))
            await server.done

    asyncio.run(main())


def test_empty_password_and_no_database(fake_server: FakeServerFactory) -> None:
    async def script(c: FakeConnection) -> None:
        c.send(greeting('mysql_native_password', NONCE))
        response = parse_handshake_response(await c.receive())
        assert (response.user, response.auth_data, response.database) == ('root', b'', None)
        assert not response.flags & CLIENT_CONNECT_WITH_DB
        c.send(OK)
        await c.expect_quit()

    run_probe(fake_server, script, 'mariadb://root@{host}')


@pytest.mark.parametrize(
    ('packet', 'message'),
    [
        (
            err_packet(1045, "Access denied for user 'app'", '28000'),
            r'error 1045: Access denied .*cannot log in either',
        ),
        (err_packet(1049, "Unknown database 'orders'", '42000'), 'error 1049'),
    ],
)
def test_refused_login_is_not_ready(packet: bytes, message: str, fake_server: FakeServerFactory) -> None:
    async def script(c: FakeConnection) -> None:
        c.send(greeting('mysql_native_password', NONCE))
        await c.receive()
        c.send(packet)
        await c.reader.read()

    async def main() -> None:
        async with serve(fake_server, script) as server:
            with pytest.raises(ProbeError, match=message):
                await probe(URL.format(host=server.host))

    asyncio.run(main())


def test_error_instead_of_greeting(fake_server: FakeServerFactory) -> None:
    async def script(c: FakeConnection) -> None:
        c.send(err_packet(1129, "Host '10.0.0.7' is blocked because of many connection errors"))

    async def main() -> None:
        async with serve(fake_server, script) as server:
            with pytest.raises(ProbeError, match='not ready: error 1129: Host .* is blocked'):
                await probe(URL.format(host=server.host))

    asyncio.run(main())


def test_out_of_order_packets_are_refused(fake_server: FakeServerFactory) -> None:
    async def script(c: FakeConnection) -> None:
        c.sequence = 3
        c.send(greeting('mysql_native_password', NONCE))
        await c.reader.read()

    async def main() -> None:
        async with serve(fake_server, script) as server:
            with pytest.raises(ProbeError, match='packet out of order'):
                await probe(URL.format(host=server.host))

    asyncio.run(main())


def test_public_key_formats(key_pair: KeyPair) -> None:
    assert parse_rsa_public_key(key_pair.pem) == (key_pair.n, key_pair.e)
    pkcs1 = _der(0x30, _der_int(key_pair.n) + _der_int(key_pair.e))
    pem = b'-----BEGIN RSA PUBLIC KEY-----\n' + base64.encodebytes(pkcs1) + b'-----END RSA PUBLIC KEY-----\n'
    assert parse_rsa_public_key(pem) == (key_pair.n, key_pair.e)
    with pytest.raises(ProbeError, match='no PEM public key'):
        parse_rsa_public_key(b'garbage')
    with pytest.raises(ProbeError, match='malformed DER'):
        parse_rsa_public_key(b'-----BEGIN PUBLIC KEY-----\nMAA=\n-----END PUBLIC KEY-----')
