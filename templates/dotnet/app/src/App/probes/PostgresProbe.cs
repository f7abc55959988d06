using System.Buffers.Binary;
using System.Text;

namespace App.Probes;

// Speaks just enough of the PostgreSQL wire protocol to need no driver; once you add one
// (Npgsql), replace this with a `SELECT 1` on its data source.

/// <summary>
/// pg_isready semantics: send a StartupMessage and read the first reply. An authentication
/// request ('R') means the server accepts connections; an ErrorResponse ('E') means it does not
/// (starting up, too many clients...), except for the authentication failures below. The probe
/// hangs up before authenticating, so no password is ever sent.
/// </summary>
internal static class PostgresProbe
{
    public static readonly IReadOnlyList<string> Schemes = new[] { "postgres", "postgresql" };

    private const int DefaultPort = 5432;

    // Protocol 3.0: major 3 << 16 | minor 0.
    private const int Protocol30 = 196_608;

    // Like pg_isready, a server that rejects the credentials is still up and answering: a wrong
    // password is a configuration bug that restarting or unrouting instances will not fix, and
    // the app's own connections report it.
    private static readonly HashSet<string> ServerUpSqlStates = new(StringComparer.Ordinal) { "28000", "28P01" };

    public static Task ProbeAsync(string url, CancellationToken cancellationToken) =>
        ProbeAsync(url, Wire.DefaultTimeout, cancellationToken);

    public static async Task ProbeAsync(string url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var parsed = Wire.ParseUrl(url);
        var target = Wire.TargetOf(parsed, DefaultPort);
        var (user, _) = Wire.CredentialsOf(parsed);
        if (user.Length == 0)
        {
            user = "postgres";
        }
        var database = Wire.PathOf(parsed);
        if (database.Length == 0)
        {
            database = user;
        }

        await Wire.ConverseAsync(target, timeout, async (wire, token) =>
        {
            await wire.WriteAsync(StartupMessage(("user", user), ("database", database), ("application_name", "readiness-probe")), token);

            var header = await wire.ReadAsync(5, token);
            var type = (char)header[0];
            var length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1));
            if (type == 'R')
            {
                return;
            }
            if (type != 'E' || length < 4 || length > 64 * 1024)
            {
                throw new ProbeException($"unexpected reply '{type}': not a PostgreSQL server?");
            }
            var fields = ErrorFields(await wire.ReadAsync(length - 4, token));
            var code = fields.GetValueOrDefault('C') ?? "unknown SQLSTATE";
            if (ServerUpSqlStates.Contains(code))
            {
                return;
            }
            throw new ProbeException($"not ready: {code} {fields.GetValueOrDefault('M')}".TrimEnd());
        }, cancellationToken);
    }

    private static byte[] StartupMessage(params (string Key, string Value)[] parameters)
    {
        // Each key and value is NUL-terminated, and one more NUL ends the list.
        var body = new StringBuilder();
        foreach (var (key, value) in parameters)
        {
            body.Append(key).Append('\0').Append(value).Append('\0');
        }
        body.Append('\0');
        var payload = Encoding.UTF8.GetBytes(body.ToString());

        var message = new byte[8 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(message, message.Length);
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(4), Protocol30);
        payload.CopyTo(message, 8);
        return message;
    }

    /// <summary>ErrorResponse body: repeated (1-byte field code, NUL-terminated string), then NUL.</summary>
    private static Dictionary<char, string> ErrorFields(byte[] body)
    {
        var fields = new Dictionary<char, string>();
        var offset = 0;
        while (offset < body.Length && body[offset] != 0)
        {
            var code = (char)body[offset];
            var end = Array.IndexOf(body, (byte)0, offset + 1);
            if (end < 0)
            {
                break;
            }
            fields[code] = Encoding.UTF8.GetString(body, offset + 1, end - offset - 1);
            offset = end + 1;
        }
        return fields;
    }
}
