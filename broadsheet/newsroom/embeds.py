"""Third-party embeds, loaded only when the reader asks.

An embed is stored as the address of the post or video. Pages show a
placeholder naming the provider; nothing is requested from the provider until
the reader presses "Load". Providers Broadsheet can frame are listed here (and
extended with the ``EMBED_PROVIDERS`` setting); any other address stays a
plain link.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings


@dataclass(frozen=True)
class EmbedProvider:
    name: str
    # Matches the address an editor pastes; named groups fill ``frame_url``.
    pattern: str
    frame_url: str
    frame_origin: str

    def frame_for(self, url: str) -> str | None:
        match = re.match(self.pattern, url)
        return self.frame_url.format(**match.groupdict()) if match else None


BUILT_IN_PROVIDERS = (
    EmbedProvider(
        name="YouTube",
        pattern=r"^https://(?:www\.|m\.)?(?:youtube\.com/watch\?(?:.*&)?v=|youtu\.be/)"
        r"(?P<id>[\w-]{6,20})",
        # The privacy-enhanced host sets no cookies until the video plays.
        frame_url="https://www.youtube-nocookie.com/embed/{id}",
        frame_origin="https://www.youtube-nocookie.com",
    ),
    EmbedProvider(
        name="Vimeo",
        pattern=r"^https://(?:www\.)?vimeo\.com/(?P<id>\d+)",
        frame_url="https://player.vimeo.com/video/{id}?dnt=1",
        frame_origin="https://player.vimeo.com",
    ),
    EmbedProvider(
        name="X",
        pattern=r"^https://(?:www\.|mobile\.)?(?:twitter|x)\.com/\w{1,15}/status(?:es)?/"
        r"(?P<id>\d{1,20})",
        # dnt: X's own "do not track" switch for embedded posts.
        frame_url="https://platform.twitter.com/embed/Tweet.html?id={id}&dnt=true",
        frame_origin="https://platform.twitter.com",
    ),
)


def embed_providers() -> tuple[EmbedProvider, ...]:
    extra = tuple(
        EmbedProvider(**spec) for spec in getattr(settings, "EMBED_PROVIDERS", ())
    )
    return BUILT_IN_PROVIDERS + extra


def frame_origins() -> set[str]:
    """The origins whose frames readers' pages may show (for the CSP)."""
    return {provider.frame_origin for provider in embed_providers()}


@dataclass(frozen=True)
class Embed:
    url: str
    host: str
    provider: str
    frame_url: str | None


def resolve_embed(url: str) -> Embed:
    """Describe how to show ``url``: the provider's name and, if known, its frame."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    for provider in embed_providers():
        frame = provider.frame_for(url)
        if frame:
            return Embed(url=url, host=host, provider=provider.name, frame_url=frame)
    return Embed(url=url, host=host, provider=host, frame_url=None)
