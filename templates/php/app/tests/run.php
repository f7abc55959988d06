<?php

declare(strict_types=1);

// A small test runner on PHP's standard library: it finds tests/**/*Test.php, runs every
// public test* method of each class on a fresh instance, prints one TAP-style line per test
// and a closing "N passed, N failed" line, and exits 1 on any failure.
//
// Usage: php tests/run.php [filter]   (filter: a substring of "Class::method")
//
// It keeps the starter free of dev dependencies, so `composer install` needs no network.
// The tests use PHPUnit's assertion names: to move to PHPUnit, `composer require --dev
// phpunit/phpunit`, extend PHPUnit\Framework\TestCase and run vendor/bin/phpunit.

require dirname(__DIR__) . '/vendor/autoload.php';

error_reporting(E_ALL);
set_error_handler(static function (int $severity, string $message, string $file, int $line): bool {
    if ((error_reporting() & $severity) === 0) {
        return false; // silenced with @
    }
    throw new ErrorException($message, 0, $severity, $file, $line);
});

$filter = $argv[1] ?? '';
$root = __DIR__;
$files = [];
$iterator = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($root, FilesystemIterator::SKIP_DOTS));
foreach ($iterator as $file) {
    if (str_ends_with($file->getFilename(), 'Test.php')) {
        $files[] = $file->getPathname();
    }
}
sort($files);

$passed = 0;
$failed = 0;
$number = 0;
foreach ($files as $path) {
    // tests/probes/RedisProbeTest.php -> Tests\Probes\RedisProbeTest (PSR-4, see composer.json)
    $relative = substr($path, strlen($root) + 1, -strlen('.php'));
    $class = 'Tests\\' . implode('\\', array_map('ucfirst', explode('/', $relative)));
    if (!class_exists($class)) {
        fwrite(STDERR, "no class {$class} in {$path}\n");
        exit(1);
    }
    foreach ((new ReflectionClass($class))->getMethods(ReflectionMethod::IS_PUBLIC) as $method) {
        $name = $class . '::' . $method->getName();
        if (!str_starts_with($method->getName(), 'test') || ($filter !== '' && !str_contains($name, $filter))) {
            continue;
        }
        $number++;
        $started = hrtime(true);
        try {
            (new $class())->runTest($method->getName());
            $passed++;
            printf("ok %d - %s (%.0f ms)\n", $number, $name, (hrtime(true) - $started) / 1e6);
        } catch (Throwable $error) {
            $failed++;
            printf("not ok %d - %s\n", $number, $name);
            $detail = $error instanceof Tests\AssertionFailed
                ? $error->getMessage() . "\n" . $error->getTraceAsString()
                : $error::class . ': ' . $error->getMessage() . "\n" . $error->getTraceAsString();
            echo preg_replace('/^/m', '  # ', $detail), "\n";
        }
    }
}

echo "1..{$number}\n";
echo "{$passed} passed, {$failed} failed\n";
exit($failed === 0 && $number > 0 ? 0 : 1);
