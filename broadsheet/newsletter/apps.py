from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "broadsheet.newsletter"
    label = "newsletter"
    verbose_name = "Newsletters"
