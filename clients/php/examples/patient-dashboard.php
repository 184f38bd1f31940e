<?php
// Seed flow (a): a patient signs in, opens the dashboard, reads every lab
// result (page by page), finds the active treatment plan and messages the
// clinician who wrote it; the clinician reads the message.
//
//   php clients/php/examples/patient-dashboard.php
//
// Against the dev stack's demo data (scripts/dev up). Exits 1 on any failure.

declare(strict_types=1);

require __DIR__ . '/common.php';

$patient = client();
$login = $patient->login(env('CONCIERGE_PATIENT_EMAIL', 'patient1@demo.test'), password());
step("signed in as {$login['user']['email']} ({$login['user']['role']}), session until {$login['expires_at']}");

$me = $patient->me();
$pid = $me['user']['id'];
check($me['user']['role'] === 'patient', 'the demo account is not a patient');
step("me: {$me['user']['full_name']}, record {$me['profile']['medical_record_number']}");

$dash = $patient->patientSummary($pid);
step(sprintf('dashboard: %d recent lab results, %d active plans, %d upcoming visits, %d unread messages',
    count($dash['lab_results']), count($dash['treatment_plans']),
    count($dash['upcoming_appointments']), $dash['counts']['unread_messages']));

// Two results per page, so the cursor is followed even with the demo data.
$labs = 0;
foreach ($patient->labResults(['limit' => 2]) as $lab) {
    $labs++;
    step(sprintf('lab result %s: %s = %s %s (%s, version %d)', $lab['id'], $lab['test_name'],
        $lab['result_value'], $lab['units'] ?? '', $lab['status'], $lab['version']));
    check(in_array($lab['status'], ['final', 'amended'], true), "a patient was shown a {$lab['status']} result");
}
check($labs > 0, 'no lab results: is the demo data loaded (concierge-seed)?');
step("lab results: $labs, all pages read");

$plan = null;
foreach ($patient->treatmentPlans(['patient_id' => $pid, 'status' => 'active']) as $p) {
    $plan = $p;
    break;
}
check($plan !== null, 'no active treatment plan');
step("active plan {$plan['id']}: {$plan['title']}, since {$plan['start_date']}, by {$plan['created_by']}");

$clinician = $plan['created_by'];
$thread = $patient->startThread($pid, [$clinician], "Question about {$plan['title']}");
step("thread {$thread['id']} started with the clinician: {$thread['subject']}");
$msg = $patient->postMessage($thread['id'], 'Hello, should I keep taking it with food? Thank you.');
step("message {$msg['id']} posted");

$newest = null;
foreach ($patient->messages($thread['id']) as $m) {
    $newest = $m;
    break;
}
check($newest !== null && $newest['id'] === $msg['id'], 'the message is not the newest of the thread');

// The clinician's side, through the client too.
$doctor = client();
$doctor->login(env('CONCIERGE_PROVIDER_EMAIL', 'provider1@demo.test'), password());
$unread = $doctor->unreadCount();
step("the clinician has {$unread['total']} unread messages");
$read = $doctor->markRead($thread['id'], $msg['id']);
check($read['marked_read'] === 1, "the clinician marked {$read['marked_read']} messages read, not 1");
step("the clinician read it (thread unread count now {$read['unread_count']})");

foreach ($patient->messages($thread['id']) as $m) {
    if ($m['id'] === $msg['id']) {
        $status = $m['receipts'][0]['status'] ?? '-';
        check($status === 'read', "the patient sees the receipt as $status");
        step("the patient sees it read at {$m['receipts'][0]['read_at']}");
    }
}
$doctor->logout();
$patient->logout();
step('signed out');
echo "thread: {$thread['id']}\nmessage: {$msg['id']}\nok\n";
