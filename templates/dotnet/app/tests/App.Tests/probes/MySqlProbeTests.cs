using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using App.Probes;

namespace App.Tests.Probes;

public class MySqlProbeTests
{
    // --- The server side of the protocol, written from the server's point of view.

    private const uint ClientLongPassword = 0x1;
    private const uint ClientConnectWithDb = 0x8;
    private const uint ClientProtocol41 = 0x200;
    private const uint ClientSecureConnection = 0x8000;
    private const uint ClientPluginAuth = 0x80000;
    private const uint ServerCapabilities = 0xf7feu | (0x81bfu << 16) | ClientLongPassword;

    private static readonly byte[] Ok = { 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00 };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Frames packets and checks the probe's sequence ids.</summary>
    private sealed class MySqlConnection
    {
        public MySqlConnection(FakeConnection connection)
        {
            Connection = connection;
        }

        public FakeConnection Connection { get; }

        /// <summary>Sequence id of the next packet sent.</summary>
        public byte Sequence { get; set; }

        public async Task<byte[]> ReceiveAsync()
        {
            var header = await Connection.ReadAsync(4);
            var length = header[0] | (header[1] << 8) | (header[2] << 16);
            Assert.Equal(Sequence, header[3]);
            Sequence++;
            return await Connection.ReadAsync(length);
        }

        public byte[] Frame(byte[] payload)
        {
            var packet = new byte[4 + payload.Length];
            packet[0] = (byte)payload.Length;
            packet[1] = (byte)(payload.Length >> 8);
            packet[2] = (byte)(payload.Length >> 16);
            packet[3] = Sequence++;
            payload.CopyTo(packet, 4);
            return packet;
        }

        public Task SendAsync(byte[] payload) => Connection.WriteAsync(Frame(payload));

        /// <summary>COM_QUIT (a new command, so sequence id 0), then the probe hangs up.</summary>
        public async Task ExpectQuitAsync()
        {
            Sequence = 0;
            Assert.Equal(new byte[] { 0x01 }, await ReceiveAsync());
            await Connection.HangupAsync();
        }
    }

    private static FakeServer FakeMySql(Func<MySqlConnection, Task> script) =>
        FakeServer.Start(connection => script(new MySqlConnection(connection)));

    private static byte[] Greeting(string plugin, byte[] nonce, uint capabilities = ServerCapabilities)
    {
        var fixedPart = new byte[4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10];
        BinaryPrimitives.WriteUInt32LittleEndian(fixedPart, 42); // connection id
        nonce.AsSpan(0, 8).CopyTo(fixedPart.AsSpan(4));
        BinaryPrimitives.WriteUInt16LittleEndian(fixedPart.AsSpan(13), (ushort)(capabilities & 0xffff));
        fixedPart[15] = 255; // utf8mb4_0900_ai_ci
        BinaryPrimitives.WriteUInt16LittleEndian(fixedPart.AsSpan(16), 0x0002); // SERVER_STATUS_AUTOCOMMIT
        BinaryPrimitives.WriteUInt16LittleEndian(fixedPart.AsSpan(18), (ushort)(capabilities >> 16));
        fixedPart[20] = 21; // nonce length, NUL included
        return Concat(
            new byte[] { 0x0a },
            Encoding.ASCII.GetBytes("8.4.3\0"),
            fixedPart,
            nonce[8..],
            new byte[] { 0 },
            Encoding.ASCII.GetBytes(plugin + "\0"));
    }

