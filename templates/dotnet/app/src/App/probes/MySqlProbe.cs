using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace App.Probes;

// Logs in over the MySQL client/server protocol instead of using a driver, so the app needs
// no dependency; once you add one (MySqlConnector), replace this with its ping.
//
// Why a full login and not just the greeting: the server counts a client that hangs up during
// the handshake against max_connect_errors (default 100) for that client's host, and then
// blocks the host ("Host ... is blocked") -- the app's own connections included. A completed
// login resets the count, so a probe that logs in and says COM_QUIT never adds to it.
//
// Plain TCP only: ssl/tls options in the URL are not honoured, which is meant for a database on
// the private container network. The password never crosses in the clear (a scramble, or
// RSA-OAEP with the server's key), but that key is fetched unauthenticated. A server that
// insists on TLS (require_secure_transport) makes the probe fail with the server's message.

/// <summary>
/// Ready = the server accepts a login with the URL's user, password and database. Any ERR
/// packet (too many connections, host blocked, access denied, unknown database...) means not
/// ready, with the server's message.
/// </summary>
internal static class MySqlProbe
{
    public static readonly IReadOnlyList<string> Schemes = new[] { "mysql", "mariadb" };

    private const int DefaultPort = 3306;

    // Capability flags (the first 32 bits are shared by MySQL and MariaDB).
    private const uint ClientLongPassword = 0x1;
    private const uint ClientConnectWithDb = 0x8;
    private const uint ClientProtocol41 = 0x200;
    private const uint ClientSecureConnection = 0x8000;
    private const uint ClientPluginAuth = 0x80000;

    private const byte Utf8Mb4GeneralCi = 45; // known to MySQL and MariaDB alike
    private const uint MaxClientPacket = 16 * 1024 * 1024;
    // Greetings, auth packets and RSA keys are small; refuse to buffer more.
    private const int MaxServerPacket = 64 * 1024;

    private const byte HandshakeV10 = 0x0a;
    private const byte OkPacket = 0x00;
    private const byte AuthMoreData = 0x01;
    private const byte AuthSwitchRequest = 0xfe;
    private const byte ErrPacket = 0xff;
    private const byte ComQuit = 0x01;

    // caching_sha2_password: AuthMoreData statuses and the public-key request.
    private const byte FastAuthSuccess = 0x03;
    private const byte PerformFullAuthentication = 0x04;
    private const byte RequestPublicKey = 0x02;

    private const string Native = "mysql_native_password";
    private const string CachingSha2 = "caching_sha2_password";
    private static readonly string[] SupportedPlugins = { Native, CachingSha2 };

    // Errors that mean the login itself was refused: the server is up, but the app, which uses
    // the same URL, cannot work with it either.
    private static readonly HashSet<int> LoginRefused = new()
    {
        1044, // access denied to the database
        1045, // access denied (user or password)
        1049, // unknown database
        1698, // access denied (no password given)
    };

    public static Task ProbeAsync(string url, CancellationToken cancellationToken) =>
        ProbeAsync(url, Wire.DefaultTimeout, cancellationToken);

    public static async Task ProbeAsync(string url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var parsed = Wire.ParseUrl(url);
        var target = Wire.TargetOf(parsed, DefaultPort);
        var (user, password) = Wire.CredentialsOf(parsed);
        var login = new Login(user, Encoding.UTF8.GetBytes(password), Wire.PathOf(parsed));

        await Wire.ConverseAsync(target, timeout, async (wire, token) =>
        {
            var channel = new PacketChannel(wire);
            var greeting = ParseGreeting(await channel.ReadAsync(token));
            await AuthenticateAsync(channel, greeting, login, token);
            // Say goodbye so the server logs no aborted connection. COM_QUIT starts a new
            // command, hence sequence id 0; the server just closes.
            channel.StartCommand();
            await channel.WriteAsync(new[] { ComQuit }, token);
        }, cancellationToken);
    }

    private sealed record Login(string User, byte[] Password, string Database);

    private sealed record Greeting(uint Capabilities, byte[] Nonce, string Plugin);

