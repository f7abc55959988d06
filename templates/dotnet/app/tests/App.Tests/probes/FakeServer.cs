using System.Net;
using System.Net.Sockets;
using System.Text;

namespace App.Tests.Probes;

/// <summary>
/// A TCP server on 127.0.0.1 for the probe tests: it accepts one connection and hands it to a
/// script. Tests await <see cref="Done"/> next to the probe, so the script's own assertions fail
/// the test.
/// </summary>
internal sealed class FakeServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();

    private FakeServer(Func<FakeConnection, Task> script)
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        Done = ServeAsync(script);
    }

    public int Port { get; }

    /// <summary>Completes when the script has finished; faults when it failed.</summary>
    public Task Done { get; }

    public static FakeServer Start(Func<FakeConnection, Task> script) => new(script);

    /// <summary>A port on 127.0.0.1 where nothing listens.</summary>
    public static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private async Task ServeAsync(Func<FakeConnection, Task> script)
    {
        using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
        client.NoDelay = true;
        await script(new FakeConnection(client));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await Done;
        }
        catch (Exception)
        {
            // Already reported to the test that awaited Done; a test that did not await it
            // (a timeout test, say) does not care.
        }
        _stop.Dispose();
    }
}

/// <summary>The server side of one connection.</summary>
internal sealed class FakeConnection
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    public FakeConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public async Task WriteAsync(byte[] data)
    {
        await _stream.WriteAsync(data);
        await _stream.FlushAsync();
    }

    public Task WriteAsync(string text) => WriteAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>Writes <paramref name="data"/> one byte at a time, to split it across reads.</summary>
    public async Task TrickleAsync(byte[] data)
    {
        foreach (var b in data)
        {
            await WriteAsync(new[] { b });
            await Task.Delay(1);
        }
    }

    /// <summary>Exactly <paramref name="length"/> bytes; throws when the probe hangs up first.</summary>
    public async Task<byte[]> ReadAsync(int length)
    {
        var data = new byte[length];
        await _stream.ReadExactlyAsync(data);
        return data;
    }

    /// <summary>The next CRLF-terminated line, without the CRLF.</summary>
    public async Task<string> ReadLineAsync()
    {
        var line = new List<byte>();
        while (line.Count < 2 || line[^2] != '\r' || line[^1] != '\n')
        {
            line.Add((await ReadAsync(1))[0]);
        }
        return Encoding.UTF8.GetString(line.ToArray(), 0, line.Count - 2);
    }

    /// <summary>
    /// Completes once the probe has closed the connection. A probe that hangs up with bytes left
    /// unread (it stops at the first packet it understands) resets the connection: that counts too.
    /// </summary>
    public async Task HangupAsync()
    {
        var scratch = new byte[256];
        try
        {
            while (await _stream.ReadAsync(scratch) > 0)
            {
            }
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Closes the connection from the server side.</summary>
    public void Close() => _client.Close();
}
