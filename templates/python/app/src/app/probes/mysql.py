"""MySQL and MariaDB: a real login with the URL's credentials, then COM_QUIT.

Logs in over the MySQL client/server protocol instead of using a driver, so the
app needs no dependency; once you add one (PyMySQL, mysqlclient, aiomysql),
replace this with its ping.

Why a full login and not just the greeting: the server counts a client that
hangs up during the handshake against max_connect_errors (default 100) for that
client's host, and then blocks the host ("Host ... is blocked") -- the app's own
connections included. A completed login resets the count, so a probe that logs
in and says COM_QUIT never adds to it.

Plain TCP only: ssl=true / tls=true in the URL is not honoured, which is meant
for a database on the private container network. The password never crosses in
the clear (a scramble, or RSA-OAEP with the server's key), but that key is
fetched unauthenticated. A server that insists on TLS (require_secure_transport)
makes the probe fail with the server's message.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import struct
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from app.wire import DEFAULT_PROBE_TIMEOUT, ProbeError, Wire, converse, endpoint_from

SCHEMES = ('mysql', 'mariadb')

DEFAULT_PORT = 3306

# Capability flags (the first 32 bits are shared by MySQL and MariaDB).
CLIENT_LONG_PASSWORD = 0x1
CLIENT_CONNECT_WITH_DB = 0x8
CLIENT_PROTOCOL_41 = 0x200
CLIENT_SECURE_CONNECTION = 0x8000
CLIENT_PLUGIN_AUTH = 0x80000

UTF8MB4_GENERAL_CI = 45  # known to MySQL and MariaDB alike
MAX_CLIENT_PACKET = 16 * 1024 * 1024
# Greetings, auth packets and RSA keys are small; refuse to buffer more.
MAX_SERVER_PACKET = 64 * 1024

HANDSHAKE_V10 = 0x0A
OK_PACKET = 0x00
AUTH_MORE_DATA = 0x01
AUTH_SWITCH_REQUEST = 0xFE
ERR_PACKET = 0xFF
COM_QUIT = 0x01

# caching_sha2_password: AuthMoreData statuses and the public-key request.
FAST_AUTH_SUCCESS = 0x03
PERFORM_FULL_AUTHENTICATION = 0x04
REQUEST_PUBLIC_KEY = 0x02

NATIVE = 'mysql_native_password'
CACHING_SHA2 = 'caching_sha2_password'
SUPPORTED_PLUGINS = (NATIVE, CACHING_SHA2)

# Errors that mean the login itself was refused: the server is up, but the
# app, which uses the same URL, cannot work with it either.
LOGIN_REFUSED = frozenset(
    {
        1044,  # access denied to the database
        1045,  # access denied (user or password)
        1049,  # unknown database
        1698,  # access denied (no password given)
    }
)


@dataclass(frozen=True)
class Login:
    user: str
    password: bytes
    database: str


@dataclass(frozen=True)
class Greeting:
    capabilities: int
    nonce: bytes
    plugin: str


async def probe(url: str, timeout: float = DEFAULT_PROBE_TIMEOUT) -> None:
    """Ready = the server accepts a login with the URL's user, password and
    database. Any ERR packet (too many connections, host blocked, access
    denied, unknown database...) means not ready, with the server's message."""
    parsed = urlsplit(url)
    endpoint = endpoint_from(parsed, DEFAULT_PORT)
    login = Login(
        user=unquote(parsed.username or ''),
        password=unquote(parsed.password or '').encode(),
        database=unquote(parsed.path[1:]),
    )

    async def talk(wire: Wire) -> None:
        channel = PacketChannel(wire)
        greeting = parse_greeting(await channel.read())
        await authenticate(channel, greeting, login)
        # Say goodbye so the server logs no aborted connection. COM_QUIT starts a
        # new command, hence sequence id 0; the server just closes.
        channel.start_command()
        channel.write(bytes([COM_QUIT]))

    await converse(endpoint, timeout, talk)


