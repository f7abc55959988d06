<?php

declare(strict_types=1);

namespace Tests;

use App\App;
use App\Logger;
use App\Readiness;

final class AppTest extends TestCase
{
    /** @var list<array<string, mixed>> */
    private array $logs = [];

    public function testGetHealthzIs200Ok(): void
    {
        $response = $this->app()->handle('GET', '/healthz');
        self::assertSame(200, $response->status);
        self::assertSame('{"status":"ok"}', $response->body);
        self::assertSame('application/json; charset=utf-8', $response->headers['Content-Type']);
        self::assertSame('no-store', $response->headers['Cache-Control']);
        self::assertSame('15', $response->headers['Content-Length']);
    }

    public function testHealthzIgnoresTheQueryStringAndAnswersHead(): void
    {
        self::assertSame(200, $this->app()->handle('GET', '/healthz?verbose=1')->status);
        self::assertSame(200, $this->app()->handle('HEAD', '/healthz')->status);
    }

    public function testGetReadyzIs200WhenEveryCheckPasses(): void
    {
        $response = $this->app(['postgres' => static function (): void {
        }])->handle('GET', '/readyz');
        self::assertSame(200, $response->status);
        self::assertSame(['status' => 'ready', 'checks' => ['postgres' => 'ok']], json_decode($response->body, true));
    }

    public function testReadyzWithoutDependenciesIsReadyWithAnEmptyObject(): void
    {
        self::assertSame('{"status":"ready","checks":{}}', $this->app()->handle('GET', '/readyz')->body);
    }

    public function testGetReadyzIs503NamingTheFailingCheckWithDetailsOnlyInTheLog(): void
    {
        $response = $this->app([
            'postgres' => static fn () => null,
            'redis' => static function (): void {
                throw new \RuntimeException('redis.internal:6379: connection refused');
            },
        ])->handle('GET', '/readyz');
        self::assertSame(503, $response->status);
        self::assertSame(['status' => 'not ready', 'checks' => ['postgres' => 'ok', 'redis' => 'fail']], json_decode($response->body, true));
        self::assertStringNotContainsString('internal', $response->body);
        self::assertSame('readiness check failed', $this->logs[0]['msg']);
        self::assertSame('warn', $this->logs[0]['level']);
        self::assertSame('redis.internal:6379: connection refused', $this->logs[0]['error']);
    }

    public function testGetReadyzIs503WhileTheServerShutsDown(): void
    {
        $checked = false;
        $app = $this->app(['postgres' => static function () use (&$checked): void {
            $checked = true;
        }]);
        $response = $app->handle('GET', '/readyz', ['x-server-shutting-down' => 'true']);
        self::assertSame(503, $response->status);
        self::assertSame('{"status":"shutting down","checks":{}}', $response->body);
        self::assertFalse($checked, 'no dependency is probed while shutting down');
        // FrankenPHP sends "false" on every request until SIGTERM.
        self::assertSame(200, $app->handle('GET', '/readyz', ['X-Server-Shutting-Down' => 'false'])->status);
    }

    public function testUnknownPathsAre404Json(): void
    {
        $response = $this->app()->handle('GET', '/nope');
        self::assertSame(404, $response->status);
        self::assertSame('{"error":"not found"}', $response->body);
    }

    public function testAWrongMethodIs405WithAnAllowHeader(): void
    {
        $response = $this->app()->handle('POST', '/healthz');
        self::assertSame(405, $response->status);
        self::assertSame('GET, HEAD', $response->headers['Allow']);
    }

    public function testAFailingHandlerIs500AndLogged(): void
    {
        $response = $this->app(['postgres' => static fn () => null], fail: true)->handle('GET', '/readyz');
        self::assertSame(500, $response->status);
        self::assertSame('{"error":"internal error"}', $response->body);
        self::assertSame('request failed', $this->logs[0]['msg']);
        self::assertSame('LogicException', $this->logs[0]['error']['name']);
    }

    public function testAccessLogPutsProbesAtDebugOtherRequestsAtInfoWithoutTheQueryString(): void
    {
        $app = $this->app();
        $app->logRequest('GET', '/healthz', 200, 0.5);
        $app->logRequest('GET', '/orders?token=secret', 404, 1.234, true);
        self::assertSame('debug', $this->logs[0]['level']);
        self::assertSame(
            ['level' => 'info', 'msg' => 'request', 'method' => 'GET', 'path' => '/orders', 'status' => 404, 'durationMs' => 1.23, 'aborted' => true],
            array_slice($this->logs[1], 1),
        );
    }

    /** @param array<string, callable(): void> $checks */
    private function app(array $checks = [], bool $fail = false): App
    {
        $logger = new Logger('debug', function (string $line): void {
            $this->logs[] = json_decode($line, true);
        });
        return new App($logger, static function () use ($checks, $fail): Readiness {
            if ($fail) {
                throw new \LogicException('bug');
            }
            return new Readiness($checks);
        });
    }
}