    private static async Task AuthenticateAsync(PacketChannel channel, Greeting greeting, Login login, CancellationToken token)
    {
        const uint required = ClientProtocol41 | ClientSecureConnection;
        if ((greeting.Capabilities & required) != required)
        {
            throw new ProbeException("server does not speak the MySQL 4.1+ protocol");
        }
        // The greeting names the server's default plugin. If we cannot answer it, start with
        // mysql_native_password: the server switches us to the account's own plugin if that differs.
        var plugin = SupportedPlugins.Contains(greeting.Plugin) ? greeting.Plugin : Native;
        var nonce = greeting.Nonce;
        await channel.WriteAsync(HandshakeResponse(greeting.Capabilities, login, plugin, Scramble(plugin, login.Password, nonce)), token);

        // OK ends the exchange; bound the rounds so a confused server cannot loop us.
        for (var round = 0; round < 5; round++)
        {
            var reply = await channel.ReadAsync(token);
            switch (reply[0])
            {
                case OkPacket:
                    return;
                case ErrPacket:
                    throw ServerError(reply);
                case AuthSwitchRequest:
                {
                    var reader = new PacketReader(reply, 1);
                    // A bare 0xfe is the pre-4.1 switch to the old password hash.
                    plugin = reply.Length == 1 ? "mysql_old_password" : reader.CString();
                    nonce = WithoutTrailingNul(reader.Rest());
                    if (SupportedPlugins.Contains(plugin))
                    {
                        await channel.WriteAsync(Scramble(plugin, login.Password, nonce), token);
                        break;
                    }
                    // Hanging up, or a malformed answer, counts as a handshake error against
                    // max_connect_errors; an answer the server can check and refuse is a mere
                    // login failure. client_ed25519 expects a 64-byte signature (zeros never
                    // verify); other plugins get an empty answer.
                    await channel.WriteAsync(new byte[plugin == "client_ed25519" ? 64 : 0], token);
                    if ((await channel.ReadAsync(token))[0] == OkPacket)
                    {
                        return;
                    }
                    throw UnsupportedPlugin(plugin);
                }
                case AuthMoreData:
                {
                    if (plugin != CachingSha2 || reply.Length != 2)
                    {
                        throw new ProbeException($"unexpected AuthMoreData for {plugin}");
                    }
                    if (reply[1] == FastAuthSuccess)
                    {
                        break; // an OK packet follows
                    }
                    if (reply[1] != PerformFullAuthentication)
                    {
                        throw new ProbeException($"unexpected {CachingSha2} status {reply[1]}");
                    }
                    // The server has not cached this account since it started: it needs the
                    // password itself, which over plain TCP we encrypt with its key.
                    await channel.WriteAsync(new[] { RequestPublicKey }, token);
                    var key = await channel.ReadAsync(token);
                    if (key[0] == ErrPacket)
                    {
                        throw ServerError(key);
                    }
                    if (key[0] != AuthMoreData || key.Length < 2)
                    {
                        throw new ProbeException("server did not send its RSA public key");
                    }
                    await channel.WriteAsync(EncryptPassword(login.Password, nonce, key[1..]), token);
                    break;
                }
                default:
                    throw new ProbeException($"unexpected reply 0x{reply[0]:x2} during authentication");
            }
        }
        throw new ProbeException("authentication did not finish");
    }

    /// <summary>
    /// Packets are a 3-byte little-endian payload length, a 1-byte sequence id and the payload.
    /// Sequence ids count up across both directions within one exchange (greeting 0, our
    /// response 1, ...).
    /// </summary>
    private sealed class PacketChannel
    {
        private readonly Conversation _wire;
        private byte _sequence;

        public PacketChannel(Conversation wire)
        {
            _wire = wire;
        }

        public async Task<byte[]> ReadAsync(CancellationToken token)
        {
            var header = await _wire.ReadAsync(4, token);
            var length = header[0] | (header[1] << 8) | (header[2] << 16);
            var sequence = header[3];
            if (length == 0 || length > MaxServerPacket)
            {
                throw new ProbeException($"unexpected {length}-byte packet: not a MySQL server?");
            }
            if (sequence != _sequence)
            {
                throw new ProbeException($"packet out of order: sequence id {sequence}, expected {_sequence}");
            }
            _sequence = unchecked((byte)(_sequence + 1));
            return await _wire.ReadAsync(length, token);
        }

