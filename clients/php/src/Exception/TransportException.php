<?php

declare(strict_types=1);

namespace Concierge\Exception;

/** No HTTP reply: connection refused, timeout, TLS or DNS failure (curl's errno as the code). */
class TransportException extends ConciergeException
{
    /** True when nothing reached the server (connection refused, no such host): safe to send again. */
    public bool $beforeReply = false;
}
