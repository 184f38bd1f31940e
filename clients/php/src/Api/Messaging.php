<?php

declare(strict_types=1);

namespace Concierge\Api;

/** Secure-message threads (docs/MESSAGING.md). */
trait Messaging
{
    /** Every thread the caller takes part in, most recent first (all pages). @return \Generator<int, array<string, mixed>> */
    public function threads(?int $pageSize = null): \Generator
    {
        return $this->paginate('/api/v1/threads', [], $pageSize);
    }

    /** GET /api/v1/threads/{id}: the thread and its participants. @return array<string, mixed> */
    public function thread(string $id): array
    {
        return $this->get('/api/v1/threads/' . self::seg($id));
    }

    /**
     * POST /api/v1/threads: a thread about a patient with the named
     * participants (care-team providers, staff).
     *
     * @param list<string> $participantIds
     * @return array<string, mixed> the thread
     */
    public function startThread(string $patientId, array $participantIds, string $subject): array
    {
        return $this->post('/api/v1/threads', ['patient_id' => $patientId,
            'participant_ids' => array_values($participantIds), 'subject' => $subject]);
    }

    /**
     * POST /api/v1/threads/{id}/messages.
     *
     * @param list<string> $attachmentIds
     * @return array<string, mixed> the message
     */
    public function postMessage(string $threadId, string $body, array $attachmentIds = [],
        ?string $idempotencyKey = null): array
    {
        $b = ['body' => $body];
        if ($attachmentIds !== []) {
            $b['attachment_ids'] = array_values($attachmentIds);
        }
        return $this->post('/api/v1/threads/' . self::seg($threadId) . '/messages', $b, $idempotencyKey);
    }

    /**
     * A thread's messages, newest first (all pages); with after => ID,
     * those after that message, oldest first.
     *
     * @param array<string, mixed> $filters
     * @return \Generator<int, array<string, mixed>>
     */
    public function messages(string $threadId, array $filters = []): \Generator
    {
        return $this->paginate('/api/v1/threads/' . self::seg($threadId) . '/messages', $filters);
    }

    /** POST /api/v1/threads/{id}/read: read up to (and with) that message. @return array<string, mixed> */
    public function markRead(string $threadId, string $upToMessageId): array
    {
        return $this->post('/api/v1/threads/' . self::seg($threadId) . '/read',
            ['up_to_message_id' => $upToMessageId]);
    }

    /** GET /api/v1/messages/unread-count: total and per thread. @return array<string, mixed> */
    public function unreadCount(): array
    {
        return $this->get('/api/v1/messages/unread-count');
    }
}
