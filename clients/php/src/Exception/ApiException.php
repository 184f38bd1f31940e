<?php

declare(strict_types=1);

namespace Concierge\Exception;

use Concierge\Response;

/**
 * The API answered with an error: an RFC 9457 problem (type, title,
 * status, detail, code, errors[]). fromResponse() picks the family class;
 * statuses of no family (500, 501, ...) are an ApiException itself.
 */
class ApiException extends ConciergeException
{
    /** @var array<string, mixed> */
    private array $problem;

    /** @param array<string, mixed> $problem */
    final public function __construct(
        private readonly int $status,
        array $problem,
        private readonly ?string $requestId = null,
        private readonly ?int $retryAfter = null,
    ) {
        $this->problem = $problem;
        $code = $this->problemCode();
        $text = sprintf('HTTP %d %s', $status, (string) ($problem['title'] ?? 'error'));
        if ($code !== null) {
            $text .= " ($code)";
        }
        if (isset($problem['detail']) && is_string($problem['detail'])) {
            $text .= ': ' . $problem['detail'];
        }
        if ($requestId !== null) {
            $text .= " [request $requestId]";
        }
        parent::__construct($text, $status);
    }

    /** The exception for an error reply (status >= 400). */
    public static function fromResponse(Response $r): self
    {
        $problem = $r->json(false);
        if (!is_array($problem)) {
            // Not a problem document (an HTML 502 from a proxy, say).
            $problem = ['type' => 'about:blank', 'title' => 'HTTP ' . $r->status, 'status' => $r->status];
        }
        $class = match (true) {
            $r->status === 401 && ($problem['code'] ?? null) === 'mfa_required' => MfaRequiredException::class,
            $r->status === 400, $r->status === 413, $r->status === 415, $r->status === 422 => ValidationException::class,
            $r->status === 401 => AuthenticationException::class,
            $r->status === 403 => ForbiddenException::class,
            $r->status === 404 => NotFoundException::class,
            $r->status === 409 => ConflictException::class,
            $r->status === 429 => RateLimitedException::class,
            $r->status === 502, $r->status === 503, $r->status === 504 => UnavailableException::class,
            default => self::class,
        };
        return new $class($r->status, $problem, $r->header('x-request-id'), $r->retryAfter());
    }

    /** The HTTP status. */
    public function status(): int
    {
        return $this->status;
    }

    /** The problem's machine-readable `code` (e.g. "slot_taken"), if any. */
    public function problemCode(): ?string
    {
        $c = $this->problem['code'] ?? null;
        return is_string($c) ? $c : null;
    }

    /** The problem's `type` URI. */
    public function type(): string
    {
        return (string) ($this->problem['type'] ?? 'about:blank');
    }

    public function title(): ?string
    {
        return isset($this->problem['title']) ? (string) $this->problem['title'] : null;
    }

    public function detail(): ?string
    {
        return isset($this->problem['detail']) ? (string) $this->problem['detail'] : null;
    }

    /** The reply's X-Request-Id (it is in the server's logs and audit rows). */
    public function requestId(): ?string
    {
        return $this->requestId;
    }

    /** Retry-After in seconds, when the reply had one. */
    public function retryAfter(): ?int
    {
        return $this->retryAfter;
    }

    /** @return array<string, mixed> the whole problem document */
    public function problem(): array
    {
        return $this->problem;
    }
}
