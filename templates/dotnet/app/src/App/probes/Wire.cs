using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace App.Probes;

// Shared plumbing for the readiness probes in this folder: open one TCP (or TLS) connection,
// run a short request/response exchange, and give up after a deadline that covers connect,
// handshake and every read. Only the base class library is used, so the app's dependencies
// never change with the database or cache you pick.

/// <summary>A dependency that did not answer as expected. The message is safe to log.</summary>
internal sealed class ProbeException : Exception
{
    public ProbeException(string message)
        : base(message)
    {
    }

    public ProbeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Where a probe connects.</summary>
internal sealed record ProbeTarget(string Host, int Port, bool Tls)
{
    public override string ToString() => $"{Host}:{Port}";
}

internal static class Wire
{
    /// <summary>Covers connect and the whole exchange.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    public static Uri ParseUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var parsed) ? parsed : throw new ProbeException("not a valid URL");

    /// <summary>Host and port of a URL; IPv6 literals lose their brackets.</summary>
    public static ProbeTarget TargetOf(Uri url, int defaultPort, bool tls = false)
    {
        var host = url.DnsSafeHost.Trim('[', ']');
        if (host.Length == 0)
        {
            throw new ProbeException($"no host in {url.Scheme}:// URL");
        }
        // Schemes unknown to System.Uri report -1 when the URL has no port.
        return new ProbeTarget(host, url.Port < 0 ? defaultPort : url.Port, tls);
    }

    /// <summary>User name and password from the URL, percent-decoded; empty when absent.</summary>
    public static (string User, string Password) CredentialsOf(Uri url)
    {
        var userInfo = url.UserInfo;
        var colon = userInfo.IndexOf(':');
        var user = colon < 0 ? userInfo : userInfo[..colon];
        var password = colon < 0 ? string.Empty : userInfo[(colon + 1)..];
        return (Uri.UnescapeDataString(user), Uri.UnescapeDataString(password));
    }

    /// <summary>The URL path without its leading slash, percent-decoded (usually the database).</summary>
    public static string PathOf(Uri url) => Uri.UnescapeDataString(url.AbsolutePath.TrimStart('/'));

    /// <summary>The value of a query parameter, or null.</summary>
    public static string? QueryValue(Uri url, string key)
    {
        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            if (name == key)
            {
                return Uri.UnescapeDataString(equals < 0 ? string.Empty : pair[(equals + 1)..]);
            }
        }
        return null;
    }

    public static byte[] Concat(params byte[][] parts)
    {
        var result = new byte[parts.Sum(part => part.Length)];
        var offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, offset);
            offset += part.Length;
        }
        return result;
    }

    /// <summary>
    /// Connects to <paramref name="target"/>, runs <paramref name="talk"/>, and turns every failure
    /// into a <see cref="ProbeException"/> whose message starts with "host:port: ".
    /// </summary>
    public static async Task ConverseAsync(
        ProbeTarget target,
        TimeSpan timeout,
        Func<Conversation, CancellationToken, Task> talk,
        CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var token = deadline.Token;
        try
        {
            using var client = new TcpClient { NoDelay = true };
            await client.ConnectAsync(target.Host, target.Port, token);
            await using var network = client.GetStream();
            if (!target.Tls)
            {
                await talk(new Conversation(network), token);
                return;
            }
            await using var tls = new SslStream(network, leaveInnerStreamOpen: true);
            // TargetHost drives certificate validation (and SNI, which is only sent for names).
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = target.Host }, token);
            await talk(new Conversation(tls), token);
        }
        catch (Exception) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ProbeException($"{target}: no answer within {(long)timeout.TotalMilliseconds} ms");
        }
        catch (ProbeException error)
        {
            // Protocol-level verdicts from the probe get the same "host:port:" prefix.
            throw new ProbeException($"{target}: {error.Message}", error);
        }
        catch (Exception error) when (error is SocketException or IOException or AuthenticationException)
        {
            throw new ProbeException($"{target}: {error.Message}", error);
        }
        catch (Exception error) when (error is ArgumentException or IndexOutOfRangeException or FormatException or OverflowException)
        {
            throw new ProbeException($"{target}: malformed reply from the server", error);
        }
    }
}

/// <summary>One connection's reads and writes, buffered so replies may arrive in any chunking.</summary>
internal sealed class Conversation
{
    // A misbehaving server must not make the probe buffer without bound.
    private const int MaxLineBytes = 64 * 1024;

    private readonly Stream _stream;
    private byte[] _buffer = new byte[4096];
    private int _start;
    private int _end;

    public Conversation(Stream stream)
    {
        _stream = stream;
    }

    public async Task WriteAsync(byte[] data, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(data, cancellationToken);
        await _stream.FlushAsync(cancellationToken);
    }

    public Task WriteAsync(string text, CancellationToken cancellationToken) =>
        WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);

    /// <summary>
    /// Exactly <paramref name="length"/> bytes. A server may send its final answer and hang up
    /// at once, so a closed connection only fails a read the bytes received cannot satisfy.
    /// </summary>
    public async Task<byte[]> ReadAsync(int length, CancellationToken cancellationToken)
    {
        while (_end - _start < length)
        {
            await FillAsync(length, cancellationToken);
        }
        var result = _buffer.AsSpan(_start, length).ToArray();
        _start += length;
        return result;
    }

    /// <summary>The next CRLF-terminated line, without the CRLF.</summary>
    public async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        var scanned = 0;
        while (true)
        {
            var found = _buffer.AsSpan(_start + scanned, _end - _start - scanned).IndexOf("\r\n"u8);
            if (found >= 0)
            {
                var lineLength = scanned + found;
                var line = Encoding.UTF8.GetString(_buffer, _start, lineLength);
                _start += lineLength + 2;
                return line;
            }
            if (_end - _start > MaxLineBytes)
            {
                throw new ProbeException("reply line too long");
            }
            // The CR of a CRLF split across two reads is searched again.
            scanned = Math.Max(0, _end - _start - 1);
            await FillAsync(_end - _start + 1, cancellationToken);
        }
    }

    /// <summary>Reads more bytes so that at least <paramref name="needed"/> can be buffered.</summary>
    private async Task FillAsync(int needed, CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_buffer.Length < needed)
        {
            Array.Resize(ref _buffer, Math.Max(needed, _buffer.Length * 2));
        }
        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        if (read == 0)
        {
            throw new ProbeException("connection closed by the server");
        }
        _end += read;
    }
}
