using App.Probes;

namespace App;

/// <summary>
/// What was chosen when this project was generated: the default port and the backing services
/// that must answer before the app reports ready. To add a dependency, add a probe under
/// probes/ and an entry here.
/// </summary>
internal static class Service
{
    public const string Name = "orders-api";

    public const int DefaultPort = 8080;

    public static readonly IReadOnlyList<Dependency> Dependencies = new Dependency[]
    {
        // PostgreSQL: the connection URL comes from 'DATABASE_URL'.
        new("postgres", "DATABASE_URL", PostgresProbe.Schemes, PostgresProbe.ProbeAsync),
        // Redis: the connection URL comes from 'CACHE_URL'.
        new("redis", "CACHE_URL", RedisProbe.Schemes, RedisProbe.ProbeAsync),
    };
}
