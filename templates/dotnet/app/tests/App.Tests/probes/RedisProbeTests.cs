using App.Probes;

namespace App.Tests.Probes;

public class RedisProbeTests
{
    /// <summary>Reads one RESP command ("*N" then N "$len" bulk strings) as its arguments.</summary>
    private static async Task<string[]> ReadCommandAsync(FakeConnection connection)
    {
        var header = await connection.ReadLineAsync();
        Assert.StartsWith("*", header);
        var args = new string[int.Parse(header[1..])];
        for (var i = 0; i < args.Length; i++)
        {
            Assert.StartsWith("$", await connection.ReadLineAsync());
            args[i] = await connection.ReadLineAsync();
        }
        return args;
    }

    /// <summary>Answers each command with <paramref name="respond"/> until the probe hangs up.</summary>
    private static FakeServer FakeRedis(Func<string[], string> respond, List<string[]> seen) =>
        FakeServer.Start(async connection =>
        {
            while (true)
            {
                string[] command;
                try
                {
                    command = await ReadCommandAsync(connection);
                }
                catch (IOException)
                {
                    return; // the probe hung up
                }
                seen.Add(command);
                await connection.WriteAsync(respond(command));
            }
        });

    [Fact]
    public async Task Ready_on_PONG_without_AUTH_when_the_URL_has_no_password()
    {
        var seen = new List<string[]>();
        await using var server = FakeRedis(_ => "+PONG\r\n", seen);

        await RedisProbe.ProbeAsync($"redis://127.0.0.1:{server.Port}", TestContext.Current.CancellationToken);
        await server.Done;

        Assert.Equal(new[] { new[] { "PING" } }, seen);
    }

    [Fact]
    public async Task Sends_AUTH_with_username_and_password_first()
    {
        var seen = new List<string[]>();
        await using var server = FakeRedis(command => command[0] == "AUTH" ? "+OK\r\n" : "+PONG\r\n", seen);

        await RedisProbe.ProbeAsync($"redis://app:p%40ss@127.0.0.1:{server.Port}/0", TestContext.Current.CancellationToken);
        await server.Done;

        Assert.Equal(new[] { new[] { "AUTH", "app", "p@ss" }, new[] { "PING" } }, seen);
    }

    [Fact]
    public async Task Password_only_URLs_send_the_one_argument_AUTH()
    {
        var seen = new List<string[]>();
        await using var server = FakeRedis(command => command[0] == "AUTH" ? "+OK\r\n" : "+PONG\r\n", seen);

        await RedisProbe.ProbeAsync($"redis://:secret@127.0.0.1:{server.Port}", TestContext.Current.CancellationToken);
        await server.Done;

        Assert.Equal(new[] { "AUTH", "secret" }, seen[0]);
    }

    [Fact]
    public async Task Not_ready_when_the_server_refuses_with_its_message()
    {
        await using var server = FakeRedis(_ => "-NOAUTH Authentication required.\r\n", new List<string[]>());

        var error = await Assert.ThrowsAsync<ProbeException>(() =>
            RedisProbe.ProbeAsync($"redis://127.0.0.1:{server.Port}", TestContext.Current.CancellationToken));
        Assert.Equal($"127.0.0.1:{server.Port}: PING rejected: NOAUTH Authentication required.", error.Message);
    }

    [Fact]
    public async Task A_wrong_password_is_reported_without_echoing_it()
    {
        await using var server = FakeRedis(_ => "-WRONGPASS invalid username-password pair\r\n", new List<string[]>());

        var error = await Assert.ThrowsAsync<ProbeException>(() =>
            RedisProbe.ProbeAsync($"redis://:hunter2@127.0.0.1:{server.Port}", TestContext.Current.CancellationToken));
        Assert.Contains("AUTH rejected: WRONGPASS", error.Message);
        Assert.DoesNotContain("hunter2", error.Message);
    }

    [Fact]
    public async Task Rediss_starts_a_TLS_handshake()
    {
        byte? firstByte = null;
        await using var server = FakeServer.Start(async connection =>
        {
            firstByte = (await connection.ReadAsync(1))[0];
            connection.Close();
        });

        await Assert.ThrowsAsync<ProbeException>(() =>
            RedisProbe.ProbeAsync($"rediss://127.0.0.1:{server.Port}", TestContext.Current.CancellationToken));
        await server.Done;

        Assert.Equal((byte)0x16, firstByte); // a TLS handshake record (ClientHello)
    }

    [Fact]
    public async Task Times_out_against_a_server_that_never_answers()
    {
        await using var server = FakeServer.Start(connection => connection.HangupAsync());

        var error = await Assert.ThrowsAsync<ProbeException>(() =>
            RedisProbe.ProbeAsync($"redis://127.0.0.1:{server.Port}", TimeSpan.FromMilliseconds(150), TestContext.Current.CancellationToken));
        Assert.EndsWith("no answer within 150 ms", error.Message);
    }
}
