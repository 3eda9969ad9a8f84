from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "broadsheet.core"
    label = "core"
    verbose_name = "Broadsheet core"

    def ready(self):
        # Imported here, not at the top: Django imports apps.py before the
        # app registry is ready, and these modules import models.
        from django.db.models.signals import post_migrate

        from broadsheet.core import review_mail, roles, signal_handlers, spreadsheets

        signal_handlers.register()
        spreadsheets.install()
        review_mail.install()
        # The staff roles exist from the first migrate on, and gain what
        # later versions grant them.
        post_migrate.connect(
            roles.sync_roles_after_migrate, sender=self, dispatch_uid="core.roles"
        )
