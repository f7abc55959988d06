using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace App;

/// <summary>Flipped when the host begins to stop; read by /readyz on every request.</summary>
internal sealed class AppState
{
    private volatile bool _shuttingDown;

    public bool ShuttingDown
    {
        get => _shuttingDown;
        set => _shuttingDown = value;
    }
}

/// <summary>
/// Builds the web application: JSON logs, the bind address, graceful shutdown and the routes.
/// Separate from Program.cs so tests can start the real app on a random port.
/// </summary>
internal static class AppHost
{
    // Kubernetes probes hit these every few seconds: their access log lines go to debug so
    // they don't drown the real traffic.
    private static readonly HashSet<string> ProbePaths = new(StringComparer.Ordinal) { "/healthz", "/readyz" };

    private static readonly string[] GetOrHead = { HttpMethods.Get, HttpMethods.Head };

    /// <summary>
    /// One JSON object per line on stdout: log collectors (Docker, Kubernetes, Loki...) parse it
    /// without any configuration.
    /// </summary>
    public static void ConfigureLogging(ILoggingBuilder logging, LogLevel level)
    {
        logging.ClearProviders();
        logging.AddJsonConsole(options =>
        {
            options.IncludeScopes = false;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
        });
        logging.SetMinimumLevel(level);
        // ASP.NET Core's own request lines stay quiet: the access log below writes one line per
        // request. Its warnings and errors still come through.
        logging.AddFilter("Microsoft.AspNetCore", level > LogLevel.Warning ? level : LogLevel.Warning);
    }

    public static WebApplication Build(Settings settings, Readiness readiness, AppState state, string[]? args = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args ?? Array.Empty<string>() });

        ConfigureLogging(builder.Logging, settings.LogLevel);

        // On SIGTERM the host stops accepting connections and waits this long for in-flight
        // requests. Keep it below the orchestrator's grace period (Kubernetes: 30 s).
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = settings.ShutdownTimeout);

        // HOST and PORT decide the address. The .NET images also set ASPNETCORE_HTTP_PORTS, which
        // would otherwise be reported as "overridden" with a warning at every start.
        builder.WebHost.UseSetting("http_ports", string.Empty);
        builder.WebHost.UseSetting("https_ports", string.Empty);
        builder.WebHost.UseUrls(settings.ListenUrl);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

        var app = builder.Build();
        var logger = app.Logger;

        app.Lifetime.ApplicationStarted.Register(() => logger.LogInformation(
            "listening on {Urls} as {Service}, dependencies: {Dependencies}",
            string.Join(", ", app.Urls),
            Service.Name,
            string.Join(", ", settings.Dependencies.Select(d => d.Dependency.Name))));
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            // Fail readiness first so the load balancer drains this instance while in-flight
            // requests finish.
            state.ShuttingDown = true;
            logger.LogInformation("shutting down, waiting up to {TimeoutMs} ms for in-flight requests", (long)settings.ShutdownTimeout.TotalMilliseconds);
        });
        app.Lifetime.ApplicationStopped.Register(() => logger.LogInformation("shutdown complete"));

        app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            var headers = context.Response.Headers;
            headers["Cache-Control"] = "no-store";
            headers["X-Content-Type-Options"] = "nosniff";
            // Once shutdown has begun, close keep-alive connections after each response.
            if (state.ShuttingDown)
            {
                headers["Connection"] = "close";
            }
            try
            {
                await next(context);
            }
            catch (Exception error) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                logger.LogError(error, "request failed: {Method} {Path}", context.Request.Method, context.Request.Path.Value);
                context.Response.Clear();
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                await WriteJsonAsync(context.Response, new { error = "internal error" });
            }
            finally
            {
                // The query string is left out on purpose: it often carries tokens.
                var path = context.Request.Path.Value ?? "/";
                var durationMs = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 2);
                logger.Log(
                    ProbePaths.Contains(path) ? LogLevel.Debug : LogLevel.Information,
                    "request {Method} {Path} {Status} {DurationMs}",
                    context.Request.Method,
                    path,
                    context.Response.StatusCode,
                    durationMs);
            }
        });

        // Unknown paths (404) and wrong methods (405, with an Allow header from routing) answer
        // in JSON like every other route.
        app.UseStatusCodePages(async (StatusCodeContext status) =>
        {
            var response = status.HttpContext.Response;
            var error = response.StatusCode switch
            {
                StatusCodes.Status404NotFound => "not found",
                StatusCodes.Status405MethodNotAllowed => "method not allowed",
                _ => null,
            };
            if (error is not null)
            {
                await WriteJsonAsync(response, new { error });
            }
        });

        // Liveness: never looks at dependencies, or a database outage would make the
        // orchestrator restart every healthy instance.
        app.MapMethods("/healthz", GetOrHead, () => Results.Json(new { status = "ok" }));

        // Readiness: every configured dependency must answer. Only check names and ok/fail go
        // out: error details can reveal internal hostnames, so they stay in the log.
        app.MapMethods("/readyz", GetOrHead, async () =>
        {
            if (state.ShuttingDown)
            {
                return Results.Json(
                    new { status = "shutting down", checks = new Dictionary<string, string>() },
                    statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            var report = await readiness.CheckAsync();
            foreach (var failure in report.Failures)
            {
                logger.LogWarning("readiness check failed: {Check}: {Error}", failure.Name, failure.Error.Message);
            }
            return Results.Json(
                new { status = report.Ready ? "ready" : "not ready", checks = report.Checks },
                statusCode: report.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });

        // Add your routes here.

        return app;
    }

    private static async Task WriteJsonAsync<T>(HttpResponse response, T body)
    {
        response.ContentType = "application/json; charset=utf-8";
        await response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
