namespace App;

/// <summary>
/// Checks one backing service at <paramref name="url"/>: completes when it answers, throws
/// an exception with a readable message (never the URL's credentials) when it does not.
/// </summary>
internal delegate Task ReadinessProbe(string url, CancellationToken cancellationToken);

/// <summary>A backing service the app needs before it can take traffic.</summary>
/// <param name="Name">Shown in /readyz and in logs, e.g. "postgres".</param>
/// <param name="Env">Environment variable holding its connection URL, e.g. "DATABASE_URL".</param>
/// <param name="Schemes">URL schemes the probe understands, without "://".</param>
/// <param name="Probe">Speaks the service's wire protocol; see the probes folder.</param>
internal sealed record Dependency(string Name, string Env, IReadOnlyList<string> Schemes, ReadinessProbe Probe);

/// <summary>One named readiness check.</summary>
internal sealed record Check(string Name, Func<CancellationToken, Task> Run);

/// <summary>A check that failed, with its error (for the log only: details can reveal internal hosts).</summary>
internal sealed record CheckFailure(string Name, Exception Error);

/// <summary>The outcome of one run of every check: "ok" or "fail" per check name.</summary>
internal sealed record ReadinessReport(bool Ready, IReadOnlyDictionary<string, string> Checks, IReadOnlyList<CheckFailure> Failures);

/// <summary>
/// Runs every check in parallel. Concurrent callers share one run, so a burst of /readyz
/// requests never turns into a burst of connections to the database.
/// </summary>
internal sealed class Readiness
{
    private readonly IReadOnlyList<Check> _checks;
    private readonly object _gate = new();
    private Task<ReadinessReport>? _inFlight;

    public Readiness(IReadOnlyList<Check> checks)
    {
        _checks = checks;
    }

    /// <summary>The checks of the configured dependencies, each probing its URL.</summary>
    public static Readiness For(IEnumerable<ConfiguredDependency> dependencies) =>
        new(dependencies
            .Select(d => new Check(d.Dependency.Name, token => d.Dependency.Probe(d.Url, token)))
            .ToList());

    public Task<ReadinessReport> CheckAsync()
    {
        lock (_gate)
        {
            if (_inFlight is null || _inFlight.IsCompleted)
            {
                _inFlight = RunAllAsync();
            }
            return _inFlight;
        }
    }

    private async Task<ReadinessReport> RunAllAsync()
    {
        var results = await Task.WhenAll(_checks.Select(check => RunOneAsync(check)));
        var checks = new Dictionary<string, string>();
        var failures = new List<CheckFailure>();
        foreach (var (name, error) in results)
        {
            checks[name] = error is null ? "ok" : "fail";
            if (error is not null)
            {
                failures.Add(new CheckFailure(name, error));
            }
        }
        return new ReadinessReport(failures.Count == 0, checks, failures);
    }

    private static async Task<(string Name, Exception? Error)> RunOneAsync(Check check)
    {
        try
        {
            await check.Run(CancellationToken.None);
            return (check.Name, null);
        }
        catch (Exception error)
        {
            return (check.Name, error);
        }
    }
}
