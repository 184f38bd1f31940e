<?php

declare(strict_types=1);

namespace Concierge\Exception;

/** 502, 503, 504: the service (or its database) is down for now; retryAfter() when given. */
class UnavailableException extends ApiException
{
}
