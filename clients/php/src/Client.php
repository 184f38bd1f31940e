<?php

declare(strict_types=1);

namespace Concierge;

use Concierge\Exception\ApiException;
use Concierge\Exception\ConciergeException;
use Concierge\Exception\TransportException;

/**
 * The Concierge API over ext-curl. One object per signed-in user (it holds
 * that user's bearer token); not shared between threads.
 *
 *   $c = new Client('http://127.0.0.1:8080');
 *   $c->login('patient1@demo.test', $password);
 *   foreach ($c->labResults() as $lab) { ... }
 *
 * Errors are exceptions built from the reply's problem details
 * (Exception\ApiException::fromResponse). Every POST carries an
 * Idempotency-Key; a 503 or 429 is retried with the same key after
 * Retry-After, a bounded number of times. The token is a Secret: it is in
 * no message, log line, dump or trace.
 *
 * Options: token (string), timeout (s, 30), connect_timeout (s, 5),
 * max_retries (3), max_retry_after (s, 30: a longer Retry-After is not
 * waited for), logger (callable(string $level, string $message, array
 * $context) or a PSR-3 logger), sleep (callable(float $seconds), for tests),
 * user_agent.
 */
final class Client
{
    use Api\Auth;
    use Api\Records;
    use Api\Appointments;
    use Api\Messaging;
    use Api\WaitingRoom;
    use Api\Events;

    private const RETRY_STATUSES = [429, 503];

    private string $baseUrl;
    private ?Secret $token = null;
    private float $timeout;
    private float $connectTimeout;
    private int $maxRetries;
    private int $maxRetryAfter;
    /** @var (callable(string, string, array<string, mixed>): void)|null */
    private $logger = null;
    /** @var callable(float): void */
    private $sleep;
    private string $userAgent;
    private ?\CurlHandle $curl = null;
    private ?string $lastRequestId = null;

