<?php

declare(strict_types=1);

namespace Concierge\Api;

/** Free slots and appointments: book, list, reschedule, cancel. */
trait Appointments
{
    /**
     * GET /api/v1/slots: a provider's free slots between two RFC 3339 times.
     *
     * @return list<array{start_at: string, end_at: string}>
     */
    public function slots(string $providerId, string $from, string $to, ?int $durationMinutes = null): array
    {
        $r = $this->get('/api/v1/slots', ['provider_id' => $providerId, 'from' => $from,
            'to' => $to, 'duration_minutes' => $durationMinutes]);
        return $r['data'];
    }

    /**
     * POST /api/v1/appointments: provider_id, start_at, duration_minutes,
     * visit_type (video, in_person), optional reason, location, patient_id.
     *
     * @param array<string, mixed> $fields
     * @return array<string, mixed> the appointment
     */
    public function bookAppointment(array $fields, ?string $idempotencyKey = null): array
    {
        return $this->post('/api/v1/appointments', $fields, $idempotencyKey);
    }

    /**
     * Every appointment of the caller (all pages). Filters: status, from
     * (then soonest first), to, provider_id, patient_id.
     *
     * @param array<string, mixed> $filters
     * @return \Generator<int, array<string, mixed>>
     */
    public function appointments(array $filters = []): \Generator
    {
        return $this->paginate('/api/v1/appointments', $filters);
    }

    /** GET /api/v1/appointments/{id}. @return array<string, mixed> */
    public function appointment(string $id): array
    {
        return $this->get('/api/v1/appointments/' . self::seg($id));
    }

    /** POST /api/v1/appointments/{id}/reschedule. @return array<string, mixed> */
    public function rescheduleAppointment(string $id, string $startAt, ?int $durationMinutes = null,
        ?string $overrideReason = null): array
    {
        $body = array_filter(['start_at' => $startAt, 'duration_minutes' => $durationMinutes,
            'override_reason' => $overrideReason], static fn ($v) => $v !== null);
        return $this->post('/api/v1/appointments/' . self::seg($id) . '/reschedule', $body);
    }

    /** POST /api/v1/appointments/{id}/cancel. @return array<string, mixed> */
    public function cancelAppointment(string $id, string $reason): array
    {
        return $this->post('/api/v1/appointments/' . self::seg($id) . '/cancel', ['reason' => $reason]);
    }
}
