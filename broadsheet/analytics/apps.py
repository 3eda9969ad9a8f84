from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "broadsheet.analytics"
    label = "analytics"
    verbose_name = _("Audience")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.conf import settings

        from broadsheet.analytics import article_figures, counting, most_read, rollup
        from broadsheet.core import audience, roles
        from broadsheet.core.scheduler import register_scheduler_job
        from broadsheet.newsroom import extensions

        # Editors and Administrators read the figures.
        roles.grant(roles.EDITOR, "analytics.view_tally")
        if not settings.ANALYTICS["ENABLED"]:
            return
        audience.register_listener(counting.on_note)
        register_scheduler_job("analytics_rollup", rollup.roll_up)
        register_scheduler_job("analytics_most_read", most_read.refresh_when_due)
        extensions.register_article_context(most_read.add_to_article)
        extensions.register_front_page_context(most_read.add_to_front_page)
        extensions.register_editor_note(article_figures.editor_note)
