using System.Text;

namespace App.Probes;

// Speaks a few RESP commands directly so the app needs no client library; once you add one
// (StackExchange.Redis), replace this with its PING. Works for Redis and Valkey alike.

/// <summary>
/// AUTH (when the URL has a password), then PING, expecting +PONG. Errors such as -NOAUTH,
/// -WRONGPASS or -LOADING (still reading its dataset) mean not ready. rediss:// uses TLS.
/// </summary>
internal static class RedisProbe
{
    public static readonly IReadOnlyList<string> Schemes = new[] { "redis", "rediss" };

    private const int DefaultPort = 6379;

    public static Task ProbeAsync(string url, CancellationToken cancellationToken) =>
        ProbeAsync(url, Wire.DefaultTimeout, cancellationToken);

    public static async Task ProbeAsync(string url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var parsed = Wire.ParseUrl(url);
        var target = Wire.TargetOf(parsed, DefaultPort, tls: parsed.Scheme == "rediss");
        var (username, password) = Wire.CredentialsOf(parsed);

        await Wire.ConverseAsync(target, timeout, async (wire, token) =>
        {
            if (password.Length > 0)
            {
                // redis://:secret@host is password-only AUTH (the "default" user).
                var auth = username.Length == 0 ? new[] { "AUTH", password } : new[] { "AUTH", username, password };
                await CommandAsync(wire, auth, "AUTH", token);
            }
            var reply = await CommandAsync(wire, new[] { "PING" }, "PING", token);
            if (reply != "+PONG")
            {
                throw new ProbeException($"unexpected PING reply \"{reply}\"");
            }
        }, cancellationToken);
    }

    /// <summary>Sends a RESP array of bulk strings and returns the one-line reply.</summary>
    private static async Task<string> CommandAsync(Conversation wire, string[] args, string label, CancellationToken token)
    {
        var request = new StringBuilder().Append('*').Append(args.Length).Append("\r\n");
        foreach (var arg in args)
        {
            request.Append('$').Append(Encoding.UTF8.GetByteCount(arg)).Append("\r\n").Append(arg).Append("\r\n");
        }
        await wire.WriteAsync(request.ToString(), token);
        var reply = await wire.ReadLineAsync(token);
        // The error text never contains the password: servers don't echo it.
        if (reply.StartsWith('-'))
        {
            throw new ProbeException($"{label} rejected: {reply[1..]}");
        }
        return reply;
    }
}
