<?php
// Seed flow (b): a patient signs in with MFA, finds the upcoming video
// visit, checks in to the waiting room and waits; the provider (through
// the client too) admits them; the patient follows the session through
// the events worker's JSON long-poll, joins, and the provider ends it.
//
//   CONCIERGE_TOTP_SECRET=<base32> php clients/php/examples/video-visit.php
//
// CONCIERGE_TOTP_SECRET: the patient's TOTP secret, for the second factor
// (an account without MFA signs in without it). CONCIERGE_APPOINTMENT_ID:
// check in to this visit (it must be among the upcoming ones) instead of
// the soonest video visit whose check-in is open. Exits 1 on any failure.

declare(strict_types=1);

require __DIR__ . '/common.php';

use Concierge\Exception\ConflictException;

$secret = env('CONCIERGE_TOTP_SECRET', '');
$asked = false;
$patient = client();
$login = $patient->login(env('CONCIERGE_PATIENT_EMAIL', 'patient1@demo.test'), password(),
    static function () use ($secret, &$asked): string {
        check($secret !== '', 'the account needs a second factor: set CONCIERGE_TOTP_SECRET');
        $asked = true;
        return totp_now($secret);
    });
step("signed in as {$login['user']['email']}" . ($asked ? ' with MFA (the server asked for a TOTP code)' : ' (no MFA on this account)'));
$pid = $login['user']['id'];

// Visits not over yet, soonest first.
$now = time();
$want = env('CONCIERGE_APPOINTMENT_ID', '');
$visit = null;
foreach ($patient->appointments(['from' => gmdate('Y-m-d\TH:i:s\Z', $now - 3600), 'status' => 'scheduled']) as $a) {
    if ($a['visit_type'] !== 'video' || strtotime($a['end_at']) <= $now) {
        continue;
    }
    step("upcoming video visit {$a['id']} at {$a['start_at']} with {$a['provider_id']}");
    if ($want === '' ? strtotime($a['start_at']) - 15 * 60 <= $now : $a['id'] === $want) {
        $visit ??= $a;
    }
}
check($visit !== null, $want === '' ? 'no video visit whose check-in is open (re-run concierge-seed)' : "visit $want is not upcoming");
step("the visit: {$visit['id']}, {$visit['duration_minutes']} minutes");

// The events cursor before anything happens: later polls get what follows.
$cursor = $patient->events()['last_id'];

$entry = $patient->checkIn($visit['id']);
check($entry['status'] === 'waiting', "checked in but {$entry['status']}");
step("checked in: entry {$entry['id']}, position {$entry['position']}, about {$entry['estimated_wait_minutes']} minutes, provider {$entry['provider_status']}");
$entry = $patient->heartbeat($entry['id']);
step("still waiting (heartbeat): position {$entry['position']}");

// The provider's side.
$doctor = client();
$doctor->login(env('CONCIERGE_PROVIDER_EMAIL', 'provider1@demo.test'), password());
$queue = $doctor->waitingRoom();
$ids = array_column($queue['data'], 'id');
check(in_array($entry['id'], $ids, true), 'the entry is not in the provider\'s queue');
step(sprintf('the provider sees %d waiting (status %s)', count($ids), $queue['provider_status']));
$doctor->setPresence('available');
$adm = $doctor->admit($entry['id']);
$vs = $adm['video_session'];
step("the provider admitted the patient: video session {$vs['id']} ({$vs['status']})");

// The patient hears of it through the events worker (JSON long-poll).
$seen = [];
foreach ($patient->eventStream($cursor, 5, 30.0) as $id => $ev) {
    $seen[$ev['type']] = $ev;
    $cursor = $id;
    step("event $id: {$ev['type']} ({$ev['entity_type']} {$ev['entity_id']})");
    if (isset($seen['waiting_room.admitted'], $seen['video_session.started'])) {
        break;
    }
}
check(isset($seen['waiting_room.admitted']), 'no waiting_room.admitted event');
check(isset($seen['video_session.started']), 'no video_session.started event');

$entry = $patient->waitingEntry($entry['id']);
check($entry['status'] === 'admitted' && $entry['video_session_id'] === $vs['id'], 'the entry is not admitted to the session');
step("admitted: entry {$entry['status']}, session {$entry['video_session_id']}");
try {
    $join = $patient->videoJoin($vs['id']);
    step("join credential for room {$join['room']} as {$join['identity']} until {$join['expires_at']}");
} catch (ConflictException $e) {
    check($e->problemCode() === 'video_disabled', $e->getMessage());
    step('no join credential: video is off on this server (video.provider = none)');
}
$patient->postVideoEvent($vs['id'], 'joined');
$doctor->postVideoEvent($vs['id'], 'joined');
step('both joined (logged on the session)');

$ended = $doctor->endVideoSession($vs['id'], 'Follow-up in three months.');
check($ended['status'] === 'ended', "the session is {$ended['status']}");
step("the provider ended the session after {$ended['duration_seconds']} s");
foreach ($patient->eventStream($cursor, 5, 30.0) as $id => $ev) {
    $seen[$ev['type']] = $ev;
    step("event $id: {$ev['type']} ({$ev['entity_type']} {$ev['entity_id']})");
    if (isset($seen['video_session.ended'])) {
        break;
    }
}
check(isset($seen['video_session.ended']), 'no video_session.ended event');

$info = $patient->videoSession($vs['id']);
step('session log: ' . implode(', ', array_map(static fn ($e) => $e['type'], $info['events'])));
$appt = $patient->appointment($visit['id']);
check($appt['status'] === 'completed', "the visit is {$appt['status']}");
step("the visit is {$appt['status']}");
$doctor->logout();
$patient->logout();
step('signed out');
echo "appointment: {$visit['id']}\nentry: {$entry['id']}\nvideo_session: {$vs['id']}\nok\n";
