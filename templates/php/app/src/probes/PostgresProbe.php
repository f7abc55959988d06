<?php

declare(strict_types=1);

namespace App\Probes;

/**
 * pg_isready semantics over the PostgreSQL wire protocol, so the app needs no driver: send
 * a StartupMessage and read the first reply. An Authentication request ('R') means the
 * server accepts connections; an ErrorResponse ('E') means it does not (starting up, too
 * many clients...), except for the authentication failures below. The probe hangs up before
 * authenticating, so no password is ever sent. Once you use PDO, replace it with `SELECT 1`.
 */
final class PostgresProbe implements Probe
{
    private const PROTOCOL_3_0 = 196_608; // major 3 << 16 | minor 0

    // Like pg_isready, a server that rejects our credentials is still up and answering: a
    // wrong password is a configuration bug that restarting or unrouting pods will not fix,
    // and the app's own connections report it.
    private const SERVER_UP_SQLSTATES = ['28000', '28P01'];

    public function schemes(): array
    {
        return ['postgres', 'postgresql'];
    }

    public function check(string $url, int $timeoutMs = Wire::DEFAULT_TIMEOUT_MS): void
    {
        [$host, $port] = Wire::endpoint($url, 5432);
        $parts = parse_url($url) ?: [];
        $user = rawurldecode((string) ($parts['user'] ?? ''));
        $user = $user !== '' ? $user : 'postgres';
        $database = rawurldecode(ltrim((string) ($parts['path'] ?? ''), '/'));
        $database = $database !== '' ? $database : $user;

        Wire::converse($host, $port, $timeoutMs, static function (Wire $wire) use ($user, $database): void {
            $wire->write(self::startupMessage(['user' => $user, 'database' => $database, 'application_name' => 'readiness-probe']));

            $header = $wire->read(5);
            $type = $header[0];
            $length = unpack('N', $header, 1)[1];
            if ($type === 'R') {
                return;
            }
            if ($type !== 'E' || $length < 4 || $length > 64 * 1024) {
                throw new \RuntimeException(sprintf('unexpected reply %s: not a PostgreSQL server?', json_encode($type)));
            }
            $fields = self::errorFields($wire->read($length - 4));
            $code = $fields['C'] ?? 'unknown SQLSTATE';
            if (in_array($code, self::SERVER_UP_SQLSTATES, true)) {
                return;
            }
            throw new \RuntimeException(rtrim(sprintf('not ready: %s %s', $code, $fields['M'] ?? '')));
        });
    }

    /** @param array<string, string> $parameters */
    private static function startupMessage(array $parameters): string
    {
        // Each key and value is NUL-terminated, and one more NUL ends the list.
        $body = '';
        foreach ($parameters as $key => $value) {
            $body .= $key . "\0" . $value . "\0";
        }
        $body .= "\0";
        return pack('NN', 8 + strlen($body), self::PROTOCOL_3_0) . $body;
    }

    /**
     * ErrorResponse body: repeated (1-byte field code, NUL-terminated string), then NUL.
     *
     * @return array<string, string>
     */
    private static function errorFields(string $body): array
    {
        $fields = [];
        $offset = 0;
        while ($offset < strlen($body) && $body[$offset] !== "\0") {
            $end = strpos($body, "\0", $offset + 1);
            if ($end === false) {
                break;
            }
            $fields[$body[$offset]] = substr($body, $offset + 1, $end - $offset - 1);
            $offset = $end + 1;
        }
        return $fields;
    }
}
