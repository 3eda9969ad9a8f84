from django.conf import settings
from django.core.management.base import BaseCommand

from broadsheet.demo import services


class Command(BaseCommand):
    help = "Load the demo publication (only what is missing) and ensure an admin user."

    def handle(self, *args, **options):
        report = services.load_demo()
        self.stdout.write(
            f"Demo content: {report.created_articles} articles, "
            f"{report.created_sections} sections and {report.created_authors} authors "
            f"created; {report.existing_articles} articles already there; "
            f"{report.created_comments} demo comments created."
        )
        email, password = services.ensure_admin_user(
            settings.DATA_DIR / "demo-admin-password"
        )
        self.stdout.write(f"ADMIN_EMAIL={email}")
        self.stdout.write(f"ADMIN_PASSWORD={password or '(changed by you)'}")
