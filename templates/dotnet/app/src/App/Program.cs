using App;

// Entry point: settings → host → run. Everything here is wiring; the behaviour lives in
// classes the tests use directly (Settings, AppHost, Readiness, the probes).

if (args.Contains(HealthCheckCommand.Switch))
{
    return await HealthCheckCommand.RunAsync(Environment.GetEnvironmentVariable, Service.DefaultPort);
}

Settings settings;
try
{
    settings = Settings.Load(Environment.GetEnvironmentVariable, Service.DefaultPort, Service.Dependencies);
}
catch (ConfigException error)
{
    // LOG_LEVEL itself may be the invalid setting, so this line is logged at a fixed level.
    // Disposing the factory flushes the console logger before the process exits.
    using (var loggerFactory = LoggerFactory.Create(logging => AppHost.ConfigureLogging(logging, LogLevel.Information)))
    {
        loggerFactory.CreateLogger("App").LogError("invalid configuration: {Problems}", string.Join("; ", error.Problems));
    }
    return 1;
}

// SIGTERM (docker stop, Kubernetes) and SIGINT (Ctrl-C) stop the host gracefully: /readyz
// turns 503, Kestrel stops accepting connections, in-flight requests get up to
// SHUTDOWN_TIMEOUT_MS to finish, then the process exits 0.
await using var app = AppHost.Build(settings, Readiness.For(settings.Dependencies), new AppState(), args);
try
{
    await app.RunAsync();
    return 0;
}
catch (Exception error) when (error is IOException or InvalidOperationException or OperationCanceledException)
{
    // Typically the address is in use or not allowed. The host has logged the details;
    // this line makes the exit reason explicit.
    using (var loggerFactory = LoggerFactory.Create(logging => AppHost.ConfigureLogging(logging, LogLevel.Information)))
    {
        loggerFactory.CreateLogger("App").LogCritical(error, "the server could not run");
    }
    return 1;
}