    /** @param array<string, mixed> $options */
    public function __construct(string $baseUrl, #[\SensitiveParameter] array $options = [])
    {
        if (!preg_match('#^https?://[^/?\#]+#', $baseUrl)) {
            throw new \InvalidArgumentException('baseUrl must be an http(s) URL');
        }
        $this->baseUrl = rtrim($baseUrl, '/');
        if (isset($options['token'])) {
            $this->setToken((string) $options['token']);
        }
        $this->timeout = (float) ($options['timeout'] ?? 30);
        $this->connectTimeout = (float) ($options['connect_timeout'] ?? 5);
        $this->maxRetries = max(0, (int) ($options['max_retries'] ?? 3));
        $this->maxRetryAfter = max(0, (int) ($options['max_retry_after'] ?? 30));
        $this->userAgent = (string) ($options['user_agent'] ?? 'concierge-php/0.1');
        $logger = $options['logger'] ?? null;
        if (is_object($logger) && !is_callable($logger) && method_exists($logger, 'log')) {
            $logger = static fn (string $level, string $msg, array $ctx) => $logger->log($level, $msg, $ctx);
        }
        if ($logger !== null && !is_callable($logger)) {
            throw new \InvalidArgumentException('logger must be callable or have a log() method');
        }
        $this->logger = $logger;
        $this->sleep = $options['sleep'] ?? static function (float $s): void {
            usleep((int) round($s * 1e6));
        };
    }

    public function __destruct()
    {
        $this->curl = null;
    }

    /** Use this bearer token from now on (null: none). */
    public function setToken(#[\SensitiveParameter] ?string $token): void
    {
        $this->token = $token === null || $token === '' ? null : new Secret($token);
    }

    public function hasToken(): bool
    {
        return $this->token !== null;
    }

    /** The X-Request-Id of the last reply (for support requests). */
    public function lastRequestId(): ?string
    {
        return $this->lastRequestId;
    }

    /** @return array<string, mixed> what var_dump and print_r show: never the token */
    public function __debugInfo(): array
    {
        return [
            'baseUrl' => $this->baseUrl,
            'token' => $this->token === null ? null : Secret::REDACTED,
            'timeout' => $this->timeout,
            'maxRetries' => $this->maxRetries,
            'maxRetryAfter' => $this->maxRetryAfter,
            'lastRequestId' => $this->lastRequestId,
        ];
    }

    public function __serialize(): array
    {
        throw new \LogicException('a Concierge\\Client holds a token and cannot be serialized');
    }

    public function __unserialize(array $data): void
    {
        throw new \LogicException('a Concierge\\Client cannot be unserialized');
    }

    // -----------------------------------------------------------------
    // requests

    /** GET PATH?QUERY: the decoded JSON reply. @param array<string, mixed> $query */
    public function get(string $path, array $query = [], ?float $timeout = null): mixed
    {
        return $this->send('GET', $path, $query, null, [], $timeout)->json();
    }

    /** POST a JSON body (null: none) with a fresh Idempotency-Key: the decoded reply. */
    public function post(string $path, #[\SensitiveParameter] mixed $body = null, ?string $idempotencyKey = null): mixed
    {
        $h = ['Idempotency-Key' => $idempotencyKey ?? self::newIdempotencyKey()];
        return $this->send('POST', $path, [], $body, $h)->json();
    }

    /** PUT a JSON body: the decoded reply. */
    public function put(string $path, #[\SensitiveParameter] mixed $body): mixed
    {
        return $this->send('PUT', $path, [], $body)->json();
    }

    /** PATCH a JSON body: the decoded reply. */
    public function patch(string $path, #[\SensitiveParameter] mixed $body): mixed
    {
        return $this->send('PATCH', $path, [], $body)->json();
    }

    /** DELETE: the decoded reply (null for 204). */
    public function delete(string $path): mixed
    {
        return $this->send('DELETE', $path)->json();
    }

    /**
     * One request, with retries: a 429 or 503 reply (and, for GET or a POST
     * with an Idempotency-Key, a connection that failed before any reply) is
     * sent again, the same headers and key, after Retry-After seconds (else
     * 0.5, 1, 2 ... s), at most max_retries times and never for a
     * Retry-After above max_retry_after. Errors (>= 400) throw. Bodies are
     * #[\SensitiveParameter]s (passwords, clinical text): not in traces.
     *
     * @param array<string, mixed>  $query
     * @param array<string, string> $headers
     */
    public function send(string $method, string $path, array $query = [], #[\SensitiveParameter] mixed $body = null,
        array $headers = [], ?float $timeout = null): Response
    {
        $method = strtoupper($method);
        $url = $this->url($path, $query);
        $json = null;
        if ($body !== null) {
            $json = json_encode($body === [] ? new \stdClass() : $body,
                JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
            $headers['Content-Type'] = 'application/json';
        }
        $replayable = $method === 'GET' || isset($headers['Idempotency-Key']);
        $logPath = strtok($path, '?') ?: $path;
        for ($attempt = 1;; $attempt++) {
            $t0 = hrtime(true);
            try {
                $r = $this->once($method, $url, $json, $headers, $timeout ?? $this->timeout);
            } catch (TransportException $e) {
                $this->log('error', "concierge: $method $logPath failed: " . $e->getMessage(),
                    ['method' => $method, 'path' => $logPath, 'attempt' => $attempt]);
                if (!$replayable || $attempt > $this->maxRetries || !$e->beforeReply) {
                    throw $e;
                }
                $this->pause($attempt, null, $method, $logPath);
                continue;
            }
            $this->lastRequestId = $r->header('x-request-id');
            $ms = (int) ((hrtime(true) - $t0) / 1e6);
            $ctx = ['method' => $method, 'path' => $logPath, 'status' => $r->status,
                'request_id' => $this->lastRequestId, 'attempt' => $attempt, 'duration_ms' => $ms];
            if (isset($headers['Idempotency-Key'])) {
                $ctx['idempotency_key'] = $headers['Idempotency-Key'];
            }
            if ($r->status < 400) {
                $this->log('debug', "concierge: $method $logPath -> {$r->status} ({$ms} ms)", $ctx);
                return $r;
            }
            $wait = $r->retryAfter();
            if (in_array($r->status, self::RETRY_STATUSES, true) && $attempt <= $this->maxRetries
                && ($wait === null || $wait <= $this->maxRetryAfter)) {
                $this->log('warning', "concierge: $method $logPath -> {$r->status}, retrying", $ctx);
                $this->pause($attempt, $wait, $method, $logPath);
                continue;
            }
            $e = ApiException::fromResponse($this->scrubbed($r));
            $this->log($r->status >= 500 ? 'error' : 'info', 'concierge: ' . $e->getMessage(), $ctx);
            throw $e;
        }
    }

    /** A fresh Idempotency-Key: 128 random bits as 32 hex digits. */
    public static function newIdempotencyKey(): string
    {
        return bin2hex(random_bytes(16));
    }

    /**
     * Every item of a cursor-paged list ({"data": [...], "next_cursor": ...}),
     * page after page, as one generator: foreach ($c->paginate(...) as $item).
     * Only the pages the caller reads are fetched.
     *
     * @param array<string, mixed> $query
     * @return \Generator<int, array<string, mixed>>
     */
    public function paginate(string $path, array $query = [], ?int $pageSize = null): \Generator
    {
        foreach ($this->pages($path, $query, $pageSize) as $page) {
            foreach ($page['data'] ?? [] as $item) {
                yield $item;
            }
        }
    }

    /**
     * Each page of a cursor-paged list (the decoded reply, data and
     * next_cursor); a cursor the server gives twice stops with an error.
     *
     * @param array<string, mixed> $query
     * @return \Generator<int, array<string, mixed>>
     */
    public function pages(string $path, array $query = [], ?int $pageSize = null): \Generator
    {
        if ($pageSize !== null) {
            $query['limit'] = $pageSize;
        }
        unset($query['cursor']);
        $seen = [];
        for (;;) {
            $page = $this->get($path, $query);
            if (!is_array($page) || !array_key_exists('data', $page)) {
                throw new ConciergeException("GET $path: not a list reply");
            }
            yield $page;
            $next = $page['next_cursor'] ?? null;
            if ($next === null || $next === '') {
                return;
            }
            if (isset($seen[$next])) {
                throw new ConciergeException("GET $path: the server repeated a cursor");
            }
            $seen[$next] = true;
            $query['cursor'] = $next;
        }
    }

    // -----------------------------------------------------------------
    // internals

    /** @param array<string, mixed> $query */
    private function url(string $path, array $query): string
    {
        if ($path === '' || $path[0] !== '/') {
            throw new \InvalidArgumentException('path must start with /');
        }
        $query = array_filter($query, static fn ($v) => $v !== null);
        foreach ($query as $k => $v) {
            if (is_bool($v)) {
                $query[$k] = $v ? 'true' : 'false';
            }
        }
        $qs = http_build_query($query, '', '&', PHP_QUERY_RFC3986);
        return $this->baseUrl . $path . ($qs === '' ? '' : (str_contains($path, '?') ? '&' : '?') . $qs);
    }

    /** Escape one path segment (an id). */
    private static function seg(string $id): string
    {
        return rawurlencode($id);
    }

    /** @param array<string, string> $headers */
    private function once(string $method, string $url, #[\SensitiveParameter] ?string $json, array $headers,
        float $timeout): Response
    {
        if ($this->curl === null) {
            $h = curl_init();
            if ($h === false) {
                throw new TransportException('curl_init failed');
            }
            $this->curl = $h;
        } else {
            curl_reset($this->curl);
        }
        $lines = ['Accept: application/json, application/problem+json', 'Expect:'];
        foreach ($headers as $k => $v) {
            $lines[] = "$k: $v";
        }
        if ($this->token !== null) {
            $lines[] = 'Authorization: Bearer ' . $this->token->reveal();
        }
        $got = [];
        $status = 0;
        $opts = [
            CURLOPT_URL => $url,
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_HTTPHEADER => $lines,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_FOLLOWLOCATION => false,
            CURLOPT_PROTOCOLS => CURLPROTO_HTTP | CURLPROTO_HTTPS,
            CURLOPT_CONNECTTIMEOUT_MS => (int) ($this->connectTimeout * 1000),
            CURLOPT_TIMEOUT_MS => (int) ($timeout * 1000),
            CURLOPT_USERAGENT => $this->userAgent,
            CURLOPT_ENCODING => '',
            CURLOPT_HEADERFUNCTION => static function ($ch, string $line) use (&$got, &$status): int {
                if (preg_match('#^HTTP/\S+\s+(\d{3})#', $line, $m)) {
                    $status = (int) $m[1];
                    $got = [];
                } elseif (($i = strpos($line, ':')) !== false) {
                    $got[strtolower(trim(substr($line, 0, $i)))] = trim(substr($line, $i + 1));
                }
                return strlen($line);
            },
        ];
        if ($json !== null) {
            $opts[CURLOPT_POSTFIELDS] = $json;
        }
        curl_setopt_array($this->curl, $opts);
        $body = curl_exec($this->curl);
        if ($body === false || $status === 0) {
            $errno = curl_errno($this->curl);
            $e = new TransportException(sprintf('%s %s: %s', $method, strtok($url, '?'),
                curl_error($this->curl) ?: 'no reply'), $errno);
            // Safe to send again only if nothing reached the server.
            $e->beforeReply = in_array($errno, [CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST], true);
            throw $e;
        }
        return new Response($status, $got, (string) $body);
    }

    private function pause(int $attempt, ?int $retryAfter, string $method, string $path): void
    {
        $s = $retryAfter ?? min(8.0, 0.5 * (2 ** ($attempt - 1)));
        $this->log('info', sprintf('concierge: %s %s: waiting %.1f s before retry %d', $method, $path, $s, $attempt),
            ['method' => $method, 'path' => $path, 'wait_seconds' => $s, 'attempt' => $attempt]);
        ($this->sleep)((float) $s);
    }

    /** The reply without the token in its body (a proxy may echo the request). */
    private function scrubbed(Response $r): Response
    {
        if ($this->token === null || !str_contains($r->body, $t = $this->token->reveal())) {
            return $r;
        }
        return new Response($r->status, $r->headers, str_replace($t, Secret::REDACTED, $r->body));
    }

    /** @param array<string, mixed> $ctx */
    private function log(string $level, string $message, array $ctx): void
    {
        if ($this->logger === null) {
            return;
        }
        if ($this->token !== null) {
            // Belt and braces: nothing logged holds the token.
            $t = $this->token->reveal();
            $message = str_replace($t, Secret::REDACTED, $message);
            array_walk_recursive($ctx, static function (&$v) use ($t): void {
                if (is_string($v)) {
                    $v = str_replace($t, Secret::REDACTED, $v);
                }
            });
        }
        ($this->logger)($level, $message, $ctx);
    }
}
