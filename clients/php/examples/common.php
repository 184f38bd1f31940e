<?php
// Shared by the examples: settings from the environment, printing, and a
// failure handler that exits non-zero. Not part of the library.
//
//   CONCIERGE_BASE_URL        the API (default http://127.0.0.1:8080, the dev stack)
//   CONCIERGE_PASSWORD        the demo accounts' password (default the seed's)
//   CONCIERGE_PATIENT_EMAIL   default patient1@demo.test
//   CONCIERGE_PROVIDER_EMAIL  default provider1@demo.test
//   CONCIERGE_LOG=1           print the client's log lines (never the token)

declare(strict_types=1);

require __DIR__ . '/../src/autoload.php';

use Concierge\Client;
use Concierge\Exception\ApiException;

function env(string $name, string $default): string
{
    $v = getenv($name);
    return $v === false || $v === '' ? $default : $v;
}

/** A client for the configured API, logging to stderr when CONCIERGE_LOG=1. */
function client(): Client
{
    $opts = [];
    if (env('CONCIERGE_LOG', '0') === '1') {
        $opts['logger'] = static function (string $level, string $msg, array $ctx): void {
            fwrite(STDERR, "[$level] $msg\n");
        };
    }
    return new Client(env('CONCIERGE_BASE_URL', 'http://127.0.0.1:8080'), $opts);
}

function password(): string
{
    return env('CONCIERGE_PASSWORD', 'Concierge-Dev-2026!');
}

/** Print one step of the walk. */
function step(string $what): void
{
    fwrite(STDOUT, "- $what\n");
}

/** Stop with a message and exit status 1. */
function fail(string $why): never
{
    fwrite(STDERR, "FAILED: $why\n");
    exit(1);
}

function check(bool $cond, string $why): void
{
    if (!$cond) {
        fail($why);
    }
}

set_exception_handler(static function (\Throwable $e): void {
    $extra = $e instanceof ApiException
        ? sprintf(' (status %d, code %s, request %s)', $e->status(), $e->problemCode() ?? '-', $e->requestId() ?? '-')
        : '';
    fwrite(STDERR, 'FAILED: ' . get_class($e) . ': ' . $e->getMessage() . $extra . "\n");
    exit(1);
});

/**
 * The RFC 6238 code (SHA-1, 30 s, 6 digits) of a base32 secret: what an
 * authenticator app shows. Only the examples need it: a real client asks
 * its user for the code.
 */
function totp_now(#[\SensitiveParameter] string $base32): string
{
    $alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    $bits = '';
    foreach (str_split(strtoupper(rtrim($base32, '='))) as $ch) {
        $i = strpos($alphabet, $ch);
        check($i !== false, 'the TOTP secret is not base32');
        $bits .= str_pad(decbin($i), 5, '0', STR_PAD_LEFT);
    }
    $key = '';
    foreach (str_split(substr($bits, 0, intdiv(strlen($bits), 8) * 8), 8) as $byte) {
        $key .= chr(bindec($byte));
    }
    $mac = hash_hmac('sha1', pack('J', intdiv(time(), 30)), $key, true);
    $o = ord($mac[19]) & 15;
    $n = (unpack('N', substr($mac, $o, 4))[1] & 0x7fffffff) % 1000000;
    return sprintf('%06d', $n);
}
