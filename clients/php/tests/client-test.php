<?php
// Unit tests of the PHP client (plain asserts, no PHPUnit):
//   php clients/php/tests/client-test.php
// Problem -> exception mapping, retries with one Idempotency-Key after
// Retry-After (503, 429), the bounds of retrying, cursor iteration, the MFA
// sign-in step and token redaction. The HTTP cases talk to stub-server.php
// under PHP's built-in server on a free loopback port. Prints one line per
// failed check and "N checks, F failed"; exits 1 on any failure.

declare(strict_types=1);

require __DIR__ . '/../src/autoload.php';

use Concierge\Client;
use Concierge\Exception;
use Concierge\Response;
use Concierge\Secret;

require __DIR__ . '/assert.php';

// Traces with their arguments, as a developer's php.ini may have them.
ini_set('zend.exception_ignore_args', '0');

// ---------------------------------------------------------------------------
// the stub server

function free_port(): int
{
    $s = stream_socket_server('tcp://127.0.0.1:0', $errno, $err);
    if ($s === false) {
        throw new RuntimeException("cannot bind: $err");
    }
    $port = (int) substr(strrchr(stream_socket_get_name($s, false), ':'), 1);
    fclose($s);
    return $port;
}

$stubDir = sys_get_temp_dir() . '/concierge-php-stub-' . bin2hex(random_bytes(4));
mkdir($stubDir);
$stub = null;
$base = null;
for ($try = 0; $try < 5 && $base === null; $try++) {
    $port = free_port();
    $stub = proc_open([PHP_BINARY, '-S', "127.0.0.1:$port", __DIR__ . '/stub-server.php'],
        [0 => ['file', '/dev/null', 'r'], 1 => ['file', "$stubDir/server.out", 'a'], 2 => ['file', "$stubDir/server.out", 'a']],
        $pipes, null, ['STUB_DIR' => $stubDir] + getenv());
    for ($i = 0; $i < 200; $i++) {
        $c = @fsockopen('127.0.0.1', $port, $errno, $err, 0.2);
        if ($c !== false) {
            fclose($c);
            $base = "http://127.0.0.1:$port";
            break;
        }
        if (!proc_get_status($stub)['running']) {
            break;  // the port was taken meanwhile: another one
        }
        usleep(50000);
    }
}
if ($base === null) {
    echo "Bail out! the stub server did not start\n";
    exit(1);
}
register_shutdown_function(static function () use ($stub, $stubDir): void {
    proc_terminate($stub);
    proc_close($stub);
    array_map('unlink', glob("$stubDir/*"));
    rmdir($stubDir);
});

/** What the stub was sent for id $id. @return list<array<string, mixed>> */
function sent(string $id): array
{
    global $base;
    return (new Client($base))->get('/log', ['id' => $id]);
}

$sleeps = [];
$logs = [];
/** A client of the stub that records its sleeps and log lines. */
function stub_client(array $opts = []): Client
{
    global $base, $sleeps, $logs;
    return new Client($base, $opts + [
        'sleep' => static function (float $s) use (&$sleeps): void { $sleeps[] = $s; },
        'logger' => static function (string $l, string $m, array $ctx) use (&$logs): void {
            $logs[] = $l . ' ' . $m . ' ' . json_encode($ctx);
        },
    ]);
}

// ---------------------------------------------------------------------------
// problem -> exception, without the network

