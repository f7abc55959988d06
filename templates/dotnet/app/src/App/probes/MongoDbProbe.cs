using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace App.Probes;

// Sends one `hello` command with a hand-rolled OP_MSG/BSON codec so the app needs no driver;
// once you add MongoDB.Driver, replace this with `RunCommandAsync(new BsonDocument("ping", 1))`.

/// <summary>
/// <c>hello</c> needs no authentication and answers as soon as mongod accepts connections;
/// <c>ok: 1</c> means ready. Only the first host of a seed list is checked. TLS is used when
/// the URL says tls=true or ssl=true.
/// </summary>
internal static class MongoDbProbe
{
    public static readonly IReadOnlyList<string> Schemes = new[] { "mongodb", "mongodb+srv" };

    private const int DefaultPort = 27017;
    private const int OpMsg = 2013;
    private const int MaxReplyBytes = 16 * 1024 * 1024;

    public static Task ProbeAsync(string url, CancellationToken cancellationToken) =>
        ProbeAsync(url, Wire.DefaultTimeout, cancellationToken);

    public static async Task ProbeAsync(string url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (url.StartsWith("mongodb+srv:", StringComparison.OrdinalIgnoreCase))
        {
            throw new ProbeException(
                "mongodb+srv:// URLs need a DNS SRV lookup that this minimal probe does not do: "
                + "use a mongodb://host:port URL, or replace the probe with your driver's ping");
        }
        var parsed = FirstHost(url);
        var tls = IsTrue(Wire.QueryValue(parsed, "tls")) || IsTrue(Wire.QueryValue(parsed, "ssl"));
        var target = Wire.TargetOf(parsed, DefaultPort, tls);

        await Wire.ConverseAsync(target, timeout, async (wire, token) =>
        {
            await wire.WriteAsync(OpMsgRequest(1, HelloDocument()), token);

            // Header: messageLength, requestID, responseTo, opCode (int32 little-endian each).
            var header = await wire.ReadAsync(16, token);
            var length = BinaryPrimitives.ReadInt32LittleEndian(header);
            var opCode = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12));
            if (opCode != OpMsg || length < 21 || length > MaxReplyBytes)
            {
                throw new ProbeException("unexpected reply: not a MongoDB server (3.6 or later)?");
            }
            var body = await wire.ReadAsync(length - 16, token);
            // Body: flagBits (uint32), then section kind 0 followed by one document.
            if (body[4] != 0)
            {
                throw new ProbeException("unexpected OP_MSG section in reply");
            }
            var reply = DecodeTopLevel(body, 5);

            var ok = reply.GetValueOrDefault("ok");
            if (ok is null || Convert.ToDouble(ok, CultureInfo.InvariantCulture) != 1)
            {
                var reason = reply.GetValueOrDefault("errmsg") ?? reply.GetValueOrDefault("codeName") ?? "ok is not 1";
                throw new ProbeException($"not ready: {reason}");
            }
        }, cancellationToken);
    }

    private static bool IsTrue(string? value) => string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>A seed list ("a:27017,b:27017") is not a valid URI host: keep the first.</summary>
    private static Uri FirstHost(string url)
    {
        const string Prefix = "mongodb://";
        if (!url.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            throw new ProbeException("not a mongodb:// URL");
        }
        var rest = url[Prefix.Length..];
        var authorityEnd = rest.IndexOfAny(new[] { '/', '?', '#' });
        var authority = authorityEnd < 0 ? rest : rest[..authorityEnd];
        var tail = authorityEnd < 0 ? string.Empty : rest[authorityEnd..];
        var at = authority.LastIndexOf('@');
        var credentials = at < 0 ? string.Empty : authority[..(at + 1)];
        var hosts = authority[(at + 1)..];
        return Wire.ParseUrl(Prefix + credentials + hosts.Split(',')[0] + tail);
    }

    private static byte[] OpMsgRequest(int requestId, byte[] document)
    {
        var message = new byte[16 + 4 + 1 + document.Length];
        BinaryPrimitives.WriteInt32LittleEndian(message, message.Length);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(4), requestId);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(8), 0); // responseTo
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(12), OpMsg);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(16), 0); // flagBits
        message[20] = 0; // section kind 0: body document
        document.CopyTo(message, 21);
        return message;
    }

    // --- Minimal BSON: encodes the one command, decodes top-level scalars of the reply.

    /// <summary><c>{ hello: 1, $db: "admin" }</c>.</summary>
    private static byte[] HelloDocument()
    {
        var content = Wire.Concat(
            Element(0x10, "hello", Int32Bytes(1)),
            Element(0x02, "$db", BsonString("admin")),
            new byte[] { 0 });
        return Wire.Concat(Int32Bytes(content.Length + 4), content);
    }

    private static byte[] Element(byte type, string name, byte[] value) =>
        Wire.Concat(new[] { type }, Encoding.UTF8.GetBytes(name + "\0"), value);

    private static byte[] Int32Bytes(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] BsonString(string value)
    {
        var text = Encoding.UTF8.GetBytes(value + "\0");
        return Wire.Concat(Int32Bytes(text.Length), text);
    }

    /// <summary>
    /// Reads a document's top-level doubles, strings, int32/int64 and booleans; every other value
    /// (sub-documents, ObjectIds, timestamps...) is skipped by its size.
    /// </summary>
    private static Dictionary<string, object> DecodeTopLevel(byte[] buffer, int start)
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        if (buffer.Length - start < 5)
        {
            throw new ProbeException("truncated BSON document in reply");
        }
        var end = start + Int32At(buffer, start) - 1; // the last byte is the document's NUL
        if (end >= buffer.Length || end < start + 4)
        {
            throw new ProbeException("truncated BSON document in reply");
        }
        var offset = start + 4;
        while (offset < end)
        {
            var type = buffer[offset];
            var nameEnd = CStringEnd(buffer, offset + 1);
            var name = Encoding.UTF8.GetString(buffer, offset + 1, nameEnd - offset - 1);
            var at = nameEnd + 1;
            int size;
            switch (type)
            {
                case 0x01: // double
                    values[name] = BinaryPrimitives.ReadDoubleLittleEndian(buffer.AsSpan(at, 8));
                    size = 8;
                    break;
                case 0x02: // string: int32 byte length (with NUL), bytes, NUL
                    values[name] = Encoding.UTF8.GetString(buffer, at + 4, Int32At(buffer, at) - 1);
                    size = 4 + Int32At(buffer, at);
                    break;
                case 0x08: // boolean
                    values[name] = buffer[at] == 1;
                    size = 1;
                    break;
                case 0x10: // int32
                    values[name] = Int32At(buffer, at);
                    size = 4;
                    break;
                case 0x12: // int64
                    values[name] = BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(at, 8));
                    size = 8;
                    break;
                case 0x03: // document
                case 0x04: // array
                case 0x0f: // code with scope
                    size = Int32At(buffer, at);
                    break;
                case 0x05: // binary: int32 length, subtype byte, bytes
                    size = 5 + Int32At(buffer, at);
                    break;
                case 0x0d: // JavaScript code
                case 0x0e: // symbol
                    size = 4 + Int32At(buffer, at);
                    break;
                case 0x0c: // DBPointer: string + ObjectId
                    size = 4 + Int32At(buffer, at) + 12;
                    break;
                case 0x0b: // regex: two cstrings
                    size = CStringEnd(buffer, CStringEnd(buffer, at) + 1) + 1 - at;
                    break;
                case 0x07: // ObjectId
                    size = 12;
                    break;
                case 0x09: // UTC datetime
                case 0x11: // timestamp
                    size = 8;
                    break;
                case 0x13: // decimal128
                    size = 16;
                    break;
                case 0x06: // undefined
                case 0x0a: // null
                case 0x7f: // max key
                case 0xff: // min key
                    size = 0;
                    break;
                default:
                    throw new ProbeException($"unsupported BSON type 0x{type:x2} in reply");
            }
            if (size < 0)
            {
                throw new ProbeException("malformed BSON document in reply");
            }
            offset = at + size;
        }
        return values;
    }

    private static int Int32At(byte[] buffer, int at) => BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(at, 4));

    private static int CStringEnd(byte[] buffer, int from)
    {
        var nul = Array.IndexOf(buffer, (byte)0, from);
        return nul >= 0 ? nul : throw new ProbeException("malformed BSON document in reply");
    }
}