async def authenticate(channel: PacketChannel, greeting: Greeting, login: Login) -> None:
    required = CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION
    if greeting.capabilities & required != required:
        raise ProbeError('server does not speak the MySQL 4.1+ protocol')
    # The greeting names the server's default plugin. If we cannot answer it,
    # start with mysql_native_password: the server switches us to the account's
    # own plugin if that differs.
    plugin = greeting.plugin if greeting.plugin in SUPPORTED_PLUGINS else NATIVE
    nonce = greeting.nonce
    channel.write(handshake_response(greeting.capabilities, login, plugin, scramble(plugin, login.password, nonce)))

    # OK ends the exchange; bound the rounds so a confused server cannot loop us.
    for _round in range(5):
        reply = await channel.read()
        kind = reply[0]
        if kind == OK_PACKET:
            return
        if kind == ERR_PACKET:
            raise server_error(reply)
        if kind == AUTH_SWITCH_REQUEST:
            reader = Reader(reply, 1)
            # A bare 0xfe is the pre-4.1 switch to the old password hash.
            plugin = 'mysql_old_password' if len(reply) == 1 else reader.cstring()
            nonce = without_trailing_nul(reader.rest())
            if plugin in SUPPORTED_PLUGINS:
                channel.write(scramble(plugin, login.password, nonce))
                continue
            # Hanging up, or a malformed answer, counts as a handshake error
            # against max_connect_errors; an answer the server can check and
            # refuse is a mere login failure. client_ed25519 expects a 64-byte
            # signature (zeros never verify); other plugins get an empty answer.
            channel.write(bytes(64 if plugin == 'client_ed25519' else 0))
            if (await channel.read())[0] == OK_PACKET:
                return
            raise unsupported_plugin(plugin)
        if kind == AUTH_MORE_DATA:
            if plugin != CACHING_SHA2 or len(reply) != 2:
                raise ProbeError(f'unexpected AuthMoreData for {plugin}')
            if reply[1] == FAST_AUTH_SUCCESS:
                continue  # an OK packet follows
            if reply[1] != PERFORM_FULL_AUTHENTICATION:
                raise ProbeError(f'unexpected {CACHING_SHA2} status {reply[1]}')
            # The server has not cached this account since it started: it needs
            # the password itself, which over plain TCP we encrypt with its key.
            channel.write(bytes([REQUEST_PUBLIC_KEY]))
            key = await channel.read()
            if key[0] == ERR_PACKET:
                raise server_error(key)
            if key[0] != AUTH_MORE_DATA or len(key) < 2:
                raise ProbeError('server did not send its RSA public key')
            channel.write(encrypt_password(login.password, nonce, key[1:]))
            continue
        raise ProbeError(f'unexpected reply 0x{kind:02x} during authentication')
    raise ProbeError('authentication did not finish')


class PacketChannel:
    """Packets are a 3-byte little-endian payload length, a 1-byte sequence id and
    the payload. Sequence ids count up across both directions within one exchange
    (greeting 0, our response 1, ...)."""

    def __init__(self, wire: Wire) -> None:
        self._wire = wire
        self._sequence = 0

    async def read(self) -> bytes:
        header = await self._wire.read(4)
        length = int.from_bytes(header[:3], 'little')
        sequence = header[3]
        if length == 0 or length > MAX_SERVER_PACKET:
            raise ProbeError(f'unexpected {length}-byte packet: not a MySQL server?')
        if sequence != self._sequence:
            raise ProbeError(f'packet out of order: sequence id {sequence}, expected {self._sequence}')
        self._sequence = (self._sequence + 1) & 0xFF
        return await self._wire.read(length)

    def write(self, payload: bytes) -> None:
        header = len(payload).to_bytes(3, 'little') + bytes([self._sequence])
        self._sequence = (self._sequence + 1) & 0xFF
        self._wire.write(header + payload)

    def start_command(self) -> None:
        self._sequence = 0


class Reader:
    """Bounds-checked cursor over a packet payload."""

    def __init__(self, data: bytes, offset: int = 0) -> None:
        self._data = data
        self._offset = offset

    @property
    def remaining(self) -> int:
        return len(self._data) - self._offset

    def take(self, length: int) -> bytes:
        if length > self.remaining:
            raise ProbeError('malformed packet from the server')
        chunk = self._data[self._offset : self._offset + length]
        self._offset += length
        return chunk

    def uint8(self) -> int:
        return self.take(1)[0]

    def uint16(self) -> int:
        return int.from_bytes(self.take(2), 'little')

    def cstring(self) -> str:
        """NUL-terminated string; some old servers omit the final NUL."""
        end = self._data.find(b'\0', self._offset)
        stop = len(self._data) if end == -1 else end
        text = self._data[self._offset : stop].decode('utf-8', 'replace')
        self._offset = min(stop + 1, len(self._data))
        return text

    def rest(self) -> bytes:
        return self.take(self.remaining)