$cases = [
    [400, null, Exception\ValidationException::class],
    [413, null, Exception\ValidationException::class],
    [415, null, Exception\ValidationException::class],
    [422, 'validation', Exception\ValidationException::class],
    [401, 'unauthorized', Exception\AuthenticationException::class],
    [401, 'mfa_required', Exception\MfaRequiredException::class],
    [403, 'forbidden', Exception\ForbiddenException::class],
    [404, 'not_found', Exception\NotFoundException::class],
    [409, 'slot_taken', Exception\ConflictException::class],
    [429, 'too_many_waiting', Exception\RateLimitedException::class],
    [502, null, Exception\UnavailableException::class],
    [503, 'db_unavailable', Exception\UnavailableException::class],
    [504, null, Exception\UnavailableException::class],
    [500, 'internal', Exception\ApiException::class],
    [501, 'not_implemented', Exception\ApiException::class],
];
foreach ($cases as [$status, $code, $class]) {
    $body = json_encode(['type' => 'urn:concierge:problem:x', 'title' => 'T', 'status' => $status,
        'detail' => 'd', 'code' => $code, 'errors' => [['field' => 'f', 'message' => 'm']]]);
    $e = Exception\ApiException::fromResponse(new Response($status, ['x-request-id' => "rid$status", 'retry-after' => '4'], $body));
    is(get_class($e), $class, "$status $code is " . $class);
    is($e->status(), $status, "$status: status()");
    is($e->getCode(), $status, "$status: getCode() is the status");
    is($e->problemCode(), $code, "$status: problemCode()");
    is($e->requestId(), "rid$status", "$status: requestId()");
    ok($e instanceof Exception\ConciergeException, "$status: a ConciergeException");
}
$e = Exception\ApiException::fromResponse(new Response(422, [], json_encode(['type' => 'urn:concierge:problem:validation',
    'title' => 'Unprocessable Content', 'status' => 422, 'detail' => 'the request has invalid fields', 'code' => 'validation',
    'errors' => [['field' => 'bogus', 'message' => 'unknown field'], ['field' => 'start_at', 'message' => 'is required']]])));
is($e->errors(), [['field' => 'bogus', 'message' => 'unknown field'], ['field' => 'start_at', 'message' => 'is required']], '422: errors()');
is($e->errorFor('start_at'), 'is required', '422: errorFor()');
is($e->errorFor('nope'), null, '422: errorFor() of a field without error');
is($e->type(), 'urn:concierge:problem:validation', '422: type()');
is($e->getMessage(), 'HTTP 422 Unprocessable Content (validation): the request has invalid fields', '422: the message');
ok(Exception\ApiException::fromResponse(new Response(401, [], '{"status":401,"code":"mfa_required"}'))
    instanceof Exception\AuthenticationException, 'mfa_required is an AuthenticationException too');
$e = Exception\ApiException::fromResponse(new Response(429, ['retry-after' => '12'], '{"status":429}'));
is($e->retryAfter(), 12, '429: retryAfter() from delta-seconds');
$e = Exception\ApiException::fromResponse(new Response(503, ['retry-after' => gmdate('D, d M Y H:i:s', time() + 100) . ' GMT'], '{}'));
ok($e->retryAfter() >= 98 && $e->retryAfter() <= 100, '503: retryAfter() from an HTTP date', $e->retryAfter());
$e = Exception\ApiException::fromResponse(new Response(502, [], '<html>Bad Gateway</html>'));
is([get_class($e), $e->problemCode(), $e->title()], [Exception\UnavailableException::class, null, 'HTTP 502'], 'an HTML 502 is UnavailableException');

// ... and over the wire
$c = stub_client();
$e = thrown(fn () => $c->get('/problem/409', ['code' => 'slot_taken']));
ok($e instanceof Exception\ConflictException, 'the stub\'s 409 is a ConflictException', $e ? get_class($e) : null);
is($e?->problemCode(), 'slot_taken', 'with its code');
ok(str_starts_with((string) $e?->requestId(), 'stub-'), 'and the reply\'s X-Request-Id', $e?->requestId());
is($c->lastRequestId(), $e?->requestId(), 'lastRequestId() too');
$e = thrown(fn () => $c->post('/problem/422'));
is($e?->errorFor('bogus'), 'unknown field', 'a 422 over the wire: errors[]');
$e = thrown(fn () => $c->get('/html502', [], null));
ok($e instanceof Exception\UnavailableException, 'an HTML 502 over the wire', $e ? get_class($e) : null);
$e = thrown(fn () => (new Client('http://127.0.0.1:' . free_port(), ['max_retries' => 0]))->get('/x'));
ok($e instanceof Exception\TransportException && $e->beforeReply, 'connection refused: TransportException, before any reply',
    $e ? get_class($e) : null);

// ---------------------------------------------------------------------------
// retries: the same Idempotency-Key, after Retry-After, bounded

