<?php

declare(strict_types=1);

namespace Tests;

use App\Logger;

final class LoggerTest extends TestCase
{
    /** @var list<string> */
    private array $lines = [];

    public function testWritesOneJsonObjectPerLineWithTimeLevelMsgAndFields(): void
    {
        $this->logger('info')->info('listening', ['port' => 8080, 'path' => '/a/b']);
        self::assertSame(1, count($this->lines));
        self::assertTrue(str_ends_with($this->lines[0], "\n"), 'newline-terminated');
        self::assertSame(1, substr_count($this->lines[0], "\n"), 'a single line');
        $entry = json_decode($this->lines[0], true);
        self::assertMatchesRegularExpression('/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/', $entry['time']);
        self::assertSame(['level' => 'info', 'msg' => 'listening', 'port' => 8080, 'path' => '/a/b'], array_slice($entry, 1));
    }

    public function testDropsLinesBelowTheConfiguredLevel(): void
    {
        $logger = $this->logger('warn');
        $logger->debug('d');
        $logger->info('i');
        $logger->warn('w');
        $logger->error('e');
        self::assertSame(['warn', 'error'], array_map(static fn (string $l) => json_decode($l, true)['level'], $this->lines));
    }

    public function testFieldsCannotOverwriteTimeLevelOrMsg(): void
    {
        $this->logger('debug')->info('real', ['msg' => 'fake', 'level' => 'error', 'time' => 'then', 'extra' => true]);
        $entry = json_decode($this->lines[0], true);
        self::assertSame('real', $entry['msg']);
        self::assertSame('info', $entry['level']);
        self::assertTrue($entry['extra']);
        self::assertFalse($entry['time'] === 'then');
    }

    public function testSerializesExceptionsAndSurvivesInvalidUtf8(): void
    {
        $logger = $this->logger('debug');
        $logger->error('failed', ['error' => new \RuntimeException('boom', 7, new \LogicException('cause'))]);
        $logger->info("bad \xff byte", ['value' => "\xfe"]);
        $error = json_decode($this->lines[0], true)['error'];
        self::assertSame('RuntimeException', $error['name']);
        self::assertSame('boom', $error['message']);
        self::assertSame(7, $error['code']);
        self::assertSame('cause', $error['cause']['message']);
        self::assertTrue(is_array(json_decode($this->lines[1], true)), 'still valid JSON');
    }

    private function logger(string $level): Logger
    {
        return new Logger($level, function (string $line): void {
            $this->lines[] = $line;
        });
    }
}
