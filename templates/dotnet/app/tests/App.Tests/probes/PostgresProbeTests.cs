using System.Buffers.Binary;
using System.Text;
using App.Probes;

namespace App.Tests.Probes;

public class PostgresProbeTests
{
    /// <summary>Reads the whole StartupMessage and returns its parameters.</summary>
    private static async Task<Dictionary<string, string>> ReadStartupAsync(FakeConnection connection)
    {
        var length = BinaryPrimitives.ReadInt32BigEndian(await connection.ReadAsync(4));
        var rest = await connection.ReadAsync(length - 4);
        Assert.Equal(196_608, BinaryPrimitives.ReadInt32BigEndian(rest)); // protocol 3.0
        var parts = Encoding.UTF8.GetString(rest, 4, rest.Length - 4).Split('\0');
        var parameters = new Dictionary<string, string>();
        for (var i = 0; i + 1 < parts.Length; i += 2)
        {
            if (parts[i].Length > 0)
            {
                parameters[parts[i]] = parts[i + 1];
            }
        }
        return parameters;
    }

    private static byte[] Message(char type, byte[] body)
    {
        var message = new byte[5 + body.Length];
        message[0] = (byte)type;
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), body.Length + 4);
        body.CopyTo(message, 5);
        return message;
    }

    private static byte[] ErrorResponse(string code, string text) =>
        Message('E', Encoding.UTF8.GetBytes($"SFATAL\0C{code}\0M{text}\0\0"));

    [Fact]
    public async Task Ready_when_the_server_asks_for_authentication_sending_user_and_database()
    {
        var seen = new Dictionary<string, string>();
        await using var server = FakeServer.Start(async connection =>
        {
            seen = await ReadStartupAsync(connection);
            var md5 = new byte[8];
            BinaryPrimitives.WriteInt32BigEndian(md5, 5); // AuthenticationMD5Password + 4-byte salt
            await connection.WriteAsync(Message('R', md5));
            await connection.HangupAsync();
        });

        await PostgresProbe.ProbeAsync($"postgresql://orders:s3cret@127.0.0.1:{server.Port}/orders_db", TestContext.Current.CancellationToken);
        await server.Done;

        Assert.Equal("orders", seen["user"]);
        Assert.Equal("orders_db", seen["database"]);
        Assert.DoesNotContain("s3cret", string.Join(",", seen.Values));
    }

    [Fact]
    public async Task Not_ready_on_an_ErrorResponse_reporting_its_SQLSTATE()
    {
        await using var server = FakeServer.Start(async connection =>
        {
            await ReadStartupAsync(connection);
            await connection.WriteAsync(ErrorResponse("57P03", "the database system is starting up"));
            connection.Close();
        });

        var error = await Assert.ThrowsAsync<ProbeException>(() =>
            PostgresProbe.ProbeAsync($"postgres://app@127.0.0.1:{server.Port}/app", TestContext.Current.CancellationToken));
        Assert.Equal($"127.0.0.1:{server.Port}: not ready: 57P03 the database system is starting up", error.Message);
    }

    [Fact]
    public async Task An_authentication_failure_still_means_the_server_is_up()
    {
        await using var server = FakeServer.Start(async connection =>
        {
            await ReadStartupAsync(connection);
            await connection.WriteAsync(ErrorResponse("28P01", "password authentication failed for user \"app\""));
            connection.Close();
        });

        await PostgresProbe.ProbeAsync($"postgres://app:wrong@127.0.0.1:{server.Port}/app", TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Times_out_against_a_server_that_never_answers()
    {
        await using var server = FakeServer.Start(connection => connection.HangupAsync());

        var error = await Assert.ThrowsAsync<ProbeException>(() =>
            PostgresProbe.ProbeAsync($"postgres://127.0.0.1:{server.Port}/app", TimeSpan.FromMilliseconds(150), TestContext.Current.CancellationToken));
        Assert.EndsWith("no answer within 150 ms", error.Message);
    }

    [Fact]
    public async Task Reports_a_refused_connection()
    {
        var port = FakeServer.ClosedPort();

        var error = await Assert.ThrowsAsync<ProbeException>(() =>
            PostgresProbe.ProbeAsync($"postgres://127.0.0.1:{port}/app", TestContext.Current.CancellationToken));
        Assert.StartsWith($"127.0.0.1:{port}: ", error.Message);
        Assert.Contains("refused", error.Message, StringComparison.OrdinalIgnoreCase);
    }
}