    private static byte[] ErrPacket(ushort code, string message, string? sqlState = null)
    {
        var header = new byte[3];
        header[0] = 0xff;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(1), code);
        return Concat(header, Encoding.UTF8.GetBytes(sqlState is null ? message : $"#{sqlState}{message}"));
    }

    private static byte[] AuthSwitch(string plugin, byte[] nonce) =>
        Concat(new byte[] { 0xfe }, Encoding.ASCII.GetBytes(plugin + "\0"), nonce, new byte[] { 0 });

    private sealed record HandshakeResponse(uint Flags, byte Charset, string User, byte[] AuthData, string? Database, string Plugin);

    private static HandshakeResponse ParseHandshakeResponse(byte[] payload)
    {
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(payload);
        var charset = payload[8];
        Assert.True(payload.AsSpan(9, 23).ToArray().All(b => b == 0), "23 zero bytes");
        var offset = 32;
        string CString()
        {
            var end = Array.IndexOf(payload, (byte)0, offset);
            Assert.True(end >= 0, "NUL-terminated string");
            var text = Encoding.UTF8.GetString(payload, offset, end - offset);
            offset = end + 1;
            return text;
        }
        var user = CString();
        var authLength = payload[offset];
        var authData = payload.AsSpan(offset + 1, authLength).ToArray();
        offset += 1 + authLength;
        var database = (flags & ClientConnectWithDb) != 0 ? CString() : null;
        var plugin = CString();
        Assert.Equal(payload.Length, offset); // nothing after the plugin name
        return new HandshakeResponse(flags, charset, user, authData, database, plugin);
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(part => part).ToArray();

    private static byte[] Xor(byte[] data, byte[] key) => data.Select((b, i) => (byte)(b ^ key[i % key.Length])).ToArray();

    /// <summary>What mysqld does: it stores SHA1(SHA1(password)) and never sees the password.</summary>
    private static bool NativePasswordMatches(byte[] authData, byte[] nonce, string password)
    {
        var stored = SHA1.HashData(SHA1.HashData(Encoding.UTF8.GetBytes(password)));
        var candidate = Xor(authData, SHA1.HashData(Concat(nonce, stored)));
        return authData.Length == 20 && SHA1.HashData(candidate).AsSpan().SequenceEqual(stored);
    }

    /// <summary>caching_sha2_password fast path: the server caches SHA256(SHA256(password)).</summary>
    private static bool Sha2PasswordMatches(byte[] authData, byte[] nonce, string password)
    {
        var cached = SHA256.HashData(SHA256.HashData(Encoding.UTF8.GetBytes(password)));
        var candidate = Xor(authData, SHA256.HashData(Concat(cached, nonce)));
        return authData.Length == 32 && SHA256.HashData(candidate).AsSpan().SequenceEqual(cached);
    }

    /// <summary>Like mysqld: printable-ish bytes, never NUL.</summary>
    private static byte[] Nonce() => RandomNumberGenerator.GetBytes(20).Select(b => (byte)((b & 0x7f) == 0 ? 1 : b & 0x7f)).ToArray();

    // --- Tests

    [Fact]
    public async Task Native_password_logs_in_with_the_decoded_URL_credentials_then_quits()
    {
        var challenge = Nonce();
        HandshakeResponse? response = null;
        await using var server = FakeMySql(async mysql =>
        {
            await mysql.SendAsync(Greeting("mysql_native_password", challenge));
            response = ParseHandshakeResponse(await mysql.ReceiveAsync());
            Assert.True(NativePasswordMatches(response.AuthData, challenge, "p@ss:wörd"), "scramble");
            await mysql.SendAsync(Ok);
            await mysql.ExpectQuitAsync();
        });

        await MySqlProbe.ProbeAsync($"mariadb://app%2Buser:p%40ss%3Aw%C3%B6rd@127.0.0.1:{server.Port}/orders%20db", Token);
        await server.Done;

        Assert.NotNull(response);
        Assert.Equal("app+user", response.User);
        Assert.Equal("orders db", response.Database);
        Assert.Equal("mysql_native_password", response.Plugin);
        Assert.True(response.Charset is 45 or 255, "utf8mb4");
        const uint wanted = ClientLongPassword | ClientProtocol41 | ClientSecureConnection | ClientPluginAuth;
        Assert.Equal(wanted, response.Flags & wanted);
        Assert.NotEqual(0u, response.Flags & ClientConnectWithDb);
    }

    [Fact]
    public async Task No_database_in_the_URL_leaves_CONNECT_WITH_DB_off_and_an_empty_password_is_an_empty_answer()
    {
        HandshakeResponse? response = null;
        await using var server = FakeMySql(async mysql =>
        {
            await mysql.SendAsync(Greeting("mysql_native_password", Nonce()));
            response = ParseHandshakeResponse(await mysql.ReceiveAsync());
            await mysql.SendAsync(Ok);
            await mysql.ExpectQuitAsync();
        });

        await MySqlProbe.ProbeAsync($"mysql://root@127.0.0.1:{server.Port}", Token);
        await server.Done;

        Assert.NotNull(response);
        Assert.Equal(0u, response.Flags & ClientConnectWithDb);
        Assert.Null(response.Database);
        Assert.Equal(0, response.AuthData.Length);
    }

    [Fact]
    public async Task Caching_sha2_password_fast_authentication()
    {
        var challenge = Nonce();
        await using var server = FakeMySql(async mysql =>
        {
            await mysql.SendAsync(Greeting("caching_sha2_password", challenge));
            var response = ParseHandshakeResponse(await mysql.ReceiveAsync());
            Assert.Equal("caching_sha2_password", response.Plugin);
            Assert.True(Sha2PasswordMatches(response.AuthData, challenge, "secret"), "scramble");
            await mysql.SendAsync(new byte[] { 0x01, 0x03 }); // fast auth success
            await mysql.SendAsync(Ok);
            await mysql.ExpectQuitAsync();
        });

        await MySqlProbe.ProbeAsync($"mysql://app:secret@127.0.0.1:{server.Port}/app", Token);
        await server.Done;
    }

    [Fact]
    public async Task Caching_sha2_password_full_authentication_with_the_server_RSA_key_over_plain_TCP()
    {
        var challenge = Nonce();
        using var rsa = RSA.Create(2048);
        var publicKey = rsa.ExportSubjectPublicKeyInfoPem();
        await using var server = FakeMySql(async mysql =>
        {
            await mysql.SendAsync(Greeting("caching_sha2_password", challenge));
            await mysql.ReceiveAsync();
            await mysql.SendAsync(new byte[] { 0x01, 0x04 }); // perform full authentication
            Assert.Equal(new byte[] { 0x02 }, await mysql.ReceiveAsync()); // public key request
            await mysql.SendAsync(Concat(new byte[] { 0x01 }, Encoding.ASCII.GetBytes(publicKey)));
            var encrypted = await mysql.ReceiveAsync();
            var plain = rsa.Decrypt(encrypted, RSAEncryptionPadding.OaepSHA1);
            Assert.Equal("sécret\0", Encoding.UTF8.GetString(Xor(plain, challenge)));
            await mysql.SendAsync(Ok);
            await mysql.ExpectQuitAsync();
        });

        await MySqlProbe.ProbeAsync($"mysql://app:s%C3%A9cret@127.0.0.1:{server.Port}/app", Token);
        await server.Done;
    }

    [Fact]
    public async Task Follows_an_AuthSwitchRequest_to_native_password_with_the_new_nonce()
    {
        var switched = Nonce();
        await using var server = FakeMySql(async mysql =>
        {
            await mysql.SendAsync(Greeting("caching_sha2_password", Nonce()));
            await mysql.ReceiveAsync();
            await mysql.SendAsync(AuthSwitch("mysql_native_password", switched));
            Assert.True(NativePasswordMatches(await mysql.ReceiveAsync(), switched, "secret"), "scramble with the switched nonce");
            await mysql.SendAsync(Ok);
            await mysql.ExpectQuitAsync();
        });

        await MySqlProbe.ProbeAsync($"mysql://app:secret@127.0.0.1:{server.Port}/app", Token);
        await server.Done;
    }

    [Fact]
    public async Task Follows_an_AuthSwitchRequest_to_caching_sha2_password()
    {
        var switched = Nonce();
        await using var server = FakeMySql(async mysql =>
        {
            await mysql.SendAsync(Greeting("mysql_native_password", Nonce()));
            await mysql.ReceiveAsync();
            await mysql.SendAsync(AuthSwitch("caching_sha2_password", switched));
            Assert.True(Sha2PasswordMatches(await mysql.ReceiveAsync(), switched, "secret"), "scramble");
            await mysql.SendAsync(new byte[] { 0x01, 0x03 });
            await mysql.SendAsync(Ok);
            await mysql.ExpectQuitAsync();
        });

        await MySqlProbe.ProbeAsync($"mysql://app:secret@127.0.0.1:{server.Port}/app", Token);
        await server.Done;
    }

    [Fact]
    public async Task A_wrong_password_is_not_ready_and_the_message_says_the_app_cannot_log_in_either()
    {
        var challenge = Nonce();
        await using var server = FakeMySql(async mysql =>
        {
            await mysql.SendAsync(Greeting("mysql_native_password", challenge));
            var response = ParseHandshakeResponse(await mysql.ReceiveAsync());
            Assert.False(NativePasswordMatches(response.AuthData, challenge, "secret"));
            await mysql.SendAsync(ErrPacket(1045, "Access denied for user 'app'@'127.0.0.1' (using password: YES)", "28000"));
            mysql.Connection.Close();
        });

        var error = await Assert.ThrowsAsync<ProbeException>(() =>
            MySqlProbe.ProbeAsync($"mysql://app:wrong@127.0.0.1:{server.Port}/app", Token));
        await server.Done;

        Assert.StartsWith($"127.0.0.1:{server.Port}: not ready: error 1045: Access denied for user 'app'", error.Message);
        Assert.Contains("app cannot log in either", error.Message);
        Assert.DoesNotContain("wrong", error.Message);
    }

    [Fact]
    public async Task Not_ready_on_a_greeting_ERR_packet_with_its_message()
    {
        await using var server = FakeMySql(async mysql =>
        {
            await mysql.SendAsync(ErrPacket(1040, "Too many connections"));
            mysql.Connection.Close();
        });

        var error = await Assert.ThrowsAsync<ProbeException>(() =>
            MySqlProbe.ProbeAsync($"mariadb://127.0.0.1:{server.Port}/app", Token));
        Assert.Equal($"127.0.0.1:{server.Port}: not ready: error 1040: Too many connections", error.Message);
    }

    [Fact]
    public async Task Rejects_an_unsupported_authentication_plugin_by_name_after_a_checkable_answer()
    {
        await using var server = FakeMySql(async mysql =>
        {
            await mysql.SendAsync(Greeting("mysql_native_password", Nonce()));
            await mysql.ReceiveAsync();
            await mysql.SendAsync(AuthSwitch("client_ed25519", Nonce()));
            // A signature-sized answer, so the server logs a failed login rather than a
            // handshake error that counts against max_connect_errors.
            Assert.Equal(new byte[64], await mysql.ReceiveAsync());
            await mysql.SendAsync(ErrPacket(1045, "Access denied for user 'app'@'127.0.0.1' (using password: YES)", "28000"));
            await mysql.Connection.HangupAsync();
        });

        var error = await Assert.ThrowsAsync<ProbeException>(() =>
            MySqlProbe.ProbeAsync($"mariadb://app:secret@127.0.0.1:{server.Port}/app", Token));
        await server.Done;

        Assert.Contains("client_ed25519 authentication plugin", error.Message);
    }

    [Fact]
    public async Task Answers_a_greeting_for_an_unknown_default_plugin_with_native_password()
    {
        var challenge = Nonce();
        await using var server = FakeMySql(async mysql =>
        {
            await mysql.SendAsync(Greeting("client_ed25519", challenge));
            var response = ParseHandshakeResponse(await mysql.ReceiveAsync());
            Assert.Equal("mysql_native_password", response.Plugin);
            Assert.True(NativePasswordMatches(response.AuthData, challenge, "secret"));
            await mysql.SendAsync(Ok);
            await mysql.ExpectQuitAsync();
        });

        await MySqlProbe.ProbeAsync($"mariadb://app:secret@127.0.0.1:{server.Port}/app", Token);
        await server.Done;
    }

    [Fact]
    public async Task Handles_packets_split_across_reads_and_several_packets_in_one_write()
    {
        var challenge = Nonce();
        await using var server = FakeMySql(async mysql =>
        {
            await mysql.Connection.TrickleAsync(mysql.Frame(Greeting("caching_sha2_password", challenge)));
            var response = ParseHandshakeResponse(await mysql.ReceiveAsync());
            Assert.True(Sha2PasswordMatches(response.AuthData, challenge, "secret"));
            // Fast-auth success and OK in one write, then nothing else.
            await mysql.Connection.WriteAsync(Concat(mysql.Frame(new byte[] { 0x01, 0x03 }), mysql.Frame(Ok)));
            await mysql.ExpectQuitAsync();
        });

        await MySqlProbe.ProbeAsync($"mysql://app:secret@127.0.0.1:{server.Port}/app", TimeSpan.FromSeconds(5), Token);
        await server.Done;
    }

    [Fact]
    public async Task Rejects_a_server_that_is_not_MySQL()
    {
        await using var server = FakeMySql(async mysql =>
        {
            await mysql.SendAsync(new byte[] { 0x09, 0x00 });
            mysql.Connection.Close();
        });

        var error = await Assert.ThrowsAsync<ProbeException>(() =>
            MySqlProbe.ProbeAsync($"mysql://127.0.0.1:{server.Port}/app", Token));
        Assert.Contains("unsupported handshake protocol version 9", error.Message);
    }

    [Fact]
    public async Task Times_out_against_a_server_that_never_answers()
    {
        await using var server = FakeServer.Start(connection => connection.HangupAsync());

        var error = await Assert.ThrowsAsync<ProbeException>(() =>
            MySqlProbe.ProbeAsync($"mysql://127.0.0.1:{server.Port}/app", TimeSpan.FromMilliseconds(150), Token));
        Assert.EndsWith("no answer within 150 ms", error.Message);
    }

    [Fact]
    public async Task The_deadline_also_covers_a_login_the_server_never_answers()
    {
        await using var server = FakeMySql(async mysql =>
        {
            await mysql.SendAsync(Greeting("mysql_native_password", Nonce()));
            await mysql.Connection.HangupAsync();
        });

        var error = await Assert.ThrowsAsync<ProbeException>(() =>
            MySqlProbe.ProbeAsync($"mysql://app:secret@127.0.0.1:{server.Port}/app", TimeSpan.FromMilliseconds(150), Token));
        Assert.EndsWith("no answer within 150 ms", error.Message);
    }
}
