#!/usr/bin/env python3
"""notify-mail.py DIR: each message an SMTP sink stored in DIR (*.eml, in
order) as one JSON line, read with Python's email package (the modern
policy, which decodes RFC 2047 words and quoted-printable and records
every defect it finds):

  {"file", "to", "from", "subject", "subject_raw", "date", "date_ok",
   "message_id", "auto_submitted", "mime_version", "content_type",
   "charset", "cte", "body", "defects", "long_lines", "bare_lf"}

long_lines counts raw lines over 78 characters (998 is the hard limit;
a folded, encoded message keeps to 78); bare_lf counts LF not after CR.
"""
import email
import email.policy
import email.utils
import json
import os
import sys


def main():
    d = sys.argv[1]
    for name in sorted(n for n in os.listdir(d) if n.endswith(".eml")):
        raw = open(os.path.join(d, name), "rb").read()
        m = email.message_from_bytes(raw, policy=email.policy.default)
        head = raw.split(b"\r\n\r\n", 1)[0]
        raw_subject = b""
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"subject:"):
                raw_subject = line[8:].strip()
        try:
            date_ok = email.utils.parsedate_to_datetime(m["Date"]) is not None
        except (TypeError, ValueError):
            date_ok = False
        defects = [type(x).__name__ for x in m.defects]
        for h in ("From", "To", "Subject", "Date", "Message-ID"):
            v = m[h]
            if v is not None and getattr(v, "defects", None):
                defects += [h + ":" + type(x).__name__ for x in v.defects]
        addr = email.utils.parseaddr(str(m["To"] or ""))[1]
        print(json.dumps({
            "file": name,
            "to": addr,
            "from": str(m["From"]),
            "subject": str(m["Subject"]),
            "subject_raw": raw_subject.decode("ascii", "replace"),
            "date": str(m["Date"]),
            "date_ok": date_ok,
            "message_id": str(m["Message-ID"]),
            "auto_submitted": str(m["Auto-Submitted"]),
            "mime_version": str(m["MIME-Version"]),
            "content_type": m.get_content_type(),
            "charset": m.get_content_charset(),
            "cte": str(m["Content-Transfer-Encoding"]),
            "body": m.get_content(),
            "defects": defects,
            "long_lines": sum(1 for l in raw.split(b"\r\n") if len(l) > 78),
            "bare_lf": raw.count(b"\n") - raw.count(b"\r\n"),
        }, ensure_ascii=False))


if __name__ == "__main__":
    main()
