"""An SMTP server on loopback for the outbox's tests (aiosmtpd, the Debian
package python3-aiosmtpd, which scripts/install-deps --tests installs).

    /usr/bin/python3 tests/smtp_sink.py DIR [--port N] [--refuse ADDRESS]... [--defer N] [--delay-ms N]

Keeps each message it accepts as DIR/NNNN.eml (the bytes received, in
order of arrival) with, unpacked for the tests, DIR/NNNN.json (envelope
recipients, Message-ID, To, Subject, the text part) and DIR/NNNN.pdf (the
attachment); prints `port N` once listening, and answers as a real server
would:
  --refuse ADDRESS   550 (permanent) for that recipient;
  --defer N          451 (temporary) for the first N messages' recipients;
  --delay-ms N       answers N ms after it has each message (a slow relay).
Runs until killed.
"""

import argparse
import asyncio
import email
import email.policy
import itertools
import json
import os
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory, refused, deferred, delay_ms=0):
        self.delay = delay_ms / 1000
        self.directory = directory
        self.refused = {address.lower() for address in refused}
        self.deferred = deferred
        self.numbers = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refused:
            return "550 5.1.1 Adresse inconnue"
        if self.deferred > 0:
            self.deferred -= 1
            return "451 4.3.0 Reessayez plus tard"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        number = next(self.numbers)
        content = envelope.original_content or envelope.content
        stem = os.path.join(self.directory, f"{number:04d}")
        message = email.message_from_bytes(content, policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",))
        summary = {
            "rcpt_tos": envelope.rcpt_tos,
            "message_id": message["Message-ID"],
            "to": str(message["To"]),
            "subject": str(message["Subject"]),
            "text": text.get_content() if text is not None else "",
        }
        for part in message.iter_attachments():
            if part.get_content_type() == "application/pdf":
                write(stem + ".pdf", part.get_content())
                summary["filename"] = part.get_filename()
        write(stem + ".json", json.dumps(summary).encode())
        # Written last: a test that sees the .eml sees the rest.
        write(stem + ".eml", content)
        # A slow relay answers after it has the message: a client killed
        # meanwhile sent it without knowing.
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted"


def write(path, data):
    temporary = path + ".part"
    with open(temporary, "wb") as out:
        out.write(data)
    os.replace(temporary, path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--refuse", action="append", default=[])
    parser.add_argument("--defer", type=int, default=0)
    parser.add_argument("--delay-ms", type=int, default=0)
    args = parser.parse_args()
    sink = Sink(args.directory, args.refuse, args.defer, args.delay_ms)
    controller = Controller(sink, hostname="127.0.0.1", port=args.port or 0)
    if not args.port:
        # aiosmtpd 1.4 needs a port: take a free one from the system.
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            controller.port = probe.getsockname()[1]
    controller.start()
    print(f"port {controller.port}", flush=True)
    try:
        asyncio.get_event_loop().run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    sys.exit(main())
