import pytest


@pytest.fixture
def editor_client(client, django_user_model, publication):
    editor = django_user_model.objects.create_superuser(
        "editor", "editor@example.com", "a long passphrase"
    )
    client.force_login(editor)
    return client
