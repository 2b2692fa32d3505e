"""Reads the messages smtp_sink.py kept, with Python's email package, and prints JSON.

Usage: /usr/bin/python3 parse_email.py FILE...

An independent decoder for the SMTP gateway's tests: whatever Tocsin encodes (RFC 2047
headers, quoted-printable parts, multipart/alternative) is decoded here by the standard
library, so the C++ test compares what was sent with what a mail client would show.

Prints one JSON object: {"messages": [{...}, ...]} in the order of the arguments, each with
the envelope (mail_from, rcpt), decoded headers, both alternatives decoded to text (line
ends as \\n), the defects the parser found, and raw-format facts (longest line in octets,
line feeds without a carriage return).
"""

import email
import email.policy
import email.utils
import json
import sys


def envelope_and_message(raw):
    """smtp_sink.py writes MAIL FROM / RCPT TO lines, an empty line, then the message."""
    head, _, message = raw.partition(b"\n\n")
    mail_from = ""
    rcpt = []
    for line in head.decode().split("\n"):
        if line.startswith("MAIL FROM: "):
            mail_from = line[len("MAIL FROM: "):]
        elif line.startswith("RCPT TO: "):
            rcpt.append(line[len("RCPT TO: "):])
    return mail_from, rcpt, message


def text_of(part):
    if part is None:
        return None
    return part.get_content().replace("\r\n", "\n")


def describe(path):
    with open(path, "rb") as f:
        raw = f.read()
    mail_from, rcpt, data = envelope_and_message(raw)
    msg = email.message_from_bytes(data, policy=email.policy.default)

    defects = [type(d).__name__ for part in msg.walk() for d in part.defects]
    for name, value in msg.items():
        defects += ["%s: %s" % (name, type(d).__name__) for d in getattr(value, "defects", ())]

    try:
        date_ok = email.utils.parsedate_to_datetime(str(msg["Date"])) is not None
    except (TypeError, ValueError):
        date_ok = False

    sender = msg["From"].addresses[0] if msg["From"] is not None else None
    lines = data.split(b"\r\n")
    return {
        "mail_from": mail_from,
        "rcpt": rcpt,
        "subject": str(msg["Subject"]),
        "from_name": sender.display_name if sender else "",
        "from_address": sender.addr_spec if sender else "",
        "to": str(msg["To"]),
        "message_id": str(msg["Message-ID"]),
        "date_ok": date_ok,
        "mime_version": str(msg["MIME-Version"]),
        "content_language": str(msg["Content-Language"]),
        "auto_submitted": str(msg["Auto-Submitted"]),
        "list_unsubscribe": str(msg["List-Unsubscribe"]),
        "list_unsubscribe_post": str(msg["List-Unsubscribe-Post"]),
        "content_type": msg.get_content_type(),
        "alternatives": [part.get_content_type() for part in msg.iter_parts()],
        "charsets": [str(part.get_content_charset()) for part in msg.iter_parts()],
        "plain": text_of(msg.get_body(("plain",))),
        "html": text_of(msg.get_body(("html",))),
        "defects": defects,
        "longest_line": max(len(line) for line in lines),
        "bare_line_feeds": data.count(b"\n") - data.count(b"\r\n"),
    }


def main():
    print(json.dumps({"messages": [describe(path) for path in sys.argv[1:]]}))


if __name__ == "__main__":
    main()
