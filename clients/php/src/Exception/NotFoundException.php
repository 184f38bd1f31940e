<?php

declare(strict_types=1);

namespace Concierge\Exception;

/** 404: no such record, or one the caller may not know exists. */
class NotFoundException extends ApiException
{
}
