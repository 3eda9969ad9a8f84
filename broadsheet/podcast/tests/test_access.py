"""An episode's files go only to those who may see the episode, whatever the URL.

Every address that could hand out an episode's audio is tried: our own
(/podcast/audio/…, transcripts, chapters), Wagtail's document view
(/documents/<id>/<name>) and the local media folder (/media/documents/…).
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.storage import default_storage
from django.utils import timezone
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    GroupPagePermission,
    PageViewRestriction,
)

from broadsheet.podcast.models import EpisodePage
from broadsheet.podcast.synth import tone_mp3
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def show(publication):
    return factories.make_show(publication["home"])


def make_episode(show):
    return factories.make_episode(show, transcript=True, chapters=True)


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def addresses(episode) -> dict[str, str]:
    """Every URL that could serve the episode's files."""
    found = {
        "audio": episode.audio_path(),
        "transcript": episode.transcript_path(),
        "chapters": episode.chapters_path(),
    }
    for field in ("audio", "transcript", "chapters"):
        document = getattr(episode, field)
        found[f"{field} document"] = f"/documents/{document.pk}/{document.filename}"
        found[f"{field} media"] = f"/media/{document.file.name}"
    return found


def assert_refused(client, episode):
    audio = default_storage.open(episode.audio.file.name).read()
    for label, url in addresses(episode).items():
        response = client.get(url)
        assert response.status_code in (403, 404), (label, url, response.status_code)
        assert audio not in body(response)


def make_editor(show):
    """A member of staff who may edit the show's pages (not a superuser)."""
    user = factories.make_member("editor@example.com")
    group = Group.objects.create(name="Podcast editors")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(
        group=group,
        page=show,
        permission=Permission.objects.get(
            content_type__app_label="wagtailcore", codename="change_page"
        ),
    )
    user.groups.add(group)
    return user


def test_a_published_episode_is_served_everywhere_but_media(client, show):
    episode = make_episode(show)
    audio = default_storage.open(episode.audio.file.name).read()
    found = addresses(episode)
    response = client.get(found["audio"])
    assert response.status_code == 200 and body(response) == audio
    assert response["Cache-Control"] == "public, max-age=86400"
    assert client.get(found["transcript"]).status_code == 200
    assert client.get(found["chapters"]).status_code == 200
    for field in ("audio", "transcript", "chapters"):
        assert client.get(found[f"{field} document"]).status_code == 200
        # Documents never come from /media/, published or not.
        assert client.get(found[f"{field} media"]).status_code == 404
    assert body(client.get(found["audio document"])) == audio


def test_an_unpublished_episode_is_refused_everywhere(client, show):
    episode = make_episode(show)
    episode.unpublish()
    assert_refused(client, EpisodePage.objects.get(pk=episode.pk))


def test_a_draft_that_was_never_published_is_refused(client, show):
    episode = EpisodePage(
        title="Not yet",
        slug="not-yet",
        summary="Coming soon.",
        audio=factories.make_document("draft.mp3", tone_mp3(1)),
        transcript=factories.make_document("draft.vtt", factories.TRANSCRIPT_VTT),
        chapters=factories.make_document("draft.json", factories.CHAPTERS_JSON),
        live=False,
    )
    show.add_child(instance=episode)
    episode.save_revision()
    assert_refused(client, EpisodePage.objects.get(pk=episode.pk))


def test_an_expired_episode_is_refused_everywhere(client, show):
    episode = make_episode(show)
    EpisodePage.objects.filter(pk=episode.pk).update(
        expire_at=timezone.now() - timedelta(minutes=1)
    )
    assert_refused(client, EpisodePage.objects.get(pk=episode.pk))