$sleeps = [];
$r = stub_client()->post('/retry?id=r1&plan=503:1,429:2,201', ['x' => 1]);
is($r['attempt'], 3, '503 then 429 then 201: the third attempt succeeds');
is($r['body'], '{"x":1}', 'with the same body');
$hits = sent('r1');
is(count($hits), 3, 'three requests reached the server');
$keys = array_unique(array_map(static fn ($h) => $h["key"], $hits));
ok(count($keys) === 1 && preg_match('/^[0-9a-f]{32}$/', $hits[0]["key"]) === 1, 'each with the same Idempotency-Key', $keys);
is($sleeps, [1.0, 2.0], 'after waiting Retry-After each time (1 s, 2 s)');

$t0 = microtime(true);
$r = (new Client($base))->post('/retry?id=r2&plan=503:1,201');
$dt = microtime(true) - $t0;
is($r['attempt'], 2, 'a real wait: 503 with Retry-After: 1, then 201');
ok($dt >= 1.0, 'the client waited at least Retry-After', $dt);
$hits = sent('r2');
ok(count($hits) === 2 && $hits[0]["key"] === $hits[1]["key"] && $hits[0]["key"] !== '', 'the same key on the retry', $hits);

$sleeps = [];
$e = thrown(fn () => stub_client(['max_retries' => 2])->post('/retry?id=r3&plan=503:1'));
ok($e instanceof Exception\UnavailableException, 'always 503: UnavailableException at last', $e ? get_class($e) : null);
is(count(sent('r3')), 3, 'after max_retries (2) retries: three requests');
is($sleeps, [1.0, 1.0], 'two waits');

$sleeps = [];
$e = thrown(fn () => stub_client()->post('/retry?id=r4&plan=429:3600,201'));
ok($e instanceof Exception\RateLimitedException, 'a Retry-After above max_retry_after is not waited for', $e ? get_class($e) : null);
is($e?->retryAfter(), 3600, 'the caller gets retryAfter()');
is([count(sent('r4')), $sleeps], [1, []], 'one request, no sleep');

$sleeps = [];
$e = thrown(fn () => stub_client()->post('/retry?id=r5&plan=500,201'));
is([get_class($e), count(sent('r5'))], [Exception\ApiException::class, 1], 'a 500 is not retried');
$e = thrown(fn () => stub_client()->post('/retry?id=r6&plan=409,201'));
is([get_class($e), count(sent('r6'))], [Exception\ConflictException::class, 1], 'a 409 is not retried');

$sleeps = [];
$r = stub_client()->get('/retry', ['id' => 'r7', 'plan' => '503,200']);
is([$r['attempt'], $sleeps], [2, [0.5]], 'a GET is retried too, with a back-off when there is no Retry-After');
is(sent('r7')[0]["key"], '', 'a GET carries no Idempotency-Key');

$c = stub_client();
$c->post('/retry?id=r8&plan=200');
$c->post('/retry?id=r8&plan=200');
$c->post('/retry?id=r8&plan=200', null, 'my-own-key');
$hits = sent('r8');
ok($hits[0]["key"] !== $hits[1]["key"], 'two POSTs: two keys', $hits);
is($hits[2]["key"], 'my-own-key', 'a key given is used');

// ---------------------------------------------------------------------------
// cursor iteration

$ids = array_map(static fn ($i) => $i['id'], iterator_to_array(stub_client()->paginate('/items', ['id' => 'p1'], 3), false));
is($ids, ['item0', 'item1', 'item2', 'item3', 'item4', 'item5', 'item6'], 'paginate: every item of every page, in order');
$hits = sent('p1');
is(count($hits), 3, 'three pages fetched (3 + 3 + 1)');
is([isset($hits[0]["query"]["cursor"]), $hits[1]["query"]["cursor"] ?? null, $hits[0]["query"]["limit"] ?? null],
    [false, base64_encode('3'), '3'], 'the first without a cursor, the next with next_cursor, limit as the page size');
