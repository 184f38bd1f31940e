<?php

declare(strict_types=1);

namespace Concierge;

/** One HTTP reply: status, headers (names in lower case), raw body. */
final class Response
{
    /** @param array<string, string> $headers */
    public function __construct(
        public readonly int $status,
        public readonly array $headers,
        public readonly string $body,
    ) {
    }

    /** A header's value (the last one of that name), or null. */
    public function header(string $name): ?string
    {
        return $this->headers[strtolower($name)] ?? null;
    }

    /**
     * The body decoded as JSON (objects as arrays); null for an empty body.
     * With $strict, a body that is not JSON throws.
     */
    public function json(bool $strict = true): mixed
    {
        if ($this->body === '') {
            return null;
        }
        try {
            return json_decode($this->body, true, 64, JSON_THROW_ON_ERROR | JSON_BIGINT_AS_STRING);
        } catch (\JsonException $e) {
            if ($strict) {
                throw new Exception\ConciergeException("HTTP {$this->status}: the reply is not JSON", 0, $e);
            }
            return null;
        }
    }

    /** Retry-After as seconds (delta-seconds or an HTTP date), or null. */
    public function retryAfter(): ?int
    {
        $v = $this->header('retry-after');
        if ($v === null || $v === '') {
            return null;
        }
        if (ctype_digit($v)) {
            return (int) $v;
        }
        $t = strtotime($v);
        return $t === false ? null : max(0, $t - time());
    }
}
