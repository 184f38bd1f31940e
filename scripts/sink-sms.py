#!/usr/bin/env python3
"""sink-sms.py: a Twilio-shaped SMS gateway on loopback that can be told to fail.

The dev stack runs one (scripts/dev up: requests in var/sms/messages.jsonl)
and the notification tests start their own. A real HTTP server (Python's
http.server) on 127.0.0.1 taking the form POST a Twilio-style gateway
takes: To, From (or MessagingServiceSid), Body, with HTTP basic auth.

  sink-sms.py --log FILE [--port N] [--port-file FILE] [--control FILE]
              [--auth USER:PASS] [--tls-cert PEM --tls-key PEM] [--bind 127.X.Y.Z]

Every request is one JSON line in --log: {"status", "path", "user",
"form", "idempotency_key"}; status 201 means accepted. --control FILE:
the first line of FILE for this request ("500", "429 30" = status and
Retry-After, "400"; "500 to=+15551234567" only for that number) is taken
out and answered instead of 201. --auth: other credentials get
401. --port 0 (the default) binds a free port, written to --port-file.
--bind: another loopback address than 127.0.0.1 (never off the host).
"""
import argparse
import base64
import json
import os
import secrets
import signal
import ssl
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()


def take_control(path, to):
    """(status, retry_after) from the first control line for a request to
    number to, removed from the file."""
    if not path or not os.path.exists(path):
        return None
    with open(path) as f:
        lines = f.read().splitlines()
    for i, line in enumerate(lines):
        parts = line.split()
        target = [p[3:] for p in parts if p.startswith("to=")]
        parts = [p for p in parts if not p.startswith("to=")]
        if not parts or not parts[0].isdigit() or (target and target[0] != to):
            continue
        del lines[i]
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write("".join(l + "\n" for l in lines))
        os.replace(tmp, path)
        return int(parts[0]), (parts[1] if len(parts) > 1 else None)
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "sink-sms"

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body, extra=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        args = self.server.args
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n).decode("utf-8", "replace")
        form = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
        user, password = None, None
        auth = self.headers.get("Authorization") or ""
        if auth.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            except ValueError:
                user, password = None, None
        with LOCK:
            if args.auth and [user, password] != args.auth.split(":", 1):
                status, retry = 401, None
            else:
                ctl = take_control(args.control, form.get("To"))
                status, retry = ctl if ctl else (201, None)
            entry = {"status": status, "path": self.path, "user": user,
                     "form": form,
                     "idempotency_key": self.headers.get("Idempotency-Key")}
            with open(args.log, "a") as f:
                f.write(json.dumps(entry) + "\n")
        if status == 201:
            self.reply(201, {"sid": "SM" + secrets.token_hex(16),
                             "status": "queued", "to": form.get("To")})
        elif status == 400:
            self.reply(400, {"code": 21211, "message": "invalid 'To' number",
                             "status": 400})
        else:
            self.reply(status, {"code": 20500, "message": "sink told to fail",
                                "status": status},
                       {"Retry-After": retry} if retry else None)


def main():
    p = argparse.ArgumentParser(description="loopback SMS gateway sink")
    p.add_argument("--log", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--control")
    p.add_argument("--auth")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--bind", default="127.0.0.1")
    args = p.parse_args()
    if not args.bind.startswith("127."):
        p.error("--bind takes a loopback address (127.0.0.0/8)")

    os.makedirs(os.path.dirname(os.path.abspath(args.log)), exist_ok=True)
    httpd = ThreadingHTTPServer((args.bind, args.port), Handler)
    httpd.daemon_threads = True
    httpd.args = args
    if args.tls_cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    port = httpd.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.replace(tmp, args.port_file)
    print("sink-sms: listening on %s:%d" % (args.bind, port), flush=True)

    def stop(sig, frame):
        threading.Thread(target=httpd.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    httpd.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
