<?php

declare(strict_types=1);

// Front controller: FrankenPHP (and `php -S` in local runs) sends every request here.
// Everything is wiring; the behaviour lives in src/, which the tests call directly.

use App\App;
use App\Config;
use App\ConfigError;
use App\Logger;
use App\Readiness;
use App\Service;

$started = hrtime(true);

require dirname(__DIR__) . '/vendor/autoload.php';

// A warning is a bug: turn it into an exception that gets logged and answered with a 500,
// instead of a half-written response.
set_error_handler(static function (int $severity, string $message, string $file, int $line): bool {
    if ((error_reporting() & $severity) === 0) {
        return false;
    }
    throw new ErrorException($message, 0, $severity, $file, $line);
});

$method = $_SERVER['REQUEST_METHOD'] ?? 'GET';
$uri = $_SERVER['REQUEST_URI'] ?? '/';
$headers = [];
foreach ($_SERVER as $key => $value) {
    if (is_string($value) && str_starts_with($key, 'HTTP_')) {
        $headers[str_replace('_', '-', substr($key, 5))] = $value;
    }
}

try {
    // bin/preflight.php has validated the same settings before the server started.
    $config = Config::load(getenv(...), Service::DEFAULT_PORT, Service::dependencies());
    $logger = new Logger($config->logLevel);
    $app = new App($logger, static fn (): Readiness => Readiness::forConfig($config));
    $response = $app->handle($method, $uri, $headers);
} catch (ConfigError $error) {
    $logger = new Logger('info');
    $logger->error('invalid configuration', ['problems' => $error->problems]);
    $app = new App($logger, static fn (): Readiness => new Readiness([]));
    $response = App\Response::json(500, ['error' => 'internal error']);
}

$response->send($method !== 'HEAD');
$app->logRequest($method, $uri, $response->status, (hrtime(true) - $started) / 1e6, connection_aborted() === 1);