def parse_greeting(payload: bytes) -> Greeting:
    """Protocol::HandshakeV10, or the ERR packet a server sends instead."""
    kind = payload[0]
    if kind == ERR_PACKET:
        raise server_error(payload)
    if kind != HANDSHAKE_V10:
        raise ProbeError(f'unsupported handshake protocol version {kind}')
    reader = Reader(payload, 1)
    reader.cstring()  # server version
    reader.take(4)  # connection id
    nonce_start = reader.take(8)
    reader.take(1)  # filler
    capabilities = reader.uint16()
    nonce_end = b''
    plugin = NATIVE
    if reader.remaining > 0:
        reader.uint8()  # character set
        reader.uint16()  # status flags
        capabilities |= reader.uint16() << 16
        nonce_length = reader.uint8()
        reader.take(10)  # reserved (MariaDB keeps extended capabilities here)
        if capabilities & CLIENT_SECURE_CONNECTION:
            # At least 13 bytes, the last being a NUL that is not part of the nonce.
            nonce_end = reader.take(min(max(13, nonce_length - 8), reader.remaining))
        if capabilities & CLIENT_PLUGIN_AUTH:
            plugin = reader.cstring() or NATIVE
    return Greeting(capabilities, (nonce_start + nonce_end)[:20], plugin)


def handshake_response(server_capabilities: int, login: Login, plugin: str, auth_data: bytes) -> bytes:
    """Protocol::HandshakeResponse41."""
    plugin_auth = server_capabilities & CLIENT_PLUGIN_AUTH != 0
    flags = (
        CLIENT_LONG_PASSWORD
        | CLIENT_PROTOCOL_41
        | CLIENT_SECURE_CONNECTION
        | (CLIENT_PLUGIN_AUTH if plugin_auth else 0)
        | (CLIENT_CONNECT_WITH_DB if login.database else 0)
    )
    # flags, max packet size, charset, 23 zero bytes
    fixed = struct.pack('<IIB23x', flags, MAX_CLIENT_PACKET, UTF8MB4_GENERAL_CI)
    return b''.join(
        [
            fixed,
            login.user.encode() + b'\0',
            bytes([len(auth_data)]),  # CLIENT_SECURE_CONNECTION: 1-byte length
            auth_data,
            login.database.encode() + b'\0' if login.database else b'',
            plugin.encode() + b'\0' if plugin_auth else b'',
        ]
    )


def scramble(plugin: str, password: bytes, nonce: bytes) -> bytes:
    """First answer of either plugin; an empty password is an empty answer."""
    if not password:
        return b''
    if plugin == NATIVE:
        # SHA1(password) XOR SHA1(nonce + SHA1(SHA1(password)))
        stage1 = hashlib.sha1(password).digest()
        return xor(stage1, hashlib.sha1(nonce + hashlib.sha1(stage1).digest()).digest())
    # caching_sha2_password: SHA256(password) XOR SHA256(SHA256(SHA256(password)) + nonce)
    stage1 = hashlib.sha256(password).digest()
    return xor(stage1, hashlib.sha256(hashlib.sha256(stage1).digest() + nonce).digest())


def encrypt_password(password: bytes, nonce: bytes, public_key_pem: bytes) -> bytes:
    """caching_sha2_password full authentication over plain TCP."""
    try:
        modulus, exponent = parse_rsa_public_key(public_key_pem)
        return rsa_oaep_encrypt(modulus, exponent, xor(password + b'\0', nonce))
    except ProbeError as error:
        raise ProbeError(f"cannot encrypt the password with the server's RSA public key: {error}") from None


# --- RSA-OAEP (SHA-1, MGF1-SHA-1, empty label), RFC 8017 section 7.1.1: what the
# server decrypts with. The standard library has no RSA, and this one public-key
# operation is a few lines with pow(), so the app needs no cryptography package.


