#!/usr/bin/env python3
"""Hostile and slow HTTP clients for tests/e2e/e2e-robust-edge.sh and
e2e-robust-slow.sh (issue 15, parts 3 and 4). Every run is bounded: a fixed
number of sockets, closed before it exits. Prints one JSON object.

  raw PORT                 send stdin as one request from 127.0.0.1; print
                           {"reply": text, "closed_without_reply": bool}
  limit PORT SRC HELD      HELD+EXTRA requests from SRC that send their
        EXTRA IDLE         headers and hold the body back, IDLE connections
                           from SRC that send nothing, and meanwhile
                           requests from 127.0.0.1 and SRC
  slow PORT SRC HEADERS    served count of 127.0.0.1 requests in SECONDS,
       BODIES SECONDS      unloaded, then with HEADERS slow-header and
                           BODIES slow-body clients from SRC
  short-body PORT PATH     a POST whose body stops short of its
                           Content-Length: seconds until nginx ends it
"""
import asyncio
import json
import resource
import sys
import time

HOST = "127.0.0.1"
PROBE = b"GET /healthz/auth HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
HELD_REQ = (b"POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/json\r\nContent-Length: 4096\r\n\r\n")


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def connect(port, src):
    return await asyncio.wait_for(
        asyncio.open_connection(HOST, port, local_addr=(src, 0)), 10)


async def request(port, src, data=PROBE, timeout=10):
    """One request on a new connection: the status (0: no reply)."""
    try:
        r, w = await connect(port, src)
        w.write(data)
        await w.drain()
        line = await asyncio.wait_for(r.readline(), timeout)
        w.close()
        parts = line.split()
        return int(parts[1]) if len(parts) > 1 else 0
    except (OSError, asyncio.TimeoutError, ValueError):
        return 0


async def first_bytes(r, timeout):
    try:
        return await asyncio.wait_for(r.read(4096), timeout)
    except asyncio.TimeoutError:
        return None
    except OSError:
        return b""


def complete(out):
    """A whole reply: headers and Content-Length bytes of body (nginx may
    linger before it closes, reading a body it refused)."""
    head, sep, body = out.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value.strip())
    return False


async def cmd_raw(port):
    data = sys.stdin.buffer.read()
    r, w = await connect(port, HOST)
    w.write(data)
    await w.drain()
    out = b""
    try:
        while not complete(out):
            b = await asyncio.wait_for(r.read(65536), 10)
            if not b:
                break
            out += b
    except (ConnectionResetError, BrokenPipeError):
        pass
    w.close()
    return {"reply": out.decode("latin-1"), "closed_without_reply": out == b""}


async def cmd_limit(port, src, held, extra, idle):
    conns = []
    try:
        for _ in range(held + extra):
            r, w = await connect(port, src)
            w.write(HELD_REQ)
            conns.append((r, w))
        await asyncio.gather(*(w.drain() for _, w in conns))
        # Refused ones answer at once; held ones say nothing.
        replies = await asyncio.gather(*(first_bytes(r, 2) for r, _ in conns))
        n429 = sum(1 for b in replies if b and b.startswith(b"HTTP/1.1 429"))
        problem = sum(1 for b in replies if b and b"application/problem+json" in b
                      and b'"status":429' in b)
        silent = sum(1 for b in replies if b is None)
        local = await asyncio.gather(*(request(port, HOST) for _ in range(20)))
        same = await request(port, src)
        for r, w in conns:
            w.close()
        conns = []
        # nginx frees the slots as it sees the connections close.
        again = 0
        for _ in range(50):
            again = await request(port, src)
            if again == 200:
                break
            await asyncio.sleep(0.1)
        # Connections that send nothing at all.
        for _ in range(idle):
            conns.append(await connect(port, src))
        local_idle = await asyncio.gather(*(request(port, HOST) for _ in range(20)))
        same_idle = await request(port, src)
        t0 = time.monotonic()
        closed = await asyncio.gather(*(first_bytes(r, 30) for r, _ in conns))
        idle_secs = time.monotonic() - t0
        return {
            "held": silent, "refused_429": n429, "refused_problem": problem,
            "local_200": local.count(200), "same_addr_while_full": same,
            "same_addr_after": again, "idle": len(conns),
            "idle_local_200": local_idle.count(200),
            "idle_same_addr": same_idle,
            "idle_closed_by_server": sum(1 for b in closed if b is not None),
            "idle_closed_within_s": round(idle_secs, 2),
        }
    finally:
        for r, w in conns:
            w.close()


async def served(port, seconds):
    """Requests from 127.0.0.1 answered 200, one after another, in seconds."""
    n = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if await request(port, HOST) == 200:
            n += 1
    return n


async def slow_client(port, src, data, stop, opened):
    """Send data a byte every 0.5 s until stopped (reconnect if cut off)."""
    while not stop.is_set():
        try:
            r, w = await connect(port, src)
        except (OSError, asyncio.TimeoutError):
            await asyncio.sleep(0.5)
            continue
        opened[0] += 1
        try:
            for i in range(len(data)):
                if stop.is_set():
                    break
                w.write(data[i:i + 1])
                await w.drain()
                await asyncio.sleep(0.5)
        except OSError:
            pass
        w.close()


async def cmd_slow(port, src, headers, bodies, seconds):
    base = await served(port, seconds)
    stop = asyncio.Event()
    opened = [0]
    hdr = (b"GET /healthz/auth HTTP/1.1\r\nHost: localhost\r\nX-Slow: "
           + b"a" * 64 + b"\r\n\r\n")
    body = HELD_REQ + b"{" + b" " * 200
    tasks = [asyncio.ensure_future(slow_client(port, src, hdr, stop, opened))
             for _ in range(headers)]
    tasks += [asyncio.ensure_future(slow_client(port, src, body, stop, opened))
              for _ in range(bodies)]
    for _ in range(100):
        if opened[0] >= headers + bodies:
            break
        await asyncio.sleep(0.05)
    open_at_start = opened[0]
    loaded = await served(port, seconds)
    stop.set()
    await asyncio.gather(*tasks)
    return {"unloaded": base, "loaded": loaded, "slow_clients": open_at_start}


async def cmd_short_body(port, path):
    r, w = await connect(port, HOST)
    w.write(("POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
             "application/json\r\nContent-Length: 100\r\n\r\n{\"email\":"
             % path).encode())
    await w.drain()
    t0 = time.monotonic()
    got = await first_bytes(r, 60)
    secs = time.monotonic() - t0
    w.close()
    return {"seconds": round(secs, 2),
            "reply": (got or b"").decode("latin-1")[:200],
            "ended": got is not None}


def main(argv):
    raise_nofile()
    cmd, port = argv[1], int(argv[2])
    if cmd == "raw":
        res = asyncio.run(cmd_raw(port))
    elif cmd == "limit":
        res = asyncio.run(cmd_limit(port, argv[3], int(argv[4]), int(argv[5]),
                                    int(argv[6])))
    elif cmd == "slow":
        res = asyncio.run(cmd_slow(port, argv[3], int(argv[4]), int(argv[5]),
                                   float(argv[6])))
    elif cmd == "short-body":
        res = asyncio.run(cmd_short_body(port, argv[3]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
