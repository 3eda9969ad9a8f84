"""A real SMTP server on loopback for tests (aiosmtpd), and what it received."""

import email
import email.policy
import logging
import socket
import threading
import time


class SMTPMailbox:
    """What the server received: parsed messages, in arrival order.

    ``refuse`` maps an address to an SMTP reply ("550 No such user",
    "451 Try later") given at RCPT time, to play a failing mail server.
    """

    def __init__(self):
        self.messages = []  # email.message.EmailMessage, policy=default
        self.refuse: dict[str, str] = {}
        self.refuse_senders: dict[str, str] = {}
        self.on_message = None  # called with each message as it arrives
        self._lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if address in self.refuse_senders:
            return self.refuse_senders[address]
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(
            envelope.content, policy=email.policy.default
        )
        message.envelope_to = list(envelope.rcpt_tos)
        message.peer = session.peer  # which client connection sent it
        with self._lock:
            self.messages.append(message)
        if self.on_message is not None:
            self.on_message(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        with self._lock:
            return [m for m in self.messages if address in m.envelope_to]

    def wait_for(self, predicate, timeout: float = 10.0):
        """Return the first message for which ``predicate`` is true, polling."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                found = [m for m in self.messages if predicate(m)]
            if found:
                return found[0]
            if time.monotonic() >= deadline:
                got = [(m["To"], m["Subject"]) for m in self.messages]
                raise AssertionError(f"no such message within {timeout}s; got {got}")
            time.sleep(0.1)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(mailbox: SMTPMailbox):
    """Start aiosmtpd for ``mailbox``; return the controller (call .stop())."""
    # aiosmtpd is a test-only dependency: importing it here keeps this module
    # importable where only the runtime packages are installed.
    from aiosmtpd.controller import Controller

    # aiosmtpd logs every SMTP command at INFO: keep failure reports readable.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    mailbox.port = controller.port
    return controller


def point_django_at(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
