<?php

declare(strict_types=1);

namespace Tests;

/**
 * The assertions the tests use, named as in PHPUnit so a move to PHPUnit is a change of
 * base class (`PHPUnit\Framework\TestCase`) and of runner, not of tests.
 */
abstract class TestCase
{
    protected function setUp(): void
    {
    }

    protected function tearDown(): void
    {
    }

    /** Runs one test method with its set-up and tear-down; used by tests/run.php. */
    final public function runTest(string $method): void
    {
        $this->setUp();
        try {
            $this->{$method}();
        } finally {
            $this->tearDown();
        }
    }

    protected static function assertSame(mixed $expected, mixed $actual, string $message = ''): void
    {
        if ($expected !== $actual) {
            self::fail(sprintf('expected %s, got %s', self::export($expected), self::export($actual)), $message);
        }
    }

    protected static function assertTrue(bool $condition, string $message = ''): void
    {
        if (!$condition) {
            self::fail('expected true, got false', $message);
        }
    }

    protected static function assertFalse(bool $condition, string $message = ''): void
    {
        if ($condition) {
            self::fail('expected false, got true', $message);
        }
    }

    protected static function assertStringContainsString(string $needle, string $haystack, string $message = ''): void
    {
        if (!str_contains($haystack, $needle)) {
            self::fail(sprintf('%s does not contain %s', self::export($haystack), self::export($needle)), $message);
        }
    }

    protected static function assertStringNotContainsString(string $needle, string $haystack, string $message = ''): void
    {
        if (str_contains($haystack, $needle)) {
            self::fail(sprintf('%s contains %s', self::export($haystack), self::export($needle)), $message);
        }
    }

    protected static function assertMatchesRegularExpression(string $pattern, string $string, string $message = ''): void
    {
        if (preg_match($pattern, $string) !== 1) {
            self::fail(sprintf('%s does not match %s', self::export($string), $pattern), $message);
        }
    }

    /**
     * Runs $code and returns what it threw; fails unless it threw a $class whose message
     * matches $messagePattern (when given).
     *
     * @template E of \Throwable
     *
     * @param class-string<E> $class
     *
     * @return E
     */
    protected static function assertThrows(string $class, callable $code, ?string $messagePattern = null): \Throwable
    {
        try {
            $code();
        } catch (\Throwable $thrown) {
            if (!$thrown instanceof $class) {
                self::fail(sprintf('expected %s, got %s: %s', $class, $thrown::class, $thrown->getMessage()));
            }
            if ($messagePattern !== null) {
                self::assertMatchesRegularExpression($messagePattern, $thrown->getMessage());
            }
            return $thrown;
        }
        self::fail(sprintf('expected %s, nothing was thrown', $class));
    }

    protected static function fail(string $reason, string $message = ''): never
    {
        throw new AssertionFailed($message === '' ? $reason : $message . ': ' . $reason);
    }

    private static function export(mixed $value): string
    {
        if (is_string($value) && preg_match('//u', $value) !== 1) {
            return 'binary ' . bin2hex($value);
        }
        return (string) json_encode($value, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PARTIAL_OUTPUT_ON_ERROR);
    }
}
