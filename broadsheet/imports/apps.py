from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "broadsheet.imports"
    label = "imports"
    verbose_name = _("Imports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from broadsheet.core import roles
        from broadsheet.core.scheduler import register_scheduler_job
        from broadsheet.imports import tasks

        # Importing writes everywhere (articles, comments, subscribers):
        # an administrator's job.
        roles.grant(
            roles.ADMINISTRATOR, "imports.add_importrun", "imports.view_importrun"
        )
        register_scheduler_job("imports.resume_stalled", tasks.resume_stalled)
