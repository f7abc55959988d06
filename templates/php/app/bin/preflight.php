<?php

declare(strict_types=1);

// Runs before FrankenPHP starts (see the Dockerfile's CMD): refuses an invalid or missing
// setting with one JSON error line and exit code 1, so a bad deploy fails at once instead
// of answering every request with a 500.

use App\Config;
use App\ConfigError;
use App\Logger;
use App\Service;

require dirname(__DIR__) . '/vendor/autoload.php';

try {
    $config = Config::load(getenv(...), Service::DEFAULT_PORT, Service::dependencies());
} catch (ConfigError $error) {
    // LOG_LEVEL itself may be the invalid setting, so log at a fixed level.
    (new Logger('info'))->error('invalid configuration', ['problems' => $error->problems]);
    exit(1);
}

(new Logger($config->logLevel))->info('starting', [
    'service' => Service::NAME,
    'host' => $config->host,
    'port' => $config->port,
    'dependencies' => array_map(static fn (array $d): string => $d['dependency']->name, $config->dependencies),
    'php' => PHP_VERSION,
]);
