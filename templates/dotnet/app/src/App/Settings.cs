using System.Globalization;

namespace App;

/// <summary>
/// Every setting the app reads. All of them come from the environment (12-factor): PORT, HOST,
/// LOG_LEVEL, SHUTDOWN_TIMEOUT_MS and one connection URL per backing service.
/// </summary>
internal sealed record Settings(
    string Host,
    int Port,
    LogLevel LogLevel,
    TimeSpan ShutdownTimeout,
    IReadOnlyList<ConfiguredDependency> Dependencies)
{
    public const string DefaultHost = "0.0.0.0";

    public const int DefaultShutdownTimeoutMs = 10_000;

    private static readonly string[] LogLevels = { "debug", "info", "warn", "error" };

    /// <summary>The address Kestrel binds, e.g. <c>http://0.0.0.0:8080</c>.</summary>
    public string ListenUrl => $"http://{UrlHost(Host)}:{Port}";

    /// <summary>
    /// Reads and checks every setting. Lists all problems at once, so a bad deploy is fixed in
    /// one round trip; connection URLs may carry credentials, so they are never echoed back.
    /// </summary>
    /// <exception cref="ConfigException">Some setting is missing or malformed.</exception>
    public static Settings Load(Func<string, string?> environment, int defaultPort, IReadOnlyList<Dependency> dependencies)
    {
        var problems = new List<string>();

        // Compose and Helm often render unset values as empty strings: treat them as unset.
        string? Read(string key)
        {
            var value = environment(key)?.Trim();
            return string.IsNullOrEmpty(value) ? null : value;
        }

        var port = ParseInteger(Read("PORT"), defaultPort, 0, 65_535, "PORT", problems);
        var shutdownTimeoutMs = ParseInteger(
            Read("SHUTDOWN_TIMEOUT_MS"), DefaultShutdownTimeoutMs, 0, int.MaxValue, "SHUTDOWN_TIMEOUT_MS", problems);

        var rawLevel = (Read("LOG_LEVEL") ?? "info").ToLowerInvariant();
        LogLevel? logLevel = rawLevel switch
        {
            "debug" => LogLevel.Debug,
            "info" => LogLevel.Information,
            "warn" => LogLevel.Warning,
            "error" => LogLevel.Error,
            _ => null,
        };
        if (logLevel is null)
        {
            problems.Add($"LOG_LEVEL must be one of {string.Join(", ", LogLevels)}, got \"{rawLevel}\"");
        }

        var configured = new List<ConfiguredDependency>();
        foreach (var dependency in dependencies)
        {
            var url = Read(dependency.Env);
            if (url is null)
            {
                problems.Add($"{dependency.Env} is required ({dependency.Name} connection URL)");
                continue;
            }
            // Only the scheme is checked here; the probe reports anything else at /readyz.
            var scheme = SchemeOf(url);
            if (scheme is null || !dependency.Schemes.Contains(scheme))
            {
                var expected = string.Join(" or ", dependency.Schemes.Select(s => s + "://"));
                problems.Add($"{dependency.Env} must be a URL starting with {expected}");
                continue;
            }
            configured.Add(new ConfiguredDependency(dependency, url));
        }

        if (problems.Count > 0 || logLevel is null)
        {
            throw new ConfigException(problems);
        }
        return new Settings(
            Read("HOST") ?? DefaultHost,
            port,
            logLevel.Value,
            TimeSpan.FromMilliseconds(shutdownTimeoutMs),
            configured);
    }

    /// <summary>Where a local client reaches a server bound to <paramref name="host"/>.</summary>
    public static string LoopbackFor(string host) => host switch
    {
        "0.0.0.0" or "*" or "+" => "127.0.0.1",
        "::" or "[::]" => "[::1]",
        _ => UrlHost(host),
    };

    /// <summary>IPv6 literals go in brackets inside a URL.</summary>
    private static string UrlHost(string host) =>
        host.Contains(':') && !host.StartsWith('[') ? $"[{host}]" : host;

    private static int ParseInteger(string? raw, int fallback, int min, int max, string key, List<string> problems)
    {
        if (raw is null)
        {
            return fallback;
        }
        // NumberStyles.None accepts digits only: "+12", " 12", "1e3" and "0x10" are typos that
        // should fail loudly rather than be read as a number.
        if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }
        problems.Add($"{key} must be an integer between {min} and {max}, got \"{raw}\"");
        return fallback;
    }

    /// <summary>The lower-case scheme of <c>scheme://...</c>, or null when there is none.</summary>
    private static string? SchemeOf(string url)
    {
        var end = url.IndexOf("://", StringComparison.Ordinal);
        if (end <= 0 || !char.IsAsciiLetter(url[0]))
        {
            return null;
        }
        for (var i = 1; i < end; i++)
        {
            var c = url[i];
            if (!char.IsAsciiLetterOrDigit(c) && c != '+' && c != '-' && c != '.')
            {
                return null;
            }
        }
        return url[..end].ToLowerInvariant();
    }
}

/// <summary>A backing service together with the URL it was configured with.</summary>
internal sealed record ConfiguredDependency(Dependency Dependency, string Url);

/// <summary>The configuration is unusable; <see cref="Problems"/> lists every reason.</summary>
internal sealed class ConfigException : Exception
{
    public ConfigException(IReadOnlyList<string> problems)
        : base("invalid configuration: " + string.Join("; ", problems))
    {
        Problems = problems;
    }

    public IReadOnlyList<string> Problems { get; }
}
