from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "broadsheet.privacy"
    label = "privacy"
    verbose_name = "Privacy"
