"""PostgreSQL, like pg_isready: send a StartupMessage and read the first reply.

Speaks just enough of the wire protocol to need no driver dependency; once you
add one (psycopg, asyncpg), replace this with its ``SELECT 1`` on the pool."""

from __future__ import annotations

import struct
from urllib.parse import unquote, urlsplit

from app.wire import DEFAULT_PROBE_TIMEOUT, ProbeError, Wire, converse, endpoint_from

SCHEMES = ('postgres', 'postgresql')

PROTOCOL_3_0 = 196_608  # major 3 << 16 | minor 0

# Like pg_isready, a server that rejects our credentials is still up and
# answering: a wrong password is a configuration bug that restarting or
# unrouting pods will not fix, and the app's own connections report it.
SERVER_UP_SQLSTATES = frozenset({'28000', '28P01'})


async def probe(url: str, timeout: float = DEFAULT_PROBE_TIMEOUT) -> None:
    """An Authentication request ('R') means the server accepts connections; an
    ErrorResponse ('E') means it does not (starting up, too many clients...),
    except for the auth failures above. We hang up before authenticating, so
    no password is ever sent."""
    parsed = urlsplit(url)
    endpoint = endpoint_from(parsed, 5432)
    user = unquote(parsed.username or '') or 'postgres'
    database = unquote(parsed.path[1:]) or user

    async def talk(wire: Wire) -> None:
        wire.write(startup_message({'user': user, 'database': database, 'application_name': 'readiness-probe'}))
        header = await wire.read(5)
        kind = chr(header[0])
        (length,) = struct.unpack('>i', header[1:5])
        if kind == 'R':
            return
        if kind != 'E' or length < 4 or length > 64 * 1024:
            raise ProbeError(f'unexpected reply {kind!r}: not a PostgreSQL server?')
        fields = error_fields(await wire.read(length - 4))
        code = fields.get('C', 'unknown SQLSTATE')
        if code in SERVER_UP_SQLSTATES:
            return
        raise ProbeError(f'not ready: {code} {fields.get("M", "")}'.rstrip())

    await converse(endpoint, timeout, talk)


def startup_message(parameters: dict[str, str]) -> bytes:
    # Each key and value is NUL-terminated, and one more NUL ends the list.
    body = b''.join(f'{key}\0{value}\0'.encode() for key, value in parameters.items()) + b'\0'
    return struct.pack('>ii', 8 + len(body), PROTOCOL_3_0) + body


def error_fields(body: bytes) -> dict[str, str]:
    """ErrorResponse body: repeated (1-byte field code, NUL-terminated string), then NUL."""
    fields: dict[str, str] = {}
    offset = 0
    while offset < len(body) and body[offset] != 0:
        end = body.find(b'\0', offset + 1)
        if end == -1:
            break
        fields[chr(body[offset])] = body[offset + 1 : end].decode('utf-8', 'replace')
        offset = end + 1
    return fields
