"""A tiny real SMTP server for the tests (standard library only: ``smtpd`` is gone from Python 3.12).
It speaks enough of RFC 5321 for Django's SMTP backend — EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP,
QUIT — and keeps each message it accepts. ``refuse`` lists recipients answered 550 (a permanent
refusal); ``busy`` answers the next N messages 451 (a temporary one)."""

from __future__ import annotations

import email
import email.policy
import socketserver
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def subject(self) -> str:
        # Django folds a long encoded subject right after "Subject:"; the unfolded value starts with the
        # folding space, which mail clients drop.
        return str(self.message["Subject"]).strip()

    @property
    def text(self) -> str:
        body = self.message.get_body(preferencelist=("plain",))
        assert body is not None
        return str(body.get_content()).replace("\r\n", "\n")  # lines travel with CRLF


@dataclass
class Mailbox:
    messages: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    busy: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Session(socketserver.StreamRequestHandler):
    server: SmtpServer

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        box = self.server.mailbox
        sender, recipients = "", list[str]()
        self.reply("220 localhost motcua test SMTP")
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line[:4].upper()
            if verb == "EHLO":
                self.reply("250-localhost")
                self.reply("250-8BITMIME")
                self.reply("250 SMTPUTF8")
            elif verb == "HELO":
                self.reply("250 localhost")
            elif verb == "MAIL":
                sender, recipients = line.split(":", 1)[1].strip().split(" ")[0].strip("<>"), []
                self.reply("250 OK")
            elif verb == "RCPT":
                address = line.split(":", 1)[1].strip().split(" ")[0].strip("<>")
                if address in box.refuse:
                    self.reply("550 5.1.1 Mailbox unavailable")
                else:
                    recipients.append(address)
                    self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    chunk = self.rfile.readline()
                    if chunk in (b".\r\n", b".\n", b""):
                        break
                    lines.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                with box.lock:
                    if box.busy > 0:
                        box.busy -= 1
                        self.reply("451 4.3.0 Try again later")
                        continue
                    box.messages.append(Received(sender, list(recipients), b"".join(lines)))
                self.reply("250 OK queued")
            elif verb == "RSET":
                sender, recipients = "", []
                self.reply("250 OK")
            elif verb == "NOOP":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class SmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Session)
        self.mailbox = Mailbox()

    @property
    def port(self) -> int:
        return int(self.server_address[1])


def start() -> SmtpServer:
    """Serve on a free loopback port in a daemon thread; ``server.shutdown()`` stops it."""
    server = SmtpServer()
    threading.Thread(target=server.serve_forever, name="smtp", daemon=True).start()
    return server
