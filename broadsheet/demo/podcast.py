"""The demo podcast: a show and three short episodes whose audio is made here.

The audio is a few seconds of gentle tones encoded to MP3 (podcast/synth.py),
so the demo needs no recordings and no network; one episode has a transcript
and chapters. All text is original.
"""

import json
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from broadsheet.demo import artwork
from broadsheet.podcast.models import EpisodePage, PlatformLink, PodcastShowPage
from broadsheet.podcast.synth import tone_mp3

SHOW_SLUG = "the-briefing-podcast"
PLATFORMS = {
    "apple": "https://podcasts.example.com/apple/the-briefing",
    "spotify": "https://podcasts.example.com/spotify/the-briefing",
    "pocket-casts": "https://podcasts.example.com/pocket-casts/the-briefing",
    "overcast": "https://podcasts.example.com/overcast/the-briefing",
}
EPISODES = [
    {
        "slug": "chips-power-and-patience",
        "title": "Chips, power and patience",
        "summary": "Why accelerator delays ripple through every data-center plan.",
        "notes": "<p>We talk through the week's hardware news: a delayed accelerator, "
        "the price of power, and what a quarter's wait means for small hosts.</p>",
        "notes_hz": (392.0, 440.0, 494.0),
        "days_ago": 9,
    },
    {
        "slug": "what-open-weights-really-open",
        "title": "What open weights really open",
        "summary": "A licence, a model card and the questions readers keep asking.",
        "notes": "<p>Our analysts read a new open-weights licence line by line and "
        "explain what it allows, what it forbids and what it leaves vague.</p>",
        "notes_hz": (330.0, 392.0, 523.0),
        "days_ago": 5,
        "transcript": True,
    },
    {
        "slug": "a-trailer-for-the-briefing",
        "title": "A trailer for The Briefing",
        "summary": "Two minutes on what this show is and who makes it.",
        "notes": "<p>Who we are, what we cover, and how often a new episode "
        "appears.</p>",
        "notes_hz": (523.0, 659.0),
        "days_ago": 14,
        "episode_type": "trailer",
    },
]
TRANSCRIPT = """WEBVTT

00:00:00.000 --> 00:00:04.000
Welcome to The Briefing. This week: what open weights really open.

00:00:04.000 --> 00:00:09.000
First, the licence itself, and the clause that keeps coming up.

00:00:09.000 --> 00:00:14.000
Then the model card, and what it says about long documents.

00:00:14.000 --> 00:00:18.000
That is all for this week. Thank you for listening.
"""
CHAPTERS = {
    "version": "1.2.0",
    "chapters": [
        {"startTime": 0, "title": "Welcome"},
        {"startTime": 4, "title": "The licence"},
        {"startTime": 9, "title": "The model card"},
        {"startTime": 14, "title": "Goodbye"},
    ],
}
SECONDS = 18


def _document(name: str, data: bytes, title: str):
    Document = get_document_model()
    existing = Document.objects.filter(title=title).first()
    if existing:
        return existing
    document = Document(title=title)
    document.file = ContentFile(data, name=name)
    document.save()
    return document


def load_podcast(home, *, now: datetime, make_image) -> int:
    """Create the show and any missing episode; return episodes created."""
    show = PodcastShowPage.objects.filter(slug=SHOW_SLUG).first()
    if show is None:
        cover = make_image(
            "The Briefing podcast artwork",
            artwork.illustration("the-briefing-podcast", "analysis", size=(1400, 1400)),
            filename="the-briefing-podcast.jpg",
        )
        show = PodcastShowPage(
            title="The Briefing",
            slug=SHOW_SLUG,
            description="A short weekly conversation about the technology and AI "
            "stories our newsroom is following, and why they matter.",
            artwork=cover,
            author_name="The Broadsheet Wire",
            owner_name="The Broadsheet Wire",
            owner_email="podcast@example.com",
            language="en",
            category="News › Tech News",
            second_category="Technology",
            copyright="© The Broadsheet Wire (a demonstration publication)",
        )
        for position, (platform, url) in enumerate(PLATFORMS.items()):
            show.platform_links.add(
                PlatformLink(platform=platform, url=url, sort_order=position)
            )
        home.add_child(instance=show)
        show.save_revision().publish()
    existing = set(EpisodePage.objects.values_list("slug", flat=True))
    created = 0
    ordered = sorted(EPISODES, key=lambda e: -e["days_ago"])
    for number, spec in enumerate(ordered, start=1):
        if spec["slug"] in existing:
            continue
        with_extras = spec.get("transcript", False)
        episode = EpisodePage(
            title=spec["title"],
            slug=spec["slug"],
            number=number,
            season=1,
            episode_type=spec.get("episode_type", "full"),
            summary=spec["summary"],
            show_notes=spec["notes"],
            audio=_document(
                f"{spec['slug']}.mp3",
                tone_mp3(SECONDS, spec["notes_hz"]),
                f"Audio: {spec['title']}",
            ),
            transcript=_document(
                f"{spec['slug']}.vtt",
                TRANSCRIPT.encode(),
                f"Transcript: {spec['title']}",
            )
            if with_extras
            else None,
            chapters=_document(
                f"{spec['slug']}.json",
                json.dumps(CHAPTERS).encode(),
                f"Chapters: {spec['title']}",
            )
            if with_extras
            else None,
            release_date=now - timedelta(days=spec["days_ago"]),
        )
        episode.read_files()
        show.add_child(instance=episode)
        episode.save_revision().publish()
        created += 1
    return created
