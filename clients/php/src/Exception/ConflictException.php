<?php

declare(strict_types=1);

namespace Concierge\Exception;

/** 409: wrong state (slot_taken, entry_closed, session_running, ...). */
class ConflictException extends ApiException
{
}
