<?php

declare(strict_types=1);

namespace Concierge\Exception;

/** 403: signed in but not allowed (the role may never do this). */
class ForbiddenException extends ApiException
{
}
