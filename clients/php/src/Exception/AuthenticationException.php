<?php

declare(strict_types=1);

namespace Concierge\Exception;

/** 401: no, bad or expired token; wrong credentials; failed re-authentication. */
class AuthenticationException extends ApiException
{
}
