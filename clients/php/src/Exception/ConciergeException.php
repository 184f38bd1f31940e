<?php

declare(strict_types=1);

namespace Concierge\Exception;

/** Every error this client throws. Messages never hold the bearer token. */
class ConciergeException extends \RuntimeException
{
}
