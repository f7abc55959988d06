"""Redis and Valkey: AUTH (when the URL has a password), then PING.

Speaks a few RESP commands directly so the app needs no client dependency; once
you add one (redis-py, valkey-py), replace this with its ``ping()``."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import unquote, urlsplit

from app.wire import DEFAULT_PROBE_TIMEOUT, ProbeError, Wire, converse, endpoint_from

SCHEMES = ('redis', 'rediss')


async def probe(url: str, timeout: float = DEFAULT_PROBE_TIMEOUT) -> None:
    """+PONG means ready. Errors such as -NOAUTH, -WRONGPASS or -LOADING (still
    reading its dataset) mean not ready. rediss:// connects over TLS."""
    parsed = urlsplit(url)
    endpoint = endpoint_from(parsed, 6379, tls=parsed.scheme.lower() == 'rediss')
    username = unquote(parsed.username or '')
    password = unquote(parsed.password or '')

    async def talk(wire: Wire) -> None:
        if password:
            # redis://:secret@host is password-only AUTH (the "default" user).
            await command(wire, ['AUTH', username, password] if username else ['AUTH', password], 'AUTH')
        reply = await command(wire, ['PING'], 'PING')
        if reply != '+PONG':
            raise ProbeError(f'unexpected PING reply {reply!r}')

    await converse(endpoint, timeout, talk)


async def command(wire: Wire, args: Sequence[str], label: str) -> str:
    """Sends a RESP array of bulk strings and returns the one-line reply."""
    parts = b''.join(b'$%d\r\n%s\r\n' % (len(arg.encode()), arg.encode()) for arg in args)
    wire.write(b'*%d\r\n' % len(args) + parts)
    reply = await wire.read_line()
    # The error text never contains the password: servers don't echo it.
    if reply.startswith('-'):
        raise ProbeError(f'{label} rejected: {reply[1:]}')
    return reply