def test_a_restricted_episode_is_refused_everywhere(client, show):
    episode = make_episode(show)
    PageViewRestriction.objects.create(
        page=show, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    assert_refused(client, episode)


def test_new_audio_in_a_draft_of_a_published_episode_stays_hidden(client, show):
    episode = make_episode(show)
    published_audio = episode.audio
    draft = EpisodePage.objects.get(pk=episode.pk)
    draft.audio = factories.make_document("rework.mp3", tone_mp3(2))
    draft.save_revision()  # a draft: the published page keeps the old audio
    new = draft.audio
    assert client.get(f"/documents/{new.pk}/{new.filename}").status_code == 404
    assert client.get(f"/media/{new.file.name}").status_code == 404
    assert (
        client.get(
            f"/documents/{published_audio.pk}/{published_audio.filename}"
        ).status_code
        == 200
    )


def test_staff_who_may_edit_hear_an_unpublished_episode(client, show):
    episode = make_episode(show)
    episode.unpublish()
    audio = default_storage.open(episode.audio.file.name).read()
    found = addresses(episode)

    client.force_login(factories.make_member("someone@example.com"))
    for label in ("audio", "transcript", "chapters", "audio document"):
        assert client.get(found[label]).status_code in (403, 404), label

    client.force_login(make_editor(show))
    response = client.get(found["audio"])
    assert response.status_code == 200 and body(response) == audio
    assert response["Cache-Control"] == "private, no-cache"  # never in a shared cache
    ranged = client.get(found["audio"], HTTP_RANGE="bytes=0-9")
    assert ranged.status_code == 206 and body(ranged) == audio[:10]
    assert client.get(found["transcript"])["Cache-Control"] == "private, no-cache"
    assert client.get(found["chapters"]).status_code == 200
    assert body(client.get(found["audio document"])) == audio
    assert client.get(found["audio media"]).status_code == 404


@pytest.mark.parametrize(
    "restriction_type",
    [CollectionViewRestriction.LOGIN, CollectionViewRestriction.PASSWORD],
)
def test_a_document_in_a_restricted_collection_is_refused(client, restriction_type):
    private = Collection.get_first_root_node().add_child(name="Legal")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=restriction_type, password="secret"
    )
    secret = factories.make_document("settlement.pdf", b"%PDF-1.4 sealed terms")
    secret.collection = private
    secret.save()
    public = factories.make_document("annual-report.pdf", b"%PDF-1.4 open to all")

    response = client.get(f"/documents/{secret.pk}/{secret.filename}")
    # Wagtail's privacy flow: a login redirect or the password form, never the file.
    assert response.status_code in (302, 200, 403, 404)
    assert b"sealed terms" not in body(response)
    if response.status_code == 200:
        assert b'name="password"' in body(response)
    assert client.get(f"/media/{secret.file.name}").status_code == 404

    response = client.get(f"/documents/{public.pk}/{public.filename}")
    assert response.status_code == 200 and body(response) == b"%PDF-1.4 open to all"


def test_episode_audio_in_a_restricted_collection_is_refused(client, show):
    episode = make_episode(show)
    private = Collection.get_first_root_node().add_child(name="Embargoed")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    episode.audio.collection = private
    episode.audio.save()
    response = client.get(episode.audio_path())
    assert response.status_code == 404
    document = client.get(f"/documents/{episode.audio.pk}/{episode.audio.filename}")
    assert document.status_code == 302  # to the sign-in page
    assert client.get(f"/media/{episode.audio.file.name}").status_code == 404


def test_members_past_a_login_restriction_hear_the_show(client, show):
    # A members-only show: Wagtail's privacy flow lets a signed-in reader see
    # the show page, so its list and player work for them, privately.
    episode = make_episode(show)
    PageViewRestriction.objects.create(
        page=show, restriction_type=PageViewRestriction.LOGIN
    )
    assert_refused(client, episode)

    client.force_login(factories.make_member("listener@example.com"))
    page = client.get(show.url)
    assert page.status_code == 200
    assert episode.title in page.content.decode()
    audio = client.get(episode.audio_path())
    assert audio.status_code == 200
    assert body(audio) == default_storage.open(episode.audio.file.name).read()
    assert "public" not in audio["Cache-Control"]


def test_an_episode_restricted_on_its_own_is_not_listed_to_show_members(client, show):
    public = factories.make_episode(show, title="Open to every member")
    private = factories.make_episode(show, title="Only with the password")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    client.force_login(factories.make_member("listener@example.com"))
    text = client.get(show.url).content.decode()
    assert public.title in text and private.title not in text
    assert client.get(private.audio_path()).status_code == 404
