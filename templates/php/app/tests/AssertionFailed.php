<?php

declare(strict_types=1);

namespace Tests;

/** A failed assertion (as opposed to an error in the code under test). */
final class AssertionFailed extends \RuntimeException
{
}
