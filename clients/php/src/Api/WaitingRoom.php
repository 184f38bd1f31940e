<?php

declare(strict_types=1);

namespace Concierge\Api;

/** The virtual waiting room and video sessions (docs/WAITINGROOM.md). */
trait WaitingRoom
{
    /** POST /api/v1/waiting-room/check-in: the patient's entry (201 new, 200 the same). @return array<string, mixed> */
    public function checkIn(string $appointmentId): array
    {
        return $this->post('/api/v1/waiting-room/check-in', ['appointment_id' => $appointmentId]);
    }

    /** GET /api/v1/waiting-room/entries/{id}: status, position, estimate (poll it). @return array<string, mixed> */
    public function waitingEntry(string $entryId): array
    {
        return $this->get('/api/v1/waiting-room/entries/' . self::seg($entryId));
    }

    /** POST .../entries/{id}/heartbeat: the patient is still there. @return array<string, mixed> */
    public function heartbeat(string $entryId): array
    {
        return $this->post('/api/v1/waiting-room/entries/' . self::seg($entryId) . '/heartbeat');
    }

    /** POST .../entries/{id}/leave. @return array<string, mixed> */
    public function leaveWaitingRoom(string $entryId): array
    {
        return $this->post('/api/v1/waiting-room/entries/' . self::seg($entryId) . '/leave');
    }

    /** GET /api/v1/waiting-room: a provider's queue (their own by default). @return array<string, mixed> */
    public function waitingRoom(?string $providerId = null): array
    {
        return $this->get('/api/v1/waiting-room', ['provider_id' => $providerId]);
    }

    /** PUT /api/v1/waiting-room/presence: available, busy or offline. @return array<string, mixed> */
    public function setPresence(string $status): array
    {
        return $this->put('/api/v1/waiting-room/presence', ['status' => $status]);
    }

    /**
     * POST /api/v1/waiting-room/admit: the given entry, or the next one.
     *
     * @return array<string, mixed> video_session, join, waiting_room_entry_id
     */
    public function admit(?string $entryId = null, ?string $providerId = null): array
    {
        $b = array_filter(['entry_id' => $entryId, 'provider_id' => $providerId], static fn ($v) => $v !== null);
        return $this->post('/api/v1/waiting-room/admit', $b);
    }

    /** Every video session of the caller (all pages). @return \Generator<int, array<string, mixed>> */
    public function videoSessions(?string $appointmentId = null): \Generator
    {
        return $this->paginate('/api/v1/video-sessions', ['appointment_id' => $appointmentId]);
    }

    /** GET /api/v1/video-sessions/{id}: the session and its log. @return array<string, mixed> */
    public function videoSession(string $id): array
    {
        return $this->get('/api/v1/video-sessions/' . self::seg($id));
    }

    /** GET /api/v1/video-sessions/{id}/join: a fresh join credential. @return array<string, mixed> */
    public function videoJoin(string $id): array
    {
        return $this->get('/api/v1/video-sessions/' . self::seg($id) . '/join');
    }

    /** POST /api/v1/video-sessions/{id}/events: joined, left, reconnected, media_quality, consent_captured. @return array<string, mixed> */
    public function postVideoEvent(string $id, string $type, ?string $at = null, ?string $detail = null): array
    {
        $b = ['type' => $type, 'at' => $at ?? gmdate('Y-m-d\TH:i:s\Z')];
        if ($detail !== null) {
            $b['detail'] = $detail;
        }
        return $this->post('/api/v1/video-sessions/' . self::seg($id) . '/events', $b);
    }

    /** POST /api/v1/video-sessions/{id}/end (the provider). @return array<string, mixed> */
    public function endVideoSession(string $id, ?string $notesSummary = null): array
    {
        return $this->post('/api/v1/video-sessions/' . self::seg($id) . '/end',
            $notesSummary === null ? null : ['notes_summary' => $notesSummary]);
    }
}