        public Task WriteAsync(byte[] payload, CancellationToken token)
        {
            var packet = new byte[4 + payload.Length];
            packet[0] = (byte)payload.Length;
            packet[1] = (byte)(payload.Length >> 8);
            packet[2] = (byte)(payload.Length >> 16);
            packet[3] = _sequence;
            _sequence = unchecked((byte)(_sequence + 1));
            payload.CopyTo(packet, 4);
            return _wire.WriteAsync(packet, token);
        }

        public void StartCommand()
        {
            _sequence = 0;
        }
    }

    /// <summary>Bounds-checked cursor over a packet payload.</summary>
    private sealed class PacketReader
    {
        private readonly byte[] _buffer;
        private int _offset;

        public PacketReader(byte[] buffer, int offset)
        {
            _buffer = buffer;
            _offset = offset;
        }

        public int Remaining => _buffer.Length - _offset;

        public byte[] Bytes(int length)
        {
            if (length < 0 || length > Remaining)
            {
                throw new ProbeException("malformed packet from the server");
            }
            var slice = _buffer.AsSpan(_offset, length).ToArray();
            _offset += length;
            return slice;
        }

        public byte UInt8() => Bytes(1)[0];

        public ushort UInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2));

        /// <summary>NUL-terminated string; some old servers omit the final NUL.</summary>
        public string CString()
        {
            var end = Array.IndexOf(_buffer, (byte)0, _offset);
            var stop = end < 0 ? _buffer.Length : end;
            var text = Encoding.UTF8.GetString(_buffer, _offset, stop - _offset);
            _offset = Math.Min(stop + 1, _buffer.Length);
            return text;
        }

        public byte[] Rest() => Bytes(Remaining);
    }

    /// <summary>Protocol::HandshakeV10, or the ERR packet a server sends instead.</summary>
    private static Greeting ParseGreeting(byte[] payload)
    {
        if (payload[0] == ErrPacket)
        {
            throw ServerError(payload);
        }
        if (payload[0] != HandshakeV10)
        {
            throw new ProbeException($"unsupported handshake protocol version {payload[0]}");
        }

        var reader = new PacketReader(payload, 1);
        reader.CString(); // server version
        reader.Bytes(4); // connection id
        var nonceStart = reader.Bytes(8);
        reader.Bytes(1); // filler
        uint capabilities = reader.UInt16();
        var nonceEnd = Array.Empty<byte>();
        var plugin = Native;
        if (reader.Remaining > 0)
        {
            reader.UInt8(); // character set
            reader.UInt16(); // status flags
            capabilities |= (uint)reader.UInt16() << 16;
            int nonceLength = reader.UInt8();
            reader.Bytes(10); // reserved (MariaDB keeps extended capabilities here)
            if ((capabilities & ClientSecureConnection) != 0)
            {
                // At least 13 bytes, the last being a NUL that is not part of the nonce.
                nonceEnd = reader.Bytes(Math.Min(Math.Max(13, nonceLength - 8), reader.Remaining));
            }
            if ((capabilities & ClientPluginAuth) != 0)
            {
                var name = reader.CString();
                plugin = name.Length == 0 ? Native : name;
            }
        }
        var nonce = Wire.Concat(nonceStart, nonceEnd);
        return new Greeting(capabilities, nonce.Length > 20 ? nonce[..20] : nonce, plugin);
    }

    /// <summary>Protocol::HandshakeResponse41.</summary>
    private static byte[] HandshakeResponse(uint serverCapabilities, Login login, string plugin, byte[] authData)
    {
        var pluginAuth = (serverCapabilities & ClientPluginAuth) != 0;
        var flags = ClientLongPassword | ClientProtocol41 | ClientSecureConnection;
        if (pluginAuth)
        {
            flags |= ClientPluginAuth;
        }
        if (login.Database.Length > 0)
        {
            flags |= ClientConnectWithDb;
        }

        var fixedPart = new byte[32]; // flags, max packet size, charset, 23 zero bytes
        BinaryPrimitives.WriteUInt32LittleEndian(fixedPart, flags);
        BinaryPrimitives.WriteUInt32LittleEndian(fixedPart.AsSpan(4), MaxClientPacket);
        fixedPart[8] = Utf8Mb4GeneralCi;
        return Wire.Concat(
            fixedPart,
            Encoding.UTF8.GetBytes(login.User + "\0"),
            new[] { (byte)authData.Length }, // CLIENT_SECURE_CONNECTION: 1-byte length
            authData,
            login.Database.Length == 0 ? Array.Empty<byte>() : Encoding.UTF8.GetBytes(login.Database + "\0"),
            pluginAuth ? Encoding.UTF8.GetBytes(plugin + "\0") : Array.Empty<byte>());
    }

    /// <summary>First answer of either plugin; an empty password is an empty answer.</summary>
    private static byte[] Scramble(string plugin, byte[] password, byte[] nonce)
    {
        if (password.Length == 0)
        {
            return Array.Empty<byte>();
        }
        if (plugin == Native)
        {
            // SHA1(password) XOR SHA1(nonce + SHA1(SHA1(password)))
            var stage1 = SHA1.HashData(password);
            return Xor(stage1, SHA1.HashData(Wire.Concat(nonce, SHA1.HashData(stage1))));
        }
        // caching_sha2_password: SHA256(password) XOR SHA256(SHA256(SHA256(password)) + nonce)
        var digest = SHA256.HashData(password);
        return Xor(digest, SHA256.HashData(Wire.Concat(SHA256.HashData(digest), nonce)));
    }

    /// <summary>caching_sha2_password full authentication over plain TCP.</summary>
    private static byte[] EncryptPassword(byte[] password, byte[] nonce, byte[] publicKeyPem)
    {
        var plain = Xor(Wire.Concat(password, new byte[] { 0 }), nonce);
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(Encoding.ASCII.GetString(publicKeyPem).TrimEnd('\0'));
            return rsa.Encrypt(plain, RSAEncryptionPadding.OaepSHA1);
        }
        catch (Exception error) when (error is CryptographicException or ArgumentException)
        {
            throw new ProbeException("cannot encrypt the password with the server's RSA public key", error);
        }
    }

    /// <summary>XOR with <paramref name="key"/> repeated to the length of <paramref name="data"/>.</summary>
    private static byte[] Xor(byte[] data, byte[] key)
    {
        var result = new byte[data.Length];
        for (var i = 0; i < data.Length; i++)
        {
            result[i] = (byte)(data[i] ^ key[i % key.Length]);
        }
        return result;
    }

    private static byte[] WithoutTrailingNul(byte[] data) =>
        data.Length > 0 && data[^1] == 0 ? data[..^1] : data;

    /// <summary>ERR packet: 0xff, 2-byte code, optional "#" + 5-byte SQLSTATE, message.</summary>
    private static ProbeException ServerError(byte[] payload)
    {
        if (payload.Length < 3)
        {
            return new ProbeException("not ready: malformed error packet");
        }
        int code = BinaryPrimitives.ReadUInt16LittleEndian(payload.AsSpan(1));
        // Errors sent before the handshake completes usually omit the SQLSTATE.
        var messageStart = payload.Length >= 9 && payload[3] == (byte)'#' ? 9 : 3;
        var message = Encoding.UTF8.GetString(payload, messageStart, payload.Length - messageStart);
        var hint = LoginRefused.Contains(code)
            ? " (the probe logs in with the URL credentials and database, so the app cannot log in either)"
            : string.Empty;
        return new ProbeException($"not ready: error {code}: {message}{hint}");
    }

    private static ProbeException UnsupportedPlugin(string plugin) => new(
        $"the account uses the {plugin} authentication plugin, which this probe does not support "
        + $"(only {string.Join(" and ", SupportedPlugins)}): switch the account to one of those, "
        + "or replace the probe with your driver's ping");
}