$pages = iterator_to_array(stub_client()->pages('/items', ['id' => 'p2', 'limit' => 2]), false);
is(array_map(static fn ($p) => count($p['data']), $pages), [2, 2, 2, 1], 'pages: four pages of 2, 2, 2, 1');
is(end($pages)['next_cursor'], null, 'the last without next_cursor');
foreach (stub_client()->paginate('/items', ['id' => 'p3'], 2) as $item) {
    break;
}
is(count(sent('p3')), 1, 'lazy: stopping after the first item fetches one page');
$e = thrown(fn () => iterator_to_array(stub_client()->paginate('/loop')));
ok($e instanceof Exception\ConciergeException && str_contains($e->getMessage(), 'repeated a cursor'),
    'a cursor the server repeats stops the loop', $e?->getMessage());

// ---------------------------------------------------------------------------
// the MFA step and the token

$logs = [];
$asked = 0;
$c = stub_client();
$e = thrown(fn () => $c->login('pat@example.test', 'pw-secret-1'));
ok($e instanceof Exception\MfaRequiredException, 'login without a code: MfaRequiredException', $e ? get_class($e) : null);
$login = $c->login('pat@example.test', 'pw-secret-1', static function () use (&$asked): string {
    $asked++;
    return '123456';
});
is($asked, 1, 'login with a code callback: asked once, after mfa_required');
ok($login['token'] instanceof Secret, 'the reply\'s token is a Secret');
ok($c->get('/whoami')['token_ok'] === true, 'the token is sent as the bearer token');
$c2 = stub_client();
$c2->login('pat@example.test', 'pw-secret-1', '123456');
ok($c2->get('/whoami')['token_ok'] === true, 'login with a code string');

const TOK = 'stub-token-s3cr3t-0123456789abcdef';
ob_start();
var_dump($c);
var_dump($login);
print_r($c);
print_r($login);
var_export($c);
var_export($login);
echo json_encode($login), json_encode($c), (string) $login['token'];
$dumps = ob_get_clean();
ok(!str_contains($dumps, TOK), 'var_dump, print_r, var_export, json_encode, string: no token');
ok(str_contains($dumps, '[redacted]'), 'they show [redacted]');
ok(!str_contains($dumps, 'pw-secret-1'), 'and no password');
ok(thrown(fn () => serialize($c)) instanceof LogicException, 'serialize(client) refuses');
ok(thrown(fn () => serialize($login['token'])) instanceof LogicException, 'serialize(secret) refuses');
is($login['token']->reveal(), TOK, 'reveal() gives the token (for the header only)');

$e = thrown(fn () => $c->get('/leak'));
ok($e instanceof Exception\AuthenticationException, 'a 401 that echoes the header', $e ? get_class($e) : null);
ok(!str_contains($e->getMessage() . json_encode($e->problem()) . $e->getTraceAsString() . (string) $e, TOK),
    'its message, problem, trace and string hold no token', $e->getMessage());
ok(str_contains($e->getMessage(), 'bad token Bearer [redacted]'), 'the echo is redacted', $e->getMessage());
$e = thrown(fn () => $c->login('pat@example.test', 'pw-secret-1', '000000'));
ob_start();
var_dump($e->getTrace());
$trace = ob_get_clean();
ok(str_contains($trace, 'login'), 'a failed login\'s trace has its arguments', strlen($trace));
ok(!str_contains($trace . $e->getTraceAsString() . (string) $e, 'pw-secret-1'), 'but not the password (SensitiveParameter)');
$c->setToken(TOK);
$e = thrown(fn () => $c->post('/problem/409'));
ob_start();
var_dump($e->getTrace());
ok(!str_contains(ob_get_clean() . $e->getTraceAsString(), TOK), 'nor the trace of a call after setToken()');
ok(count($logs) > 5, 'the logger was called', count($logs));
ok(!str_contains(implode("\n", $logs), TOK), 'no log line holds the token');
ok(!str_contains(implode("\n", $logs), 'pw-secret-1'), 'nor the password');
ok(!preg_grep('/Authorization|Bearer (?!\[redacted\])/i', $logs), 'nor any bearer credential');
ok((bool) preg_grep('/idempotency_key/', $logs), 'log lines carry the Idempotency-Key');

$c->logout();
ok(!$c->hasToken(), 'logout forgets the token');

finish();
