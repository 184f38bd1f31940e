#!/usr/bin/env python3
"""fcgi-client.py: send one FastCGI request over a unix socket, print the reply.

usage: fcgi-client.py SOCKET [-m METHOD] [-u URI] [-t CONTENT_TYPE]
                      [-H 'Name: value']... [-d BODY | -f FILE]
                      [--hold FILE] [--hold-params FILE]
                      [--request-id ID] [--timeout SECONDS]

The CGI response (Status: line, headers, body) goes to stdout, the worker's
FCGI_STDERR to stderr. --hold FILE: after the params are sent, write
"params sent" to stderr and send the body only once FILE exists (so the
request is surely in a worker's hands). --hold-params FILE: send only the
first half of the params, write "params started" to stderr, and send the
rest (and the body) once FILE exists: the worker has accepted the
connection and is reading its parameters. Exit status: 0 when the request
ended normally (FCGI_END_REQUEST, protocol status 0), 3 when the connection
closed first, 4 on timeout, 1 when the socket cannot be reached.
"""
import argparse
import os
import socket
import struct
import sys
import threading
import time

BEGIN, END, PARAMS, STDIN, STDOUT, STDERR = 1, 3, 4, 5, 6, 7
REQ_ID = 1


def record(rtype, content=b""):
    out = b""
    while True:
        chunk, content = content[:65535], content[65535:]
        pad = (8 - len(chunk) % 8) % 8
        out += struct.pack(">BBHHBx", 1, rtype, REQ_ID, len(chunk), pad) + chunk + b"\0" * pad
        if not content:
            return out


def nv_len(n):
    return struct.pack(">B", n) if n < 128 else struct.pack(">I", n | 0x80000000)


def params_data(pairs):
    return b"".join(nv_len(len(k)) + nv_len(len(v)) + k + v for k, v in pairs)


def params(pairs):
    return record(PARAMS, params_data(pairs)) + record(PARAMS)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("socket")
    ap.add_argument("-m", "--method", default="GET")
    ap.add_argument("-u", "--uri", default="/")
    ap.add_argument("-t", "--content-type")
    ap.add_argument("-H", "--header", action="append", default=[])
    ap.add_argument("-d", "--data")
    ap.add_argument("-f", "--file")
    ap.add_argument("--hold")
    ap.add_argument("--hold-params")
    ap.add_argument("--request-id", default=os.urandom(16).hex())
    ap.add_argument("--timeout", type=float, default=20.0)
    a = ap.parse_args()

    body = b""
    if a.data is not None:
        body = a.data.encode()
    elif a.file is not None:
        with open(a.file, "rb") as f:
            body = f.read()
    path, _, query = a.uri.partition("?")
    env = [("GATEWAY_INTERFACE", "CGI/1.1"), ("SERVER_PROTOCOL", "HTTP/1.1"),
           ("REQUEST_METHOD", a.method), ("REQUEST_URI", a.uri),
           ("DOCUMENT_URI", path), ("SCRIPT_NAME", path), ("QUERY_STRING", query),
           ("REMOTE_ADDR", "127.0.0.1"), ("REQUEST_ID", a.request_id)]
    if a.content_type:
        env.append(("CONTENT_TYPE", a.content_type))
    if body or a.method in ("POST", "PUT", "PATCH"):
        env.append(("CONTENT_LENGTH", str(len(body))))
    for h in a.header:
        name, _, value = h.partition(":")
        env.append(("HTTP_" + name.strip().upper().replace("-", "_"), value.strip()))
    pairs = [(k.encode(), v.encode()) for k, v in env]

    deadline = time.monotonic() + a.timeout
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(a.timeout)
    try:
        s.connect(a.socket)
    except OSError as e:
        print("fcgi-client: connect %s: %s" % (a.socket, e), file=sys.stderr)
        return 1

    pdata = params_data(pairs)
    half = len(pdata) // 2 if a.hold_params else len(pdata)

    def wait_for(path):
        while not os.path.exists(path):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def send_rest():
        # In a thread: the worker may answer (413) without reading the body.
        try:
            if a.hold_params:
                print("params started", file=sys.stderr, flush=True)
                if not wait_for(a.hold_params):
                    return
                s.sendall(record(PARAMS, pdata[half:]) + record(PARAMS))
            if a.hold:
                print("params sent", file=sys.stderr, flush=True)
                if not wait_for(a.hold):
                    return
            s.sendall((record(STDIN, body) if body else b"") + record(STDIN))
        except OSError:
            pass

    try:
        first = record(PARAMS, pdata[:half])
        if not a.hold_params:
            first += record(PARAMS)
        s.sendall(record(BEGIN, struct.pack(">HB5x", 1, 0)) + first)
        sender = threading.Thread(target=send_rest, daemon=True)
        sender.start()
        buf = b""
        while True:
            while len(buf) >= 8:
                _, rtype, _, clen, pad = struct.unpack(">BBHHBx", buf[:8])
                if len(buf) < 8 + clen + pad:
                    break
                content, buf = buf[8:8 + clen], buf[8 + clen + pad:]
                if rtype == STDOUT:
                    sys.stdout.buffer.write(content)
                elif rtype == STDERR:
                    sys.stderr.buffer.write(content)
                elif rtype == END:
                    sys.stdout.flush()
                    _, proto = struct.unpack(">IB3x", content)
                    return 0 if proto == 0 else 3
            s.settimeout(max(0.01, deadline - time.monotonic()))
            data = s.recv(65536)
            if not data:
                sys.stdout.flush()
                print("fcgi-client: connection closed before the end", file=sys.stderr)
                return 3
            buf += data
    except socket.timeout:
        print("fcgi-client: timed out", file=sys.stderr)
        return 4
    except OSError as e:
        print("fcgi-client: %s" % e, file=sys.stderr)
        return 3
    finally:
        s.close()


if __name__ == "__main__":
    sys.exit(main())
