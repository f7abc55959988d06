using Microsoft.Extensions.Logging;

namespace App.Tests;

public class SettingsTests
{
    private static readonly Dependency Database = new(
        "postgres", "DATABASE_URL", new[] { "postgres", "postgresql" }, (_, _) => Task.CompletedTask);

    private static Settings Load(Dictionary<string, string> environment, params Dependency[] dependencies) =>
        Settings.Load(key => environment.GetValueOrDefault(key), 3000, dependencies);

    private static IReadOnlyList<string> ProblemsOf(Dictionary<string, string> environment, params Dependency[] dependencies) =>
        Assert.Throws<ConfigException>(() => Load(environment, dependencies)).Problems;

    [Fact]
    public void Defaults()
    {
        var settings = Load(new Dictionary<string, string>());

        Assert.Equal("0.0.0.0", settings.Host);
        Assert.Equal(3000, settings.Port);
        Assert.Equal(LogLevel.Information, settings.LogLevel);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.ShutdownTimeout);
        Assert.Empty(settings.Dependencies);
        Assert.Equal("http://0.0.0.0:3000", settings.ListenUrl);
    }

    [Fact]
    public void Reads_every_setting_from_the_environment()
    {
        var settings = Load(
            new Dictionary<string, string>
            {
                ["HOST"] = "::1",
                ["PORT"] = "0",
                ["LOG_LEVEL"] = "DEBUG",
                ["SHUTDOWN_TIMEOUT_MS"] = "500",
                ["DATABASE_URL"] = "postgresql://app:secret@db:5432/app",
            },
            Database);

        Assert.Equal("::1", settings.Host);
        Assert.Equal(0, settings.Port);
        Assert.Equal(LogLevel.Debug, settings.LogLevel);
        Assert.Equal(TimeSpan.FromMilliseconds(500), settings.ShutdownTimeout);
        Assert.Equal("postgresql://app:secret@db:5432/app", Assert.Single(settings.Dependencies).Url);
        Assert.Equal("http://[::1]:0", settings.ListenUrl);
    }

    [Fact]
    public void Empty_values_count_as_unset()
    {
        var settings = Load(new Dictionary<string, string> { ["PORT"] = "", ["LOG_LEVEL"] = " " });

        Assert.Equal(3000, settings.Port);
        Assert.Equal(LogLevel.Information, settings.LogLevel);
    }

    [Fact]
    public void Rejects_malformed_numbers_and_levels_listing_every_problem()
    {
        var problems = ProblemsOf(new Dictionary<string, string>
        {
            ["PORT"] = "80a",
            ["SHUTDOWN_TIMEOUT_MS"] = "1e3",
            ["LOG_LEVEL"] = "verbose",
        });

        Assert.Equal(3, problems.Count);
        Assert.Contains("PORT must be an integer between 0 and 65535, got \"80a\"", problems);
        Assert.Contains(problems, p => p.StartsWith("SHUTDOWN_TIMEOUT_MS", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("LOG_LEVEL must be one of debug, info, warn, error", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("65536")]
    [InlineData("-1")]
    [InlineData("+80")]
    [InlineData(" 80x")]
    public void Rejects_ports_that_are_not_plain_integers_in_range(string port)
    {
        Assert.Contains(ProblemsOf(new Dictionary<string, string> { ["PORT"] = port }), p => p.StartsWith("PORT", StringComparison.Ordinal));
    }

    [Fact]
    public void Requires_the_URL_of_each_dependency()
    {
        Assert.Equal(
            "DATABASE_URL is required (postgres connection URL)",
            Assert.Single(ProblemsOf(new Dictionary<string, string>(), Database)));
    }

    [Fact]
    public void Rejects_a_dependency_URL_with_the_wrong_scheme_without_echoing_it()
    {
        var problem = Assert.Single(ProblemsOf(new Dictionary<string, string> { ["DATABASE_URL"] = "mysql://user:hunter2@db/app" }, Database));

        Assert.Equal("DATABASE_URL must be a URL starting with postgres:// or postgresql://", problem);
        Assert.DoesNotContain("hunter2", problem);
    }

    [Theory]
    [InlineData("0.0.0.0", "127.0.0.1")]
    [InlineData("::", "[::1]")]
    [InlineData("10.0.0.7", "10.0.0.7")]
    [InlineData("fe80::1", "[fe80::1]")]
    public void The_healthcheck_reaches_a_wildcard_address_on_loopback(string host, string expected)
    {
        Assert.Equal(expected, Settings.LoopbackFor(host));
    }
}
