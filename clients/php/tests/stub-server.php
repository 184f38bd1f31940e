<?php
// A tiny stand-in for the API, for client-test.php, run as the router of
// PHP's built-in server (php -S 127.0.0.1:PORT stub-server.php) with
// STUB_DIR naming a scratch folder. Every request is logged there (path,
// Idempotency-Key, Authorization) so the test can see what was sent.
//
//   /retry?id=X&plan=503:1,429:2,201   the Nth request for id X answers the
//                                      Nth status (":N" = Retry-After N)
//   /problem/STATUS[?code=C]           a problem document of that status
//   /html502                           a proxy's HTML error page
//   /items?limit=N[&cursor=C]          7 items, cursor-paged
//   /loop                              a list whose cursor never changes
//   /api/v1/auth/login                 MFA sign-in: code 123456, then a token
//   /api/v1/auth/logout                204
//   /whoami                            whether the issued token came back
//   /leak                              a 401 whose detail echoes the token
//   /log?id=X                          what was sent for id X

declare(strict_types=1);

const TOKEN = 'stub-token-s3cr3t-0123456789abcdef';

$dir = getenv('STUB_DIR') ?: sys_get_temp_dir();
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
$q = $_GET;
$auth = $_SERVER['HTTP_AUTHORIZATION'] ?? '';
$key = $_SERVER['HTTP_IDEMPOTENCY_KEY'] ?? '';

function reply(int $status, mixed $body, array $headers = []): void
{
    http_response_code($status);
    header('X-Request-Id: stub-' . bin2hex(random_bytes(4)));
    header('Content-Type: ' . ($status >= 400 ? 'application/problem+json' : 'application/json'));
    foreach ($headers as $k => $v) {
        header("$k: $v");
    }
    echo json_encode($body);
}

function problem(int $status, string $code, array $extra = [], array $headers = []): void
{
    reply($status, $extra + ['type' => "urn:concierge:problem:$code", 'title' => "Stub $status",
        'status' => $status, 'detail' => "stub says $code", 'code' => $code], $headers);
}

$id = preg_replace('/[^a-z0-9_-]/i', '', (string) ($q['id'] ?? 'default'));
$log = "$dir/$id.log";
if ($path !== '/log') {
    file_put_contents($log, json_encode(['method' => $_SERVER['REQUEST_METHOD'], 'path' => $path,
        'key' => $key, 'auth' => $auth, 'query' => $q]) . "\n", FILE_APPEND);
}

switch (true) {
case $path === '/retry':
    $plan = explode(',', (string) ($q['plan'] ?? '200'));
    $n = count(file($log)) - 1;
    [$status, $after] = array_pad(explode(':', $plan[min($n, count($plan) - 1)]), 2, null);
    $status = (int) $status;
    if ($status >= 400) {
        problem($status, $status === 429 ? 'too_many_requests' : ($status === 503 ? 'unavailable' : 'internal'),
            [], $after === null ? [] : ['Retry-After' => $after]);
    } else {
        reply($status, ['attempt' => $n + 1, 'body' => file_get_contents('php://input')]);
    }
    break;
case preg_match('#^/problem/(\d{3})$#', $path, $m) === 1:
    $s = (int) $m[1];
    $extra = $s === 422 ? ['errors' => [['field' => 'start_at', 'message' => 'is required'],
        ['field' => 'bogus', 'message' => 'unknown field']]] : [];
    problem($s, (string) ($q['code'] ?? "code_$s"), $extra, $s === 429 || $s === 503 ? ['Retry-After' => '9'] : []);
    break;
case $path === '/html502':
    http_response_code(502);
    header('Content-Type: text/html');
    echo '<html><body>Bad Gateway</body></html>';
    break;
case $path === '/items':
    $limit = (int) ($q['limit'] ?? 2);
    $off = isset($q['cursor']) ? (int) base64_decode((string) $q['cursor']) : 0;
    $data = [];
    for ($i = $off; $i < min(7, $off + $limit); $i++) {
        $data[] = ['id' => "item$i"];
    }
    reply(200, ['data' => $data, 'next_cursor' => $off + $limit < 7 ? base64_encode((string) ($off + $limit)) : null]);
    break;
case $path === '/loop':
    reply(200, ['data' => [['id' => 'x']], 'next_cursor' => 'same']);
    break;
case $path === '/api/v1/auth/login':
    $b = json_decode(file_get_contents('php://input'), true);
    if (($b['totp_code'] ?? null) === null) {
        problem(401, 'mfa_required');
    } elseif ($b['totp_code'] !== '123456') {
        problem(401, 'invalid_credentials');
    } else {
        reply(200, ['token' => TOKEN, 'expires_at' => '2030-01-01T00:00:00Z',
            'user' => ['id' => 'u1', 'email' => $b['email'], 'role' => 'patient']]);
    }
    break;
case $path === '/api/v1/auth/logout':
    http_response_code(204);
    break;
case $path === '/whoami':
    reply(200, ['token_ok' => hash_equals('Bearer ' . TOKEN, $auth)]);
    break;
case $path === '/leak':
    problem(401, 'unauthorized', ['detail' => "bad token $auth"]);
    break;
case $path === '/log':
    reply(200, is_file($log) ? array_map('json_decode', file($log, FILE_IGNORE_NEW_LINES)) : []);
    break;
default:
    problem(404, 'not_found');
}