def rsa_oaep_encrypt(modulus: int, exponent: int, message: bytes) -> bytes:
    size = (modulus.bit_length() + 7) // 8
    hash_length = 20
    if len(message) > size - 2 * hash_length - 2:
        raise ProbeError('password too long for the key')
    label_hash = hashlib.sha1(b'').digest()
    padding = bytes(size - len(message) - 2 * hash_length - 2)
    data_block = label_hash + padding + b'\x01' + message
    seed = os.urandom(hash_length)
    masked_block = xor(data_block, mgf1(seed, len(data_block)))
    masked_seed = xor(seed, mgf1(masked_block, hash_length))
    encoded = int.from_bytes(b'\0' + masked_seed + masked_block, 'big')
    return pow(encoded, exponent, modulus).to_bytes(size, 'big')


def mgf1(seed: bytes, length: int) -> bytes:
    out = b''
    counter = 0
    while len(out) < length:
        out += hashlib.sha1(seed + counter.to_bytes(4, 'big')).digest()
        counter += 1
    return out[:length]


_RSA_ENCRYPTION_OID = bytes.fromhex('2a864886f70d010101')  # 1.2.840.113549.1.1.1


def parse_rsa_public_key(pem: bytes) -> tuple[int, int]:
    """(modulus, exponent) from a PEM "PUBLIC KEY" (SubjectPublicKeyInfo, what
    MySQL sends) or "RSA PUBLIC KEY" (PKCS#1)."""
    match = re.search(rb'-----BEGIN ((?:RSA )?PUBLIC KEY)-----(.*?)-----END \1-----', pem, re.DOTALL)
    if match is None:
        raise ProbeError('no PEM public key')
    try:
        der = base64.b64decode(b''.join(match.group(2).split()), validate=True)
    except (binascii.Error, ValueError):
        raise ProbeError('bad base64 in the PEM key') from None
    if match.group(1) == b'PUBLIC KEY':
        spki = DerReader(DerReader(der).take(0x30))
        algorithm = DerReader(spki.take(0x30))
        if algorithm.take(0x06) != _RSA_ENCRYPTION_OID:
            raise ProbeError('not an RSA key')
        bits = spki.take(0x03)
        if not bits or bits[0] != 0:
            raise ProbeError('malformed key bit string')
        der = bits[1:]
    key = DerReader(DerReader(der).take(0x30))
    modulus = int.from_bytes(key.take(0x02), 'big')
    exponent = int.from_bytes(key.take(0x02), 'big')
    if modulus.bit_length() < 512 or exponent < 3:
        raise ProbeError('implausible RSA key')
    return modulus, exponent


class DerReader:
    """Just enough DER: definite-length tag/length/value items, read in order."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._offset = 0

    def take(self, tag: int) -> bytes:
        data, at = self._data, self._offset
        if at + 2 > len(data) or data[at] != tag:
            raise ProbeError('malformed DER in the key')
        length = data[at + 1]
        at += 2
        if length & 0x80:
            count = length & 0x7F
            if count == 0 or count > 4 or at + count > len(data):
                raise ProbeError('malformed DER in the key')
            length = int.from_bytes(data[at : at + count], 'big')
            at += count
        if at + length > len(data):
            raise ProbeError('malformed DER in the key')
        self._offset = at + length
        return data[at : at + length]


def xor(data: bytes, key: bytes) -> bytes:
    """XOR with ``key`` repeated to the length of ``data``."""
    return bytes(byte ^ key[i % len(key)] for i, byte in enumerate(data))


def without_trailing_nul(data: bytes) -> bytes:
    return data[:-1] if data.endswith(b'\0') else data


def server_error(payload: bytes) -> ProbeError:
    """ERR packet: 0xff, 2-byte code, optional "#" + 5-byte SQLSTATE, message."""
    if len(payload) < 3:
        return ProbeError('not ready: malformed error packet')
    code = int.from_bytes(payload[1:3], 'little')
    # Errors sent before the handshake completes usually omit the SQLSTATE.
    start = 9 if len(payload) >= 9 and payload[3] == 0x23 else 3
    message = payload[start:].decode('utf-8', 'replace')
    hint = (
        ' (the probe logs in with the URL credentials and database, so the app cannot log in either)'
        if code in LOGIN_REFUSED
        else ''
    )
    return ProbeError(f'not ready: error {code}: {message}{hint}')


def unsupported_plugin(plugin: str) -> ProbeError:
    return ProbeError(
        f'the account uses the {plugin} authentication plugin, which this probe does not support '
        f'(only {" and ".join(SUPPORTED_PLUGINS)}): switch the account to one of those, '
        "or replace the probe with your driver's ping"
    )
