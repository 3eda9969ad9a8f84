from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "broadsheet.analytics"
    label = "analytics"
    verbose_name = _("Audience")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.conf import settings

        from broadsheet.analytics import counting, rollup
        from broadsheet.core import audience, roles
        from broadsheet.core.scheduler import register_scheduler_job

        # Editors and Administrators read the figures.
        roles.grant(roles.EDITOR, "analytics.view_tally")
        if not settings.ANALYTICS["ENABLED"]:
            return
        audience.register_listener(counting.on_note)
        register_scheduler_job("analytics_rollup", rollup.roll_up)
