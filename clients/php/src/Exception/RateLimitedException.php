<?php

declare(strict_types=1);

namespace Concierge\Exception;

/** 429: throttled; retryAfter() says when to try again. */
class RateLimitedException extends ApiException
{
}
