using App.Probes;

namespace App.Tests.Probes;

public class MemcachedProbeTests
{
    [Fact]
    public async Task Ready_when_version_answers()
    {
        string? request = null;
        await using var server = FakeServer.Start(async connection =>
        {
            request = await connection.ReadLineAsync();
            await connection.WriteAsync("VERSION 1.6.39\r\n");
            await connection.HangupAsync();
        });

        await MemcachedProbe.ProbeAsync($"memcached://127.0.0.1:{server.Port}", TestContext.Current.CancellationToken);
        await server.Done;

        Assert.Equal("version", request);
    }

    [Fact]
    public async Task Not_ready_on_any_other_reply()
    {
        await using var server = FakeServer.Start(async connection =>
        {
            await connection.ReadLineAsync();
            await connection.WriteAsync("ERROR\r\n");
            await connection.HangupAsync();
        });

        var error = await Assert.ThrowsAsync<ProbeException>(() =>
            MemcachedProbe.ProbeAsync($"memcached://127.0.0.1:{server.Port}", TestContext.Current.CancellationToken));
        Assert.Equal($"127.0.0.1:{server.Port}: unexpected reply \"ERROR\"", error.Message);
    }

    [Fact]
    public async Task Times_out_against_a_server_that_never_answers()
    {
        await using var server = FakeServer.Start(connection => connection.HangupAsync());

        var error = await Assert.ThrowsAsync<ProbeException>(() =>
            MemcachedProbe.ProbeAsync($"memcached://127.0.0.1:{server.Port}", TimeSpan.FromMilliseconds(150), TestContext.Current.CancellationToken));
        Assert.EndsWith("no answer within 150 ms", error.Message);
    }
}
