"""Editors' bad uploads are refused with a clear message and nothing is saved."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from broadsheet.podcast.models import EpisodePage
from broadsheet.podcast.synth import tone_mp3
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def show(publication):
    return factories.make_show(publication["home"])


@pytest.fixture
def editor(client, django_user_model, show):
    client.force_login(
        django_user_model.objects.create_superuser("ed", "ed@example.com", "pw pw pw")
    )
    return client


def episode_form(audio, **extra):
    return nested_form_data(
        {
            "title": "A new episode",
            "slug": "a-new-episode",
            "number": "3",
            "season": "1",
            "episode_type": "full",
            "release_date": "2025-01-02 10:00",
            "summary": "What it is about.",
            "show_notes": rich_text("<p>Notes.</p>"),
            "audio": audio.pk,
            "transcript": "",
            "chapters": "",
            "linked_articles": inline_formset([]),
            **extra,
        }
    )


def add_episode(editor, show, data):
    url = reverse("wagtailadmin_pages:add", args=("podcast", "episodepage", show.pk))
    return editor.post(url, data)


def test_a_good_upload_is_measured(editor, show):
    audio = factories.make_document("good.mp3", tone_mp3(2))
    response = add_episode(editor, show, episode_form(audio))
    assert response.status_code == 302
    episode = EpisodePage.objects.get(slug="a-new-episode")
    assert (episode.duration, episode.audio_size) == (2, audio.file.size)
    assert episode.audio_type == "audio/mpeg"


MP3 = tone_mp3(2)
BAD_AUDIO = {
    "notes.txt": (b"hello", "MP3 or M4A"),
    "renamed.mp3": (b"Just some text, renamed to .mp3\n" * 20, "not audio"),
    "empty.mp3": (b"", "empty"),
    "truncated.mp3": (MP3[:400], "truncated"),
    "header-only.mp3": (MP3[:60], "truncated"),
}


@pytest.mark.parametrize("name", sorted(BAD_AUDIO))
def test_bad_audio_is_refused_in_the_admin(editor, show, name):
    data, message = BAD_AUDIO[name]
    audio = factories.make_document(name, data)
    response = add_episode(editor, show, episode_form(audio))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors["audio"])
    assert not EpisodePage.objects.filter(slug="a-new-episode").exists()


BAD_TEXT = {
    ("transcript", "t.vtt"): (b"00:00:00.000 --> 00:00:01.000\nNo header", "WEBVTT"),
    ("transcript", "t.srt"): (b"1\n00:00:00 --> nonsense\nHi", "timing"),
    ("transcript", "t.txt"): (b"words", "WebVTT"),
    ("transcript", "t2.vtt"): (b"\xff\xfe\x00bad", "UTF-8"),
    ("chapters", "c.json"): (b"{not json", "not valid JSON"),
    ("chapters", "c2.json"): (
        b'{"version": "1.2.0", "chapters": [{"title": "x"}]}',
        "startTime",
    ),
    ("chapters", "c3.json"): (b"[1, 2]", "JSON Chapters"),
}


@pytest.mark.parametrize("field,name", sorted(BAD_TEXT))
def test_bad_transcript_or_chapters_are_refused(editor, show, field, name):
    data, message = BAD_TEXT[(field, name)]
    audio = factories.make_document("good.mp3", MP3)
    bad = factories.make_document(name, data)
    response = add_episode(editor, show, episode_form(audio, **{field: bad.pk}))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not EpisodePage.objects.filter(slug="a-new-episode").exists()


def test_a_good_srt_transcript_is_read(show):
    episode = EpisodePage(
        audio=factories.make_document("ok.mp3", MP3),
        transcript=factories.make_document(
            "ok.srt", b"1\r\n00:00:00,000 --> 00:00:01,200\r\nHello there\r\n"
        ),
    )
    episode.read_files()
    assert episode.transcript_cues == [{"start": 0, "end": 1.2, "text": "Hello there"}]


@pytest.mark.parametrize(
    "size,message",
    [((1400, 1000), "square"), ((3200, 3200), "1400 to 3000"), ((600, 600), "1400")],
)
def test_bad_artwork_is_refused_in_the_admin(editor, show, size, message):
    url = reverse("wagtailadmin_pages:edit", args=(show.pk,))
    form = editor.get(url).context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if isinstance(value, str | int | bool)
    }
    data = nested_form_data(
        {
            **data,
            "title": show.title,
            "slug": show.slug,
            "artwork": factories.make_image("art", size=size).pk,
            "platform_links": inline_formset([]),
        }
    )
    response = editor.post(url, data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["artwork"])
    show.refresh_from_db()
    assert show.artwork.width == 1400


def test_podcast_is_a_reserved_slug():
    from broadsheet.newsroom.models import RESERVED_SLUGS

    assert "podcast" in RESERVED_SLUGS
