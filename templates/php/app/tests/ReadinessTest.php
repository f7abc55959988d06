<?php

declare(strict_types=1);

namespace Tests;

use App\Readiness;

final class ReadinessTest extends TestCase
{
    public function testNoChecksMeansReady(): void
    {
        self::assertSame(['ready' => true, 'checks' => [], 'failures' => []], (new Readiness([]))->run());
    }

    public function testEveryCheckRunsAndAFailureIsReportedWithItsError(): void
    {
        $ran = [];
        $report = (new Readiness([
            'postgres' => static function () use (&$ran): void {
                $ran[] = 'postgres';
                throw new \RuntimeException('db:5432: connection refused');
            },
            'redis' => static function () use (&$ran): void {
                $ran[] = 'redis';
            },
        ]))->run();
        self::assertSame(['postgres', 'redis'], $ran);
        self::assertFalse($report['ready']);
        self::assertSame(['postgres' => 'fail', 'redis' => 'ok'], $report['checks']);
        self::assertSame('db:5432: connection refused', $report['failures']['postgres']->getMessage());
    }
}
