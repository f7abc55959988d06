<?php

declare(strict_types=1);

namespace App;

use App\Probes\Probe;

/** A backing service the app needs before it can take traffic. */
final class Dependency
{
    /**
     * @param string $name  shown in /readyz and in logs, e.g. "postgres"
     * @param string $env   environment variable holding its connection URL
     * @param Probe  $probe speaks the service's protocol; its schemes() are the URLs it accepts
     */
    public function __construct(
        public readonly string $name,
        public readonly string $env,
        public readonly Probe $probe,
    ) {
    }
}
