import pytest
from django.core.cache import cache

from broadsheet.testing import factories


@pytest.fixture
def publication(db):
    return factories.make_publication()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: rate-limit counts must not leak."""
    cache.clear()
    yield
