from django.apps import AppConfig

_CRUD = ("add", "change", "delete", "view")


class NewsletterConfig(AppConfig):
    name = "broadsheet.newsletter"
    label = "newsletter"
    verbose_name = "Newsletters"

    def ready(self):
        # Imported here, not at the top: Django imports apps.py before the
        # app registry is ready, and these modules import models.
        from broadsheet.core import roles
        from broadsheet.core.chrome import register_chrome_part
        from broadsheet.core.scheduler import register_scheduler_job
        from broadsheet.core.signal_handlers import register_reader_content_model
        from broadsheet.newsletter import chrome, compose, delivery, mail
        from broadsheet.newsletter.follow import newsletter_channels
        from broadsheet.newsroom.extensions import register_follow_channels

        # Signup boxes (in the cached chrome) and the archive of sent issues
        # are on shared pages.
        # The admin previews an issue as mail.py renders it (models cannot
        # import mail.py, which imports them).
        self.get_model("Issue").preview_response = staticmethod(mail.preview_response)
        register_reader_content_model(self.get_model("Newsletter"))
        register_reader_content_model(self.get_model("Issue"))
        register_chrome_part("newsletters", chrome.newsletters_on_offer)
        register_follow_channels(newsletter_channels)
        # Compose upcoming issues, queue those that are due, and restart
        # sending that a crashed or restarted worker left unfinished. Each is
        # idempotent; they run in this order after scheduled publishing.
        register_scheduler_job("newsletter.compose", compose.compose_due_issues)
        register_scheduler_job("newsletter.send_due", delivery.send_due_issues)
        register_scheduler_job("newsletter.resume_stalled", delivery.resume_stalled)
        # Editors compose and send issues; the lists of subscribers (personal
        # data), their imports and the newsletters themselves are for
        # administrators.
        roles.grant(
            roles.EDITOR,
            *(f"newsletter.{action}_issue" for action in _CRUD),
            "newsletter.send_issue",
            "newsletter.view_newsletter",
        )
        roles.grant(
            roles.ADMINISTRATOR,
            *(
                f"newsletter.{action}_{model}"
                for action in _CRUD
                for model in ("newsletter", "subscriber")
            ),
            "newsletter.import_subscribers",
        )
