"""Memcached: the text protocol's ``version`` command.

Needs no client dependency; once you add one (pymemcache), replace this with
its version/stats call."""

from __future__ import annotations

from urllib.parse import urlsplit

from app.wire import DEFAULT_PROBE_TIMEOUT, ProbeError, Wire, converse, endpoint_from

SCHEMES = ('memcached',)


async def probe(url: str, timeout: float = DEFAULT_PROBE_TIMEOUT) -> None:
    """``VERSION x.y.z`` means ready; anything else (ERROR...) does not."""
    endpoint = endpoint_from(urlsplit(url), 11211)

    async def talk(wire: Wire) -> None:
        wire.write('version\r\n')
        reply = await wire.read_line()
        if not reply.startswith('VERSION '):
            raise ProbeError(f'unexpected reply {reply!r}')

    await converse(endpoint, timeout, talk)
