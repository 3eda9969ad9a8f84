"""The newsletters' part of the site chrome (core/chrome.py), registered in apps.py.

Signup boxes on the home and article pages are part of the shared page, so
the list of newsletters on offer is cached with the chrome. A change to a
newsletter bumps ``ContentChange`` (apps.py registers the model), which
gives the chrome a new key.
"""

from broadsheet.newsletter.models import Newsletter


def newsletters_on_offer(site=None) -> list[dict]:
    return [
        {
            "pk": n.pk,
            "name": n.name,
            "description": n.description,
            "is_default": n.is_default,
        }
        for n in Newsletter.objects.filter(is_active=True)
    ]
