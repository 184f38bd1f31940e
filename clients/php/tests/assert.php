<?php
// Plain assertions for the client's tests (no PHPUnit): ok, is, thrown,
// finish. Warnings and notices fail the run too.

declare(strict_types=1);

set_error_handler(static function (int $no, string $msg, string $file, int $line): bool {
    if (!(error_reporting() & $no)) {
        return false;  // silenced with @
    }
    throw new ErrorException($msg, 0, $no, $file, $line);
});

$checks = 0;
$failed = 0;

function ok(bool $cond, string $name, mixed $got = null): void
{
    global $checks, $failed;
    $checks++;
    if (!$cond) {
        $failed++;
        echo "not ok $checks - $name" . ($got === null ? '' : ' (got ' . json_encode($got) . ')') . "\n";
    }
}

function is(mixed $got, mixed $want, string $name): void
{
    ok($got === $want, $name . ($got === $want ? '' : ' (want ' . json_encode($want) . ')'), $got === $want ? null : $got);
}

/** The exception $fn throws (null if none). */
function thrown(callable $fn): ?\Throwable
{
    try {
        $fn();
    } catch (\Throwable $e) {
        return $e;
    }
    return null;
}

/** Print the tally; exit 1 if a check failed. */
function finish(): never
{
    global $checks, $failed;
    echo "$checks checks, $failed failed\n";
    exit($failed === 0 ? 0 : 1);
}
