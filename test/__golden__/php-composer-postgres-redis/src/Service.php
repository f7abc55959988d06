<?php

declare(strict_types=1);

namespace App;

use App\Probes;

/**
 * What was chosen when this project was generated: the default port and the backing
 * services that must answer before the app reports ready. To add a dependency, add a probe
 * under src/probes/ and an entry here.
 */
final class Service
{
    public const NAME = 'orders-api';

    public const DEFAULT_PORT = 8080;

    /** @return list<Dependency> */
    public static function dependencies(): array
    {
        return [
            new Dependency('postgres', 'DATABASE_URL', new Probes\PostgresProbe()),
            new Dependency('redis', 'CACHE_URL', new Probes\RedisProbe()),
        ];
    }
}
