#!/usr/bin/env python3
"""robust-chaos-load.py: the client side of e2e-robust-chaos.sh.

Runs JOBS (JSON lines) in threads for SECONDS against BASE, as a careful
client would while workers die under it: every write carries an
Idempotency-Key, and a 5xx or a broken connection is sent again with the
same key (a bounded number of times) until the answer is definitive.
Writes one JSON line per write to OUT:
  {"kind", "key", "status" (final; 0 = never definitive), "code" (of a
   problem reply), "id" (of a 201), "tries", "transient": [statuses or
   "conn" before the final one]}
A 409 idempotency_reply_lost (the request committed, its worker died
before storing the reply) or idempotency_in_progress (it died before
committing; the claim is taken over only after IDEM_STALE_SECONDS) is
final here: the client would read the resource instead.

Jobs:
  {"kind": "book", "token": T, "provider": P, "slots": [RFC 3339, ...]}
      books the slots in turn (30 minutes each); several patients share a
      provider and its slots, so most bookings are 409 slot_taken.
  {"kind": "msg", "token": T, "thread": ID}
      posts messages to the thread.

usage: robust-chaos-load.py BASE JOBS SECONDS OUT
CHAOS_STOP_FILE=PATH ends it early once PATH exists.
"""
import http.client
import json
import os
import secrets
import sys
import threading
import time
import urllib.parse

# Sends of one key at most (5 s and more); CHAOS_TRIES=1: every answer is
# final (a 503 included), for the database-outage test.
TRIES = int(os.environ.get("CHAOS_TRIES", "100"))
PAUSE = 0.05        # seconds between sends of one key


def send(base, path, token, key, body):
    """One POST; (status, parsed body or None), status 'conn' if it broke."""
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        conn.request("POST", path, body=json.dumps(body), headers={
            "Authorization": "Bearer " + token,
            "Content-Type": "application/json",
            "Idempotency-Key": key})
        r = conn.getresponse()
        data = r.read()
        try:
            doc = json.loads(data) if data else None
        except ValueError:
            doc = None
        return r.status, doc
    except (OSError, http.client.HTTPException):
        return "conn", None
    finally:
        conn.close()


def write(base, path, token, body, kind):
    key = secrets.token_hex(16)
    transient = []
    for n in range(1, TRIES + 1):
        t0 = time.monotonic()
        status, doc = send(base, path, token, key, body)
        ms = round((time.monotonic() - t0) * 1000)
        if status != "conn" and (status < 500 or TRIES == 1):
            rid = code = None
            if isinstance(doc, dict):
                rid = doc.get("id") if status == 201 else None
                code = doc.get("code") if status >= 400 else None
            return {"kind": kind, "key": key, "status": status, "code": code,
                    "id": rid, "tries": n, "ms": ms, "transient": transient}
        transient.append(status)
        time.sleep(PAUSE)
    return {"kind": kind, "key": key, "status": 0, "code": None, "id": None,
            "tries": TRIES, "ms": None, "transient": transient}


def run(base, job, deadline, out, lock):
    i = 0
    stop = os.environ.get("CHAOS_STOP_FILE")
    while time.monotonic() < deadline and not (stop and os.path.exists(stop)):
        if job["kind"] == "book":
            if i >= len(job["slots"]):
                break
            rec = write(base, "/api/v1/appointments", job["token"],
                        {"provider_id": job["provider"], "start_at": job["slots"][i],
                         "duration_minutes": 30, "visit_type": "video"}, "book")
        else:
            rec = write(base, "/api/v1/threads/%s/messages" % job["thread"],
                        job["token"], {"body": "chaos message %d" % i}, "msg")
        i += 1
        with lock:
            out.write(json.dumps(rec) + "\n")
            out.flush()


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    base, jobs_file, seconds, out_file = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
    with open(jobs_file) as f:
        jobs = [json.loads(line) for line in f if line.strip()]
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    with open(out_file, "w") as out:
        threads = [threading.Thread(target=run, args=(base, j, deadline, out, lock))
                   for j in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


if __name__ == "__main__":
    main()
