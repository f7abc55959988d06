"""Shared plumbing for the readiness probes in app/probes/: open one TCP (or TLS)
connection, run a short request/response exchange, and give up after a deadline
that covers connect, handshake and every read.

Each probe module exports ``SCHEMES`` (the URL schemes it understands) and
``async def probe(url, timeout=...)``, which returns when the service answers and
raises ``ProbeError`` otherwise. They speak each protocol with the standard
library so the app needs no client libraries; once you add a driver, replace a
probe with the driver's ping."""

from __future__ import annotations

import asyncio
import os
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import SplitResult

DEFAULT_PROBE_TIMEOUT = 2.0  # seconds

# A misbehaving server must not make the probe buffer without bound.
MAX_LINE_BYTES = 64 * 1024

T = TypeVar('T')


class ProbeError(Exception):
    """The dependency did not answer as a ready server would; the message says why."""


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int
    tls: bool = False


def endpoint_from(url: SplitResult, default_port: int, tls: bool = False) -> Endpoint:
    """Host and port from a parsed URL; IPv6 literals lose their brackets."""
    host = url.hostname
    if not host:
        raise ProbeError(f'no host in {url.scheme}:// URL')
    try:
        port = url.port
    except ValueError:
        raise ProbeError(f'invalid port in {url.scheme}:// URL') from None
    return Endpoint(host, port or default_port, tls)


class Wire:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    def write(self, data: bytes | str) -> None:
        self._writer.write(data.encode() if isinstance(data, str) else data)

    async def read(self, length: int) -> bytes:
        """Exactly ``length`` bytes. A server may send its final answer and hang up
        at once, so only a read the received bytes cannot satisfy fails."""
        try:
            return await self._reader.readexactly(length)
        except asyncio.IncompleteReadError:
            raise ProbeError('connection closed by the server') from None

    async def read_line(self) -> str:
        """The next CRLF-terminated line, without the CRLF."""
        try:
            line = await self._reader.readuntil(b'\r\n')
        except asyncio.IncompleteReadError:
            raise ProbeError('connection closed by the server') from None
        except asyncio.LimitOverrunError:
            raise ProbeError('reply line too long') from None
        return line[:-2].decode('utf-8', 'replace')


async def converse(endpoint: Endpoint, timeout: float, talk: Callable[[Wire], Awaitable[T]]) -> T:
    where = f'{endpoint.host}:{endpoint.port}'
    context = ssl.create_default_context() if endpoint.tls else None
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(
                endpoint.host, endpoint.port, ssl=context, limit=MAX_LINE_BYTES
            )
            try:
                return await talk(Wire(reader, writer))
            finally:
                # Buffered writes (a goodbye such as COM_QUIT) are still sent.
                writer.close()
    except TimeoutError:
        raise ProbeError(f'{where}: no answer within {round(timeout * 1000)} ms') from None
    except ProbeError as error:
        # Protocol-level verdicts get the same "host:port:" prefix.
        raise ProbeError(f'{where}: {error}') from None
    except ssl.SSLError as error:
        raise ProbeError(f'{where}: TLS failed: {error.reason or error}') from None
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno and error.errno > 0 else (error.strerror or str(error))
        raise ProbeError(f'{where}: connect failed: {reason}') from None
