<?php

declare(strict_types=1);

namespace App\Probes;

/** A dependency did not answer as expected; the message starts with "host:port: ". */
final class ProbeFailure extends \RuntimeException
{
}
