import pytest
from django.core.cache import cache

from broadsheet.testing import factories, smtp


@pytest.fixture
def publication(db):
    return factories.make_publication()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: rate-limit counts must not leak."""
    cache.clear()
    yield


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback, with Django's mail pointed at it."""
    mailbox = smtp.SMTPMailbox()
    controller = smtp.start_server(mailbox)
    smtp.point_django_at(settings, controller.port)
    yield mailbox
    controller.stop()
