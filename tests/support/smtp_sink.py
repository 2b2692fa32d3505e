"""An SMTP server for tests that keeps every message it accepts.

Usage: /usr/bin/python3 smtp_sink.py PORT DIRECTORY

Listens on 127.0.0.1:PORT (aiosmtpd needs an explicit port), prints "ready" once it
accepts connections, then writes each message to DIRECTORY as message-NNNN.eml:

    MAIL FROM: <mail_from>
    RCPT TO: <rcpt>        (one line per recipient)
    <empty line>
    <the message as received, after dot-unstuffing>

Each file is written under a temporary name and renamed, so a reader never sees half of
one. A recipient whose address starts with "reject" is refused (550), to test failures.
Runs until SIGTERM or SIGKILL. Needs Debian's python3-aiosmtpd, hence /usr/bin/python3.
"""

import itertools
import os
import signal
import sys
import threading

from aiosmtpd.controller import Controller


class KeepMessages:
    def __init__(self, directory):
        self.directory = directory
        self.numbers = itertools.count(1)

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


def main():
    port = int(sys.argv[1])
    directory = sys.argv[2]
    controller = Controller(KeepMessages(directory), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
