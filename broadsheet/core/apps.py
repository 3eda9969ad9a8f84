from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "broadsheet.core"
    label = "core"
    verbose_name = "Broadsheet core"

    def ready(self):
        from broadsheet.core import signal_handlers, spreadsheets

        signal_handlers.register()
        spreadsheets.install()
