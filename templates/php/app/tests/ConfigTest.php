<?php

declare(strict_types=1);

namespace Tests;

use App\Config;
use App\ConfigError;
use App\Dependency;
use App\Probes\Probe;

final class ConfigTest extends TestCase
{
    public function testDefaults(): void
    {
        $config = Config::load(self::env([]), 8080, []);
        self::assertSame('0.0.0.0', $config->host);
        self::assertSame(8080, $config->port);
        self::assertSame('info', $config->logLevel);
        self::assertSame(10_000, $config->shutdownTimeoutMs);
        self::assertSame(0, $config->shutdownDelayMs);
        self::assertSame([], $config->dependencies);
    }

    public function testReadsEverySettingFromTheEnvironment(): void
    {
        $db = new Dependency('postgres', 'DATABASE_URL', self::probe(['postgres', 'postgresql']));
        $config = Config::load(self::env([
            'HOST' => '127.0.0.1',
            'PORT' => '9000',
            'LOG_LEVEL' => 'DEBUG',
            'SHUTDOWN_TIMEOUT_MS' => '2500',
            'SHUTDOWN_DELAY_MS' => '5000',
            'DATABASE_URL' => 'postgresql://u:p@db:5432/app',
        ]), 8080, [$db]);
        self::assertSame('127.0.0.1', $config->host);
        self::assertSame(9000, $config->port);
        self::assertSame('debug', $config->logLevel);
        self::assertSame(2500, $config->shutdownTimeoutMs);
        self::assertSame(5000, $config->shutdownDelayMs);
        self::assertSame('postgresql://u:p@db:5432/app', $config->dependencies[0]['url']);
        self::assertSame($db, $config->dependencies[0]['dependency']);
    }

    public function testEmptyValuesCountAsUnset(): void
    {
        $config = Config::load(self::env(['PORT' => '', 'LOG_LEVEL' => '  ']), 3000, []);
        self::assertSame(3000, $config->port);
        self::assertSame('info', $config->logLevel);
    }

    public function testRejectsMalformedNumbersAndLevelsListingEveryProblem(): void
    {
        $error = self::assertThrows(ConfigError::class, static fn () => Config::load(self::env([
            'PORT' => '1e3',
            'SHUTDOWN_TIMEOUT_MS' => '-1',
            'LOG_LEVEL' => 'verbose',
        ]), 8080, []));
        self::assertSame(3, count($error->problems));
        self::assertStringContainsString('PORT must be an integer between 1 and 65535, got "1e3"', $error->problems[0]);
        self::assertStringContainsString('SHUTDOWN_TIMEOUT_MS', $error->problems[1]);
        self::assertStringContainsString('LOG_LEVEL must be one of debug, info, warn, error, got "verbose"', $error->problems[2]);
    }

    public function testRejectsOutOfRangePorts(): void
    {
        self::assertThrows(ConfigError::class, static fn () => Config::load(self::env(['PORT' => '65536']), 8080, []), '/PORT/');
        self::assertThrows(ConfigError::class, static fn () => Config::load(self::env(['PORT' => '0']), 8080, []), '/PORT/');
    }

    public function testRequiresTheUrlOfEachDependency(): void
    {
        $cache = new Dependency('redis', 'CACHE_URL', self::probe(['redis', 'rediss']));
        self::assertThrows(
            ConfigError::class,
            static fn () => Config::load(self::env([]), 8080, [$cache]),
            '/CACHE_URL is required \(redis connection URL\)/',
        );
    }

    public function testRejectsAUrlWithTheWrongSchemeWithoutEchoingIt(): void
    {
        $db = new Dependency('mysql', 'DATABASE_URL', self::probe(['mysql', 'mariadb']));
        $error = self::assertThrows(
            ConfigError::class,
            static fn () => Config::load(self::env(['DATABASE_URL' => 'postgres://user:s3cret@db/app']), 8080, [$db]),
        );
        self::assertSame(['DATABASE_URL must be a URL starting with mysql:// or mariadb://'], $error->problems);
        self::assertStringNotContainsString('s3cret', $error->getMessage());
    }

    /**
     * @param array<string, string> $values
     *
     * @return \Closure(string): (string|false)
     */
    private static function env(array $values): \Closure
    {
        return static fn (string $key): string|false => $values[$key] ?? false;
    }

    /** @param list<string> $schemes */
    private static function probe(array $schemes): Probe
    {
        return new class ($schemes) implements Probe {
            /** @param list<string> $schemes */
            public function __construct(private readonly array $schemes)
            {
            }

            public function schemes(): array
            {
                return $this->schemes;
            }

            public function check(string $url, int $timeoutMs = 2000): void
            {
            }
        };
    }
}
