"""`broadsheet create_admin --email …`: the first administrator of a new site.

Django's ``createsuperuser`` makes a user who cannot sign in here: staff
sign in like members, by a verified email address. This command verifies
the address given, since whoever runs it already controls the site.
"""

import getpass
from pathlib import Path

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from broadsheet.accounts.services import AccountExists, admin_create


class Command(BaseCommand):
    help = "Create an administrator who can sign in at once."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="", help="first and last name")
        parser.add_argument(
            "--password-file",
            type=Path,
            help="read the password from this file (for scripts); else it is asked",
        )

    def handle(self, *args, email, name, password_file, **options):
        email = email.strip()
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if password_file:
            try:
                password = password_file.read_text().strip()
            except OSError as error:
                raise CommandError(f"Cannot read {password_file}: {error}") from None
        else:
            password = getpass.getpass("Password: ")
        try:
            validate_password(password)
            admin_create(email=email, password=password, name=name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except AccountExists as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Administrator {email} created; sign in at /admin/.")
