<?php

declare(strict_types=1);

namespace App;

/**
 * Routes one request to its handler and logs it. Separate from public/index.php so tests
 * can call it directly, without a server.
 */
final class App
{
    /**
     * Request header FrankenPHP sets (see the Caddyfile in the Dockerfile) to "true" once
     * SIGTERM arrived: /readyz fails first, so the load balancer drains this container.
     */
    public const SHUTTING_DOWN_HEADER = 'X-Server-Shutting-Down';

    // Kubernetes probes hit these every few seconds: their access log lines go to debug so
    // they don't drown the real traffic.
    private const PROBE_PATHS = ['/healthz', '/readyz'];

    /** @var \Closure(): Readiness */
    private readonly \Closure $readiness;

    /** @param callable(): Readiness $readiness builds the checks (only /readyz needs them) */
    public function __construct(
        private readonly Logger $logger,
        callable $readiness,
    ) {
        $this->readiness = \Closure::fromCallable($readiness);
    }

    /**
     * @param array<string, string> $headers request headers, names in any case
     */
    public function handle(string $method, string $uri, array $headers = []): Response
    {
        $path = parse_url('http://localhost' . $uri, PHP_URL_PATH);
        $path = is_string($path) ? $path : '/';
        $routes = [
            // Liveness: never look at dependencies, or a database outage would make
            // Kubernetes restart every healthy pod.
            '/healthz' => [['GET', 'HEAD'], fn (): Response => Response::json(200, ['status' => 'ok'])],
            '/readyz' => [['GET', 'HEAD'], fn (): Response => $this->ready($headers)],
            // Add your routes here.
        ];

        $route = $routes[$path] ?? null;
        if ($route === null) {
            return Response::json(404, ['error' => 'not found']);
        }
        [$methods, $handler] = $route;
        if (!in_array($method, $methods, true)) {
            return Response::json(405, ['error' => 'method not allowed'], ['Allow' => implode(', ', $methods)]);
        }
        try {
            return $handler();
        } catch (\Throwable $error) {
            $this->logger->error('request failed', ['method' => $method, 'path' => $path, 'error' => $error]);
            return Response::json(500, ['error' => 'internal error']);
        }
    }

    /** One access log line per request; the query string is left out on purpose (tokens). */
    public function logRequest(string $method, string $uri, int $status, float $durationMs, bool $aborted = false): void
    {
        $path = parse_url('http://localhost' . $uri, PHP_URL_PATH);
        $path = is_string($path) ? $path : '/';
        $fields = ['method' => $method, 'path' => $path, 'status' => $status, 'durationMs' => round($durationMs, 2)];
        if ($aborted) {
            $fields['aborted'] = true;
        }
        if (in_array($path, self::PROBE_PATHS, true)) {
            $this->logger->debug('request', $fields);
        } else {
            $this->logger->info('request', $fields);
        }
    }

    /** @param array<string, string> $headers */
    private function ready(array $headers): Response
    {
        $headers = array_change_key_case($headers, CASE_LOWER);
        if (($headers[strtolower(self::SHUTTING_DOWN_HEADER)] ?? '') === 'true') {
            return Response::json(503, ['status' => 'shutting down', 'checks' => new \stdClass()]);
        }
        $report = ($this->readiness)()->run();
        foreach ($report['failures'] as $name => $error) {
            $this->logger->warn('readiness check failed', ['check' => $name, 'error' => $error->getMessage()]);
        }
        // Only check names and ok/fail go out: error details can reveal internal host
        // names, so they stay in the log line above.
        return Response::json($report['ready'] ? 200 : 503, [
            'status' => $report['ready'] ? 'ready' : 'not ready',
            'checks' => $report['checks'] === [] ? new \stdClass() : $report['checks'],
        ]);
    }
}
