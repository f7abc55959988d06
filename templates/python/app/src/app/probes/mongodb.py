"""MongoDB: one ``hello`` command over OP_MSG.

Uses a hand-rolled OP_MSG/BSON codec so the app needs no driver dependency; once
you add one (pymongo), replace this with ``client.admin.command('ping')``."""

from __future__ import annotations

import re
import struct
from typing import Any
from urllib.parse import parse_qs, urlsplit

from app.wire import DEFAULT_PROBE_TIMEOUT, ProbeError, Wire, converse, endpoint_from

SCHEMES = ('mongodb', 'mongodb+srv')

OP_MSG = 2013
MAX_REPLY_BYTES = 16 * 1024 * 1024


async def probe(url: str, timeout: float = DEFAULT_PROBE_TIMEOUT) -> None:
    """``hello`` needs no authentication and answers as soon as mongod accepts
    connections; ``ok: 1`` means ready. Only the first host of a seed list is
    checked. TLS is used when the URL says tls=true or ssl=true."""
    if url.lower().startswith('mongodb+srv:'):
        raise ProbeError(
            'mongodb+srv:// URLs need a DNS SRV lookup that this minimal probe does not do: '
            'use a mongodb://host:port URL, or replace the probe with your driver ping'
        )
    parsed = urlsplit(first_host(url))
    query = parse_qs(parsed.query)
    use_tls = any(query.get(key, [''])[0].lower() == 'true' for key in ('tls', 'ssl'))
    endpoint = endpoint_from(parsed, 27017, tls=use_tls)

    async def talk(wire: Wire) -> None:
        request_id = 1
        wire.write(op_msg(request_id, encode_document({'hello': 1, '$db': 'admin'})))
        # Header: messageLength, requestID, responseTo, opCode (int32 LE each).
        length, _request, _response_to, opcode = struct.unpack('<iiii', await wire.read(16))
        if opcode != OP_MSG or length < 21 or length > MAX_REPLY_BYTES:
            raise ProbeError('unexpected reply: not a MongoDB server (3.6 or later)?')
        body = await wire.read(length - 16)
        # body: flagBits (uint32), then section kind 0 followed by one document.
        if body[4] != 0:
            raise ProbeError('unexpected OP_MSG section in reply')
        reply = decode_top_level(body[5:])
        if reply.get('ok') != 1:
            reason = reply.get('errmsg') or reply.get('codeName') or 'ok is not 1'
            raise ProbeError(f'not ready: {reason}')

    await converse(endpoint, timeout, talk)


def first_host(url: str) -> str:
    """A seed list ("a:27017,b:27017") is not one URL host: keep the first."""
    match = re.match(r'^(mongodb://)([^@/?#]*@)?([^/?#]*)(.*)$', url, re.IGNORECASE | re.DOTALL)
    if match is None:
        raise ProbeError('not a mongodb:// URL')
    scheme, credentials, hosts, rest = match.groups()
    return f'{scheme}{credentials or ""}{hosts.split(",")[0]}{rest}'


def op_msg(request_id: int, document: bytes) -> bytes:
    # flagBits 0, then section kind 0: the body document.
    return struct.pack('<iiiiIB', 21 + len(document), request_id, 0, OP_MSG, 0, 0) + document


# --- Minimal BSON: encodes int32 and string values, decodes top-level scalars.


def encode_document(fields: dict[str, int | str]) -> bytes:
    elements = b''
    for key, value in fields.items():
        name = key.encode() + b'\0'
        if isinstance(value, int):
            elements += b'\x10' + name + struct.pack('<i', value)
        else:
            text = value.encode() + b'\0'
            elements += b'\x02' + name + struct.pack('<i', len(text)) + text
    return struct.pack('<i', len(elements) + 5) + elements + b'\0'


# Sizes of fixed-width values, by BSON type.
_FIXED = {0x07: 12, 0x09: 8, 0x11: 8, 0x13: 16, 0x06: 0, 0x0A: 0, 0x7F: 0, 0xFF: 0}


def decode_top_level(document: bytes) -> dict[str, Any]:
    """Reads a document's top-level doubles, strings, int32/int64 and booleans;
    every other value (sub-documents, ObjectIds, timestamps...) is skipped by size."""
    if len(document) < 5:
        raise ProbeError('truncated BSON document in reply')
    values: dict[str, Any] = {}
    end = struct.unpack_from('<i', document)[0] - 1  # the last byte is the document's NUL
    if end >= len(document):
        raise ProbeError('truncated BSON document in reply')

    def int32(at: int) -> int:
        if at + 4 > len(document):
            raise ProbeError('malformed BSON document in reply')
        return int(struct.unpack_from('<i', document, at)[0])

    def cstring_end(start: int) -> int:
        nul = document.find(b'\0', start)
        if nul == -1:
            raise ProbeError('malformed BSON document in reply')
        return nul

    offset = 4
    while offset < end:
        kind = document[offset]
        name_end = cstring_end(offset + 1)
        name = document[offset + 1 : name_end].decode('utf-8', 'replace')
        at = name_end + 1
        if kind == 0x01:  # double
            values[name] = struct.unpack_from('<d', document, at)[0]
            size = 8
        elif kind == 0x02:  # string: int32 byte length (with NUL), bytes, NUL
            values[name] = document[at + 4 : at + 4 + int32(at) - 1].decode('utf-8', 'replace')
            size = 4 + int32(at)
        elif kind == 0x08:  # boolean
            values[name] = document[at] == 1
            size = 1
        elif kind == 0x10:  # int32
            values[name] = int32(at)
            size = 4
        elif kind == 0x12:  # int64
            values[name] = struct.unpack_from('<q', document, at)[0]
            size = 8
        elif kind in (0x03, 0x04, 0x0F):  # document, array, code with scope
            size = int32(at)
        elif kind == 0x05:  # binary: int32 length, subtype byte, bytes
            size = 5 + int32(at)
        elif kind in (0x0D, 0x0E):  # JavaScript code, symbol
            size = 4 + int32(at)
        elif kind == 0x0C:  # DBPointer: string + ObjectId
            size = 4 + int32(at) + 12
        elif kind == 0x0B:  # regex: two cstrings
            size = cstring_end(cstring_end(at) + 1) + 1 - at
        elif kind in _FIXED:
            size = _FIXED[kind]
        else:
            raise ProbeError(f'unsupported BSON type 0x{kind:02x} in reply')
        if size < 0:
            raise ProbeError('malformed BSON document in reply')
        offset = at + size
    return values
