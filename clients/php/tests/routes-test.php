<?php
// The client's route methods the examples do not walk, against a running
// stack with the demo data (CONCIERGE_BASE_URL): the provider directory and
// slots, an appointment booked (and replayed with its key), listed,
// rescheduled and cancelled, and real problem replies mapped to their
// exceptions. Prints "appointment: ID" for the caller to check the database;
// "N checks, F failed"; exits 1 on any failure.

declare(strict_types=1);

require __DIR__ . '/../src/autoload.php';
require __DIR__ . '/assert.php';

use Concierge\Client;
use Concierge\Exception;

$base = getenv('CONCIERGE_BASE_URL') ?: 'http://127.0.0.1:8080';
$pw = getenv('CONCIERGE_PASSWORD') ?: 'Concierge-Dev-2026!';
$c = new Client($base);
$me = $c->login('patient1@demo.test', $pw)['user'];

$dir = iterator_to_array($c->providers(['limit' => 1]), false);
ok(count($dir) >= 2, 'providers(): the directory, one per page, every page', count($dir));
$prov = null;
foreach ($dir as $p) {
    if ($p['full_name'] === 'Dr. Riley Demo') {
        $prov = $p;
    }
}
ok($prov !== null, 'with provider1 in it');
is($c->provider($prov['id'])['id'], $prov['id'], 'provider(): one provider');

// Slots 3 to 10 days ahead: outside the patient's cancel window.
$slots = $c->slots($prov['id'], gmdate('Y-m-d\TH:i:s\Z', time() + 3 * 86400),
    gmdate('Y-m-d\TH:i:s\Z', time() + 10 * 86400), 30);
ok(count($slots) >= 2, 'slots(): free slots of provider1', count($slots));
[$a, $b] = $slots;

$key = Client::newIdempotencyKey();
$fields = ['provider_id' => $prov['id'], 'start_at' => $a['start_at'], 'duration_minutes' => 30,
    'visit_type' => 'video', 'reason' => 'Follow-up'];
$appt = $c->bookAppointment($fields, $key);
is([$appt['status'], $appt['start_at'], $appt['patient_id']], ['scheduled', $a['start_at'], $me['id']],
    'bookAppointment(): scheduled at the slot, for the patient');
$again = $c->bookAppointment($fields, $key);
is($again['id'], $appt['id'], 'the same key again: the same appointment (a replay)');
$e = thrown(fn () => $c->bookAppointment($fields));
ok($e instanceof Exception\ConflictException, 'a new key for the same slot: ConflictException', $e ? get_class($e) : null);
ok(in_array($e?->problemCode(), ['slot_taken', 'patient_busy'], true), 'with its code', $e?->problemCode());
ok(preg_match('/^[0-9a-f]{32}$/', (string) $e?->requestId()) === 1, 'and the request id', $e?->requestId());

$listed = [];
foreach ($c->appointments(['from' => $a['start_at'], 'limit' => 1]) as $x) {
    $listed[] = $x['id'];
    if (count($listed) > 50) {
        break;
    }
}
ok(in_array($appt['id'], $listed, true), 'appointments(): it is listed (pages of one)');
is($c->appointment($appt['id'])['reason'], 'Follow-up', 'appointment(): one');

$moved = $c->rescheduleAppointment($appt['id'], $b['start_at']);
is([$moved['id'], $moved['start_at'], $moved['status']], [$appt['id'], $b['start_at'], 'scheduled'],
    'rescheduleAppointment(): moved to the second slot');
$gone = $c->cancelAppointment($appt['id'], 'Feeling better');
is([$gone['status'], $gone['cancel_reason']], ['cancelled', 'Feeling better'], 'cancelAppointment(): cancelled');
$e = thrown(fn () => $c->cancelAppointment($appt['id'], 'again'));
ok($e instanceof Exception\ConflictException, 'cancelling twice: ConflictException', $e ? get_class($e) : null);

// Real problem replies.
$e = thrown(fn () => $c->bookAppointment(['provider_id' => $prov['id'], 'bogus' => 1]));
ok($e instanceof Exception\ValidationException, '422: ValidationException', $e ? get_class($e) : null);
is($e?->errorFor('bogus'), 'unknown field', 'its errors[] name the unknown field');
is($e?->errorFor('start_at'), 'is required', 'and the missing one');
$e = thrown(fn () => $c->labResult('nosuchlabresultaaaaaaaaaaa'));
ok($e instanceof Exception\NotFoundException, '404: NotFoundException', $e ? get_class($e) : null);
$e = thrown(fn () => $c->get('/api/v1/audit'));
ok($e instanceof Exception\ForbiddenException, '403 (a patient reads the audit log): ForbiddenException', $e ? get_class($e) : null);
$e = thrown(fn () => (new Client($base, ['token' => str_repeat('x', 43)]))->me());
ok($e instanceof Exception\AuthenticationException, '401 (a bad token): AuthenticationException', $e ? get_class($e) : null);
is($e?->problemCode(), 'unauthorized', 'code unauthorized');
// An unknown address (the same reply as a wrong password; no demo account's lock counts it).
$e = thrown(fn () => (new Client($base))->login('nobody-' . bin2hex(random_bytes(6)) . '@example.test', 'wrong-password-1'));
ok($e instanceof Exception\AuthenticationException && !$e instanceof Exception\MfaRequiredException,
    '401 (bad credentials): AuthenticationException', $e ? get_class($e) : null);
is($e?->problemCode(), 'invalid_credentials', 'code invalid_credentials');

$c->logout();
$e = thrown(fn () => $c->me());
ok($e instanceof Exception\AuthenticationException, 'after logout: no token, 401', $e ? get_class($e) : null);

echo "appointment: {$appt['id']}\n";
finish();
