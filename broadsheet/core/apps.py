from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "broadsheet.core"
    label = "core"
    verbose_name = "Broadsheet core"

    def ready(self):
        # Imported here, not at the top: Django imports apps.py before the
        # app registry is ready, and these modules import models.
        from broadsheet.core import signal_handlers, spreadsheets

        signal_handlers.register()
        spreadsheets.install()
