"""Hand messages to the mail server so a crash can neither lose nor repeat one.

Over SMTP the message body is sent without its final "." line; then the
caller records the delivery as sent (a compare-and-set that fails if the
delivery is no longer this worker's, or the reader has just unsubscribed);
only then is the "." sent that makes the server accept the message. A worker
killed before the record is written leaves the server an unfinished message,
which it discards, and the delivery is sent again after a restart. If the
record cannot be written, the connection is dropped instead of finishing
the message. What remains is the time between the database commit and the
server's reply to ".": a worker killed exactly then, while the server goes
on to refuse the message, leaves it recorded as sent.

Other email backends (file, console, memory) are local and cannot half-fail,
so they just record and send.
"""

import re
import smtplib
import socket
import ssl

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.message import sanitize_address

_LEADING_DOT = re.compile(rb"(?m)^\.")
MAX_ERROR = 300


class DeliveryError(Exception):
    def __init__(self, text: str):
        super().__init__(text[:MAX_ERROR])


class TemporaryFailure(DeliveryError):
    """This message could not go now (4xx): try it again later."""


class RecipientRefused(DeliveryError):
    """The server refused this address for good (5xx to RCPT)."""


class MessageRefused(DeliveryError):
    """The server refused the message after it was recorded as sent."""

    def __init__(self, text: str, *, temporary: bool):
        super().__init__(text)
        self.temporary = temporary


class ServerUnavailable(DeliveryError):
    """The server cannot be used at all (down, sender or login refused):
    stop this run without counting it against any reader."""


class Abandoned(Exception):
    """The delivery stopped being ours before the message was finished."""


def uses_smtp() -> bool:
    return settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"


class Transport:
    def __init__(self):
        self.smtp = None
        self.backend = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None
        if self.backend is not None:
            self.backend.close()
            self.backend = None

    def _drop(self) -> None:
        """Close without QUIT: the server discards an unfinished message."""
        if self.smtp is not None:
            self.smtp.close()
            self.smtp = None

    def _connect(self) -> smtplib.SMTP:
        if self.smtp is None:
            timeout = settings.EMAIL_TIMEOUT or 30
            try:
                if settings.EMAIL_USE_SSL:
                    self.smtp = smtplib.SMTP_SSL(
                        settings.EMAIL_HOST,
                        settings.EMAIL_PORT,
                        timeout=timeout,
                        context=ssl.create_default_context(),
                    )
                else:
                    self.smtp = smtplib.SMTP(
                        settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=timeout
                    )
                    if settings.EMAIL_USE_TLS:
                        self.smtp.starttls(context=ssl.create_default_context())
                self.smtp.ehlo_or_helo_if_needed()
                # The final "." goes in a packet of its own; without this,
                # Nagle's algorithm holds it for the server's delayed ACK
                # (some 40 ms a message).
                self.smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                if settings.EMAIL_HOST_USER:
                    self.smtp.login(
                        settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD
                    )
            except (smtplib.SMTPException, OSError) as error:
                self.smtp = None
                raise ServerUnavailable(f"mail server: {error}") from error
        return self.smtp

    def send(self, message, *, record_sent) -> None:
        """Send one message; ``record_sent()`` must commit it and return True."""
        if not uses_smtp():
            if self.backend is None:
                self.backend = get_connection()
                self.backend.open()
            if not record_sent():
                raise Abandoned
            self.backend.send_messages([message])
            return
        try:
            self._send_smtp(message, record_sent)
        except (smtplib.SMTPServerDisconnected, OSError) as error:
            self._drop()
            raise ServerUnavailable(f"connection lost: {error}") from error

    def _send_smtp(self, message, record_sent) -> None:
        smtp = self._connect()
        encoding = message.encoding or settings.DEFAULT_CHARSET
        # sanitize_address turns an internationalised domain into punycode.
        sender = sanitize_address(message.from_email, encoding)
        recipient = sanitize_address(message.recipients()[0], encoding)
        code, reply = smtp.mail(sender)
        if code != 250:
            self._reset(smtp)
            if code >= 500:
                raise ServerUnavailable(_text(code, reply))
            raise TemporaryFailure(_text(code, reply))
        code, reply = smtp.rcpt(recipient)
        if code not in (250, 251):
            self._reset(smtp)
            if code >= 500:
                raise RecipientRefused(_text(code, reply))
            raise TemporaryFailure(_text(code, reply))
        code, reply = smtp.docmd("data")
        if code != 354:
            self._reset(smtp)
            if code >= 500:
                raise ServerUnavailable(_text(code, reply))
            raise TemporaryFailure(_text(code, reply))
        body = message.message().as_bytes(linesep="\r\n")
        body = _LEADING_DOT.sub(b"..", body)
        if not body.endswith(b"\r\n"):
            body += b"\r\n"
        smtp.send(body)
        if not record_sent():
            self._drop()
            raise Abandoned
        smtp.send(b".\r\n")
        code, reply = smtp.getreply()
        if code != 250:
            self._reset(smtp)
            raise MessageRefused(_text(code, reply), temporary=code < 500)

    @staticmethod
    def _reset(smtp) -> None:
        try:
            smtp.rset()
        except (smtplib.SMTPException, OSError):
            pass


def _text(code: int, reply: bytes) -> str:
    return f"{code} {reply.decode(errors='replace')}"
