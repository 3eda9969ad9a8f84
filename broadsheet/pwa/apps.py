from django.apps import AppConfig


class PwaConfig(AppConfig):
    name = "broadsheet.pwa"
    label = "pwa"
    verbose_name = "Installable app and offline reading"
