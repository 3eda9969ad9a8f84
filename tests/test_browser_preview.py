"""The editor's side-by-side preview in chromium: the admin frames the page."""

import pytest
from django.test import Client

pytestmark = pytest.mark.browser


def test_the_preview_panel_shows_the_article_beside_the_editor(
    reader, live_server, live_publication, django_user_model
):
    editor = django_user_model.objects.create_superuser("ed", "ed@example.com", "pw")
    client = Client()
    client.force_login(editor)
    session = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    reader.context.add_cookies([{**session, "url": live_server.url}])
    article = live_publication["articles"][0]

    reader.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")
    reader.click('[data-side-panel-toggle="preview"]')

    # A frame refused by frame-ancestors shows the browser's error page instead.
    heading = reader.frame_locator("#w-preview-iframe").locator("h1")
    assert heading.text_content(timeout=20_000).strip() == article.title
    assert reader.errors == []
