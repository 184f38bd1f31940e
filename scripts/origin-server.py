#!/usr/bin/env python3
"""scripts/origin-server.py: the dev stack's second web origin (docs/CORS.md).

Serves one folder of static pages on two loopback ports picked by the
kernel (port 0), so a browser sees two origins other than the API's:
http://127.0.0.1:A, which scripts/dev lists in cors.allowed_origins, and
http://127.0.0.1:B, which it does not. Writes "A B" to --port-file once
both listen. GET and HEAD only; nothing is logged but errors.
"""
import argparse
import functools
import http.server
import os
import sys
import threading


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port-file", required=True)
    a = ap.parse_args()
    handler = functools.partial(Quiet, directory=a.dir)
    servers = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
               for _ in range(2)]
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(" ".join(str(s.server_address[1]) for s in servers) + "\n")
    os.replace(tmp, a.port_file)
    threading.Thread(target=servers[1].serve_forever, daemon=True).start()
    try:
        servers[0].serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
