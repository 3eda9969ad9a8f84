"""Refuse unsafe production configurations before serving anything."""

from django.conf import settings


def production_problems() -> list[str]:
    """Return what makes this configuration unsafe to serve in production."""
    if not settings.PRODUCTION:
        return []
    problems = []
    if settings.DEBUG:
        problems.append("BROADSHEET_DEBUG is on; it shows internals to visitors.")
    if not settings.SECRET_KEY_FROM_ENV or len(settings.SECRET_KEY) < 32:
        problems.append(
            "BROADSHEET_SECRET_KEY must be set to a random value of 32+ characters."
        )
    if not settings.ALLOWED_HOSTS:
        problems.append("BROADSHEET_ALLOWED_HOSTS must list the site's host names.")
    if not settings.BASE_URL_FROM_ENV:
        problems.append(
            "BROADSHEET_BASE_URL must be set to the site's public address "
            "(every link in mail uses it)."
        )
    return problems
