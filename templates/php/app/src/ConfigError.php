<?php

declare(strict_types=1);

namespace App;

/** Lists every problem at once, so a bad deploy is fixed in one round trip. */
final class ConfigError extends \RuntimeException
{
    /** @param list<string> $problems */
    public function __construct(public readonly array $problems)
    {
        parent::__construct('invalid configuration: ' . implode('; ', $problems));
    }
}
