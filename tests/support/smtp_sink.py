"""An SMTP server for tests that keeps every message it accepts.

Usage: /usr/bin/python3 smtp_sink.py PORT DIRECTORY [--tls CERT KEY] [--auth USER PASSWORD]

Listens on 127.0.0.1:PORT (aiosmtpd needs an explicit port), prints "ready" once it
accepts connections, then writes each message to DIRECTORY as message-NNNN.eml:

    MAIL FROM: <mail_from>
    RCPT TO: <rcpt>        (one line per recipient)
    <empty line>
    <the message as received, after dot-unstuffing>

Each file is written under a temporary name and renamed, so a reader never sees half of
one. A recipient whose address starts with "reject" is refused (550), to test failures.

--tls offers STARTTLS with the PEM certificate and key given and refuses every mail
command until it has been used (530). --auth requires AUTH PLAIN or LOGIN with that user
and password before MAIL, and only over TLS (538 otherwise), as a submission server does.

DIRECTORY/events.log gets one line per event, N numbering the connections, written before
the reply that ends the command, so a client that has its answer finds the line there:
    mail N tls|clear      a MAIL FROM accepted, over STARTTLS or not
    auth N ok|refused     an AUTH attempt and its answer

Runs until SIGTERM or SIGKILL. Needs Debian's python3-aiosmtpd, hence /usr/bin/python3.
"""

import argparse
import itertools
import os
import signal
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

connection_numbers = itertools.count(1)


def connection_number(server):
    """The SMTP protocol object lives as long as its connection, STARTTLS included."""
    if not hasattr(server, "sink_connection"):
        server.sink_connection = next(connection_numbers)
    return server.sink_connection


events = None  # the open events.log


def event(*words):
    events.write(" ".join(str(word) for word in words) + "\n")
    events.flush()


class KeepMessages:
    def __init__(self, directory):
        self.directory = directory
        self.numbers = itertools.count(1)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        event("mail", connection_number(server), "clear" if session.ssl is None else "tls")
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject"):
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        header = "MAIL FROM: " + envelope.mail_from + "\n"
        header += "".join("RCPT TO: " + rcpt + "\n" for rcpt in envelope.rcpt_tos)
        name = "message-%04d.eml" % next(self.numbers)
        partial = os.path.join(self.directory, "." + name)
        with open(partial, "wb") as out:
            out.write(header.encode() + b"\n" + envelope.original_content)
        os.rename(partial, os.path.join(self.directory, name))
        return "250 2.0.0 Ok: queued as " + name


class OneUser:
    """aiosmtpd's authenticator for PLAIN and LOGIN: auth_data is a LoginPassword."""

    def __init__(self, user, password):
        self.user = user.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = (auth_data.login, auth_data.password) == (self.user, self.password)
        event("auth", connection_number(server), "ok" if ok else "refused")
        # handled=False: aiosmtpd answers a refusal itself (535 5.7.8).
        return AuthResult(success=ok, handled=False, auth_data=auth_data)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("directory")
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--auth", nargs=2, metavar=("USER", "PASSWORD"))
    args = parser.parse_args()
    global events
    events = open(os.path.join(args.directory, "events.log"), "a", encoding="ascii")

    options = {}
    if args.tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*args.tls)
        options.update(tls_context=context, require_starttls=True)
    if args.auth:
        options.update(authenticator=OneUser(*args.auth), auth_required=True,
                       auth_require_tls=True)
    controller = Controller(KeepMessages(args.directory), hostname="127.0.0.1",
                            port=args.port, **options)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
