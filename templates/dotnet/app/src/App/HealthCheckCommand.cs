using System.Globalization;

namespace App;

/// <summary>
/// <c>dotnet App.dll --healthcheck</c>, the image's HEALTHCHECK. The chiseled runtime image has
/// no shell and no curl, so the app checks itself: GET /healthz on the local port, exit code 0
/// when it answers 2xx, 1 otherwise.
/// </summary>
internal static class HealthCheckCommand
{
    public const string Switch = "--healthcheck";

    public static async Task<int> RunAsync(Func<string, string?> environment, int defaultPort, TimeSpan? timeout = null)
    {
        var rawPort = environment("PORT")?.Trim();
        var port = int.TryParse(rawPort, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : defaultPort;
        var rawHost = environment("HOST")?.Trim();
        var host = Settings.LoopbackFor(string.IsNullOrEmpty(rawHost) ? Settings.DefaultHost : rawHost);

        // A proxy configured through HTTP_PROXY must not intercept a loopback request.
        using var handler = new SocketsHttpHandler { UseProxy = false };
        using var client = new HttpClient(handler) { Timeout = timeout ?? TimeSpan.FromSeconds(2) };
        try
        {
            using var response = await client.GetAsync(new Uri($"http://{host}:{port}/healthz"));
            if (response.IsSuccessStatusCode)
            {
                return 0;
            }
            await Console.Error.WriteLineAsync($"healthcheck: /healthz answered {(int)response.StatusCode}");
            return 1;
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"healthcheck: {error.Message}");
            return 1;
        }
    }
}
