<?php

declare(strict_types=1);

namespace App;

/**
 * Runs the dependency checks behind /readyz.
 *
 * PHP serves each request on its own, so the checks run one after the other, each within
 * its probe's timeout (2 s by default): with both a database and a cache down the answer
 * can take twice that.
 */
final class Readiness
{
    /** @var array<string, \Closure(): void> name => check */
    private readonly array $checks;

    /** @param array<string, callable(): void> $checks a check returns when its dependency answers and throws otherwise */
    public function __construct(array $checks)
    {
        $this->checks = array_map(static fn (callable $check): \Closure => \Closure::fromCallable($check), $checks);
    }

    /** One check per configured dependency, probing the URL the configuration holds. */
    public static function forConfig(Config $config): self
    {
        $checks = [];
        foreach ($config->dependencies as ['dependency' => $dependency, 'url' => $url]) {
            $checks[$dependency->name] = static fn () => $dependency->probe->check($url);
        }
        return new self($checks);
    }

    /**
     * @return array{ready: bool, checks: array<string, 'ok'|'fail'>, failures: array<string, \Throwable>}
     */
    public function run(): array
    {
        $report = ['ready' => true, 'checks' => [], 'failures' => []];
        foreach ($this->checks as $name => $check) {
            try {
                $check();
                $report['checks'][$name] = 'ok';
            } catch (\Throwable $error) {
                $report['ready'] = false;
                $report['checks'][$name] = 'fail';
                $report['failures'][$name] = $error;
            }
        }
        return $report;
    }
}
