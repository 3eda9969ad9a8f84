from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "broadsheet.operations"
    label = "operations"
    verbose_name = _("Operations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from broadsheet.core.pagecache.paths import register_passed_path

        # Probes and metrics are the node's own answer, never a cached copy,
        # and must not wait on the purge log when the database is away.
        for path in ("/healthz", "/readyz", "/metrics"):
            register_passed_path(path)
