"""Hand messages to the mail server so a crash can neither lose nor repeat one.

Over SMTP the message body is sent without its final "." line; the caller
records the delivery as sent; only then is the "." sent that makes the
server accept it. A worker killed before the record is written leaves the
server with an unfinished message, which it discards, and the delivery is
sent again on restart. The only window left is the few microseconds
between the database commit and writing three bytes to the socket.

Other email backends (file, console, memory) are local and cannot half-fail,
so they just record and send.
"""

import re
import smtplib
import socket
import ssl

from django.conf import settings
from django.core.mail import get_connection

_LEADING_DOT = re.compile(rb"(?m)^\.")


class TemporaryFailure(Exception):
    """Try again later (4xx, connection trouble)."""


class PermanentFailure(Exception):
    """The server refused this address for good (5xx)."""


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

    def _connect(self) -> smtplib.SMTP:
        if self.smtp is None:
            timeout = settings.EMAIL_TIMEOUT or 30
            try:
                if settings.EMAIL_USE_SSL:
                    context = ssl.create_default_context()
                    self.smtp = smtplib.SMTP_SSL(
                        settings.EMAIL_HOST,
                        settings.EMAIL_PORT,
                        timeout=timeout,
                        context=context,
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
                raise TemporaryFailure(
                    f"cannot reach the mail server: {error}"
                ) from error
        return self.smtp

    def send(self, message, *, record_sent) -> None:
        """Send one message; ``record_sent()`` commits the delivery first."""
        if not uses_smtp():
            if self.backend is None:
                self.backend = get_connection()
                self.backend.open()
            record_sent()
            self.backend.send_messages([message])
            return
        try:
            self._send_smtp(message, record_sent)
        except (smtplib.SMTPServerDisconnected, OSError) as error:
            self.close()
            raise TemporaryFailure(str(error)) from error

    def _send_smtp(self, message, record_sent) -> None:
        smtp = self._connect()
        sender = message.from_email
        recipient = message.recipients()[0]
        code, reply = smtp.mail(_address(sender))
        _check(code, reply, smtp)
        code, reply = smtp.rcpt(recipient)
        _check(code, reply, smtp)
        code, reply = smtp.docmd("data")
        if code != 354:
            _check(code, reply, smtp)
        body = message.message().as_bytes(linesep="\r\n")
        body = _LEADING_DOT.sub(b"..", body)
        if not body.endswith(b"\r\n"):
            body += b"\r\n"
        smtp.send(body)
        record_sent()
        smtp.send(b".\r\n")
        code, reply = smtp.getreply()
        if code != 250:
            _check(code, reply, smtp)


def _address(value: str) -> str:
    from email.utils import parseaddr

    return parseaddr(value)[1]


def _check(code: int, reply: bytes, smtp) -> None:
    if code in (250, 251):
        return
    text = f"{code} {reply.decode(errors='replace')}"
    try:
        smtp.rset()
    except (smtplib.SMTPException, OSError):
        pass
    if 500 <= code < 600:
        raise PermanentFailure(text)
    raise TemporaryFailure(text)
