<?php

declare(strict_types=1);

namespace Concierge\Api;

/** The caller's realtime events, JSON form (docs/EVENTS.md): plain reads and long-polls. */
trait Events
{
    /**
     * GET /api/v1/events: the events after $after (null: only the cursor of
     * the head, so later calls get what happens from now on), oldest first.
     * With $wait (1..25 s) the server holds the request until there is one.
     *
     * @return array{data: list<array<string, mixed>>, last_id: int}
     */
    public function events(?int $after = null, ?int $wait = null, ?int $limit = null): array
    {
        $r = $this->get('/api/v1/events', ['after' => $after, 'wait' => $wait, 'limit' => $limit],
            $wait === null ? null : $wait + 15.0);
        $r['last_id'] = (int) $r['last_id'];
        return $r;
    }

    /**
     * Every event after $after, as they come (long-polls of $wait seconds,
     * resuming from the last id seen), until $seconds have passed (null:
     * for ever). Keys are event ids: foreach ($c->eventStream($id) as $id => $ev).
     *
     * @return \Generator<int, array<string, mixed>>
     */
    public function eventStream(?int $after = null, int $wait = 20, ?float $seconds = null): \Generator
    {
        $end = $seconds === null ? null : microtime(true) + $seconds;
        if ($after === null) {
            $after = $this->events()['last_id'];
        }
        while ($end === null || microtime(true) < $end) {
            $w = $end === null ? $wait : (int) max(1, min($wait, ceil($end - microtime(true))));
            $batch = $this->events($after, $w);
            foreach ($batch['data'] as $ev) {
                yield (int) $ev['id'] => $ev;
            }
            $after = max($after, $batch['last_id']);
        }
    }
}
