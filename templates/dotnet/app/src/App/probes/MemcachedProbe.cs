namespace App.Probes;

// Uses the text protocol's `version` command so the app needs no client library; once you
// add one, replace this with its version or stats call.

/// <summary><c>version</c> → <c>VERSION x.y.z</c> means ready; anything else (ERROR...) does not.</summary>
internal static class MemcachedProbe
{
    public static readonly IReadOnlyList<string> Schemes = new[] { "memcached" };

    private const int DefaultPort = 11211;

    public static Task ProbeAsync(string url, CancellationToken cancellationToken) =>
        ProbeAsync(url, Wire.DefaultTimeout, cancellationToken);

    public static async Task ProbeAsync(string url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var target = Wire.TargetOf(Wire.ParseUrl(url), DefaultPort);

        await Wire.ConverseAsync(target, timeout, async (wire, token) =>
        {
            await wire.WriteAsync("version\r\n", token);
            var reply = await wire.ReadLineAsync(token);
            if (!reply.StartsWith("VERSION ", StringComparison.Ordinal))
            {
                throw new ProbeException($"unexpected reply \"{reply}\"");
            }
        }, cancellationToken);
    }
}
