#!/usr/bin/env python3
"""sink-smtp.py: a real SMTP server on loopback that keeps what it accepts.

The dev stack runs one (scripts/dev up: messages in var/mail/) and the
notification tests start their own. It is aiosmtpd (Debian's
python3-aiosmtpd) on 127.0.0.1, so libcurl talks real SMTP to it:
EHLO, optional AUTH and STARTTLS (or implicit TLS), MAIL, RCPT, DATA.

  sink-smtp.py --dir DIR [--port N] [--port-file FILE] [--control FILE]
               [--delay-ms N] [--gate N] [--hold-at N --release FILE]
               [--max-files N] [--discard] [--auth USER:PASS]
               [--tls-cert PEM --tls-key PEM [--smtps]] [--bind 127.X.Y.Z]

Each accepted message is DIR/NNNNNNNN.eml (the bytes as received) and a
line "NNNNNNNN.eml <mail-from> <rcpt>..." in DIR/index. --port 0 (the
default) binds a free port; the port is written to --port-file once the
server listens. --control FILE: before answering RCPT or DATA, the first
line of FILE naming that stage ("rcpt 450", "data 550", optionally with
the recipient it is for: "rcpt 450 pat@example.test") is taken out and
its code answered instead. --delay-ms: wait that long after storing a
message before answering 250 (a sender killed meanwhile has delivered a
message it never saw accepted). --gate N: hold every DATA answer until N
sessions have said EHLO (so N senders are known to run at once).
--hold-at N --release FILE: store the Nth message, then hold its 250 until
FILE exists (a test knows the sender is between sending and recording for
exactly that message, however slow the machine).
--max-files: keep only the newest N messages. --discard: keep nothing, only
count (DIR/count, written at exit; for the bench). --bind: another loopback
address than 127.0.0.1 (never off the host). SIGTERM stops it.
"""
import argparse
import asyncio
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult


def take_control(path, stage, rcpts):
    """The code of the first control line for stage (and one of rcpts, if
    the line names a recipient), removed from the file."""
    if not path or not os.path.exists(path):
        return None
    with open(path) as f:
        lines = f.read().splitlines()
    for i, line in enumerate(lines):
        parts = line.split()
        if (len(parts) in (2, 3) and parts[0] == stage and parts[1].isdigit()
                and (len(parts) == 2 or parts[2] in rcpts)):
            del lines[i]
            tmp = path + ".tmp"
            with open(tmp, "w") as f:
                f.write("".join(l + "\n" for l in lines))
            os.replace(tmp, path)
            return int(parts[1])
    return None


class Sink:
    def __init__(self, args):
        self.args = args
        self.dir = args.dir
        os.makedirs(self.dir, exist_ok=True)
        names = [n for n in os.listdir(self.dir) if n.endswith(".eml")]
        self.seq = max([int(n[:-4]) for n in names if n[:-4].isdigit()] or [0])
        self.sessions = 0
        self.gate = asyncio.Event()
        if args.gate <= 0:
            self.gate.set()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self.sessions += 1
        if self.sessions >= self.args.gate:
            self.gate.set()
        return responses

    async def handle_RCPT(self, server, session, envelope, address, options):
        code = take_control(self.args.control, "rcpt", [address])
        if code is not None:
            return "%d sink told to refuse this recipient" % code
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        code = take_control(self.args.control, "data", envelope.rcpt_tos)
        if code is not None:
            return "%d sink told to refuse this message" % code
        self.seq += 1
        if self.args.discard:
            return "250 Message accepted"
        name = "%08d.eml" % self.seq
        tmp = os.path.join(self.dir, "." + name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.replace(tmp, os.path.join(self.dir, name))
        with open(os.path.join(self.dir, "index"), "a") as f:
            f.write("%s %s %s\n" % (name, envelope.mail_from,
                                    " ".join(envelope.rcpt_tos)))
        self.prune()
        try:
            await asyncio.wait_for(self.gate.wait(), 60)
        except asyncio.TimeoutError:
            pass
        if self.args.delay_ms > 0:
            await asyncio.sleep(self.args.delay_ms / 1000)
        if self.args.hold_at > 0 and self.seq == self.args.hold_at:
            while not os.path.exists(self.args.release):
                await asyncio.sleep(0.05)
        return "250 Message accepted"

    def prune(self):
        if self.args.max_files <= 0 or self.seq % 50:
            return
        names = sorted(n for n in os.listdir(self.dir) if n.endswith(".eml"))
        for n in names[:-self.args.max_files]:
            os.unlink(os.path.join(self.dir, n))


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (auth_data.login.decode() == user and
              auth_data.password.decode() == password)
        return AuthResult(success=ok, handled=False)
    return check


def main():
    p = argparse.ArgumentParser(description="loopback SMTP sink")
    p.add_argument("--dir", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--control")
    p.add_argument("--delay-ms", type=int, default=0)
    p.add_argument("--gate", type=int, default=0)
    p.add_argument("--hold-at", type=int, default=0)
    p.add_argument("--release")
    p.add_argument("--max-files", type=int, default=0)
    p.add_argument("--discard", action="store_true")
    p.add_argument("--auth")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--smtps", action="store_true")
    p.add_argument("--bind", default="127.0.0.1")
    args = p.parse_args()
    if not args.bind.startswith("127."):
        p.error("--bind takes a loopback address (127.0.0.0/8)")
    if args.hold_at > 0 and not args.release:
        p.error("--hold-at needs --release FILE")

    sink = Sink(args)
    tls = None
    if args.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
    kw = {"hostname": "sink.test", "ident": "concierge sink",
          "data_size_limit": 1 << 20}
    if args.auth:
        user, _, password = args.auth.partition(":")
        kw.update(authenticator=authenticator(user, password),
                  auth_required=True, auth_require_tls=bool(tls and not args.smtps))
    if tls and not args.smtps:
        kw.update(tls_context=tls, require_starttls=True)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(
        lambda: SMTP(sink, loop=loop, **kw), args.bind, args.port,
        ssl=tls if args.smtps else None))
    port = server.sockets[0].getsockname()[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.replace(tmp, args.port_file)
    print("sink-smtp: listening on %s:%d" % (args.bind, port), flush=True)
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, loop.stop)
    loop.run_forever()
    server.close()
    if args.discard:
        with open(os.path.join(args.dir, "count"), "w") as f:
            f.write("%d\n" % sink.seq)
    return 0


if __name__ == "__main__":
    sys.exit(main())
