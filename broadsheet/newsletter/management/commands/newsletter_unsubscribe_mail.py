"""Act on the mailto: half of List-Unsubscribe.

Point the unsubscribe mailbox at this command in your mail server, e.g. a
Postfix alias piping to it:

    unsubscribe: "|/srv/broadsheet/.venv/bin/broadsheet newsletter_unsubscribe_mail"

Each message arrives on standard input; its subject carries the token.
"""

import email
import email.policy
import re
import sys

from django.core.management.base import BaseCommand

from broadsheet.newsletter.models import Subscriber
from broadsheet.newsletter.services import unsubscribe

TOKEN = re.compile(r"unsubscribe\s+([A-Za-z0-9_-]{8,60})", re.IGNORECASE)


class Command(BaseCommand):
    help = "Unsubscribe the sender of one unsubscribe email read from standard input."

    def handle(self, *args, **options):
        message = email.message_from_binary_file(
            sys.stdin.buffer, policy=email.policy.default
        )
        found = TOKEN.search(str(message.get("Subject", "")))
        subscriber = (
            Subscriber.objects.filter(token=found[1]).first() if found else None
        )
        if subscriber is None:
            self.stdout.write("no subscriber named in this message; ignored")
            return
        unsubscribe(subscriber)
        self.stdout.write(f"unsubscribed {subscriber.pk}")
