"""The newsletters on the Follow page (registered in apps.py)."""

from django.urls import reverse

from broadsheet.core.chrome import site_chrome
from broadsheet.newsroom.extensions import FollowChannel


def newsletter_channels(request) -> list[FollowChannel]:
    newsletters = site_chrome(request)["newsletters"]  # cached: no query
    if not newsletters:
        return []
    signup = reverse("newsletter:signup")
    return [
        FollowChannel(
            heading="Newsletters",
            text="By email, no account needed; every issue has a one-click "
            "unsubscribe link.",
            links=[
                (
                    f"{n['name']}: {n['description']}"
                    if n["description"]
                    else n["name"],
                    signup,
                )
                for n in newsletters
            ],
        )
    ]
