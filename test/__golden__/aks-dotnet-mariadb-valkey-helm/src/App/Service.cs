using App.Probes;

namespace App;

/// <summary>
/// What was chosen when this project was generated: the default port and the backing services
/// that must answer before the app reports ready. To add a dependency, add a probe under
/// probes/ and an entry here.
/// </summary>
internal static class Service
{
    public const string Name = "ledger";

    public const int DefaultPort = 8080;

    public static readonly IReadOnlyList<Dependency> Dependencies = new Dependency[]
    {
        // MariaDB: the connection URL comes from 'DATABASE_URL'.
        new("mariadb", "DATABASE_URL", MySqlProbe.Schemes, MySqlProbe.ProbeAsync),
        // Valkey: the connection URL comes from 'CACHE_URL'.
        new("valkey", "CACHE_URL", RedisProbe.Schemes, RedisProbe.ProbeAsync),
    };
}
