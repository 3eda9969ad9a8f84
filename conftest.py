import pytest

from broadsheet.testing import factories


@pytest.fixture
def publication(db):
    return factories.make_publication()
