from django.apps import AppConfig


class DistributionConfig(AppConfig):
    name = "broadsheet.distribution"
    label = "distribution"
    verbose_name = "Distribution: feeds, sitemaps and machine-readable articles"
