"""The renditions an article's feeds, metadata and embeds show of its images.

Registered with core.images in ``DistributionConfig.ready()``, so that
publishing makes them in the background before feed readers, crawlers and
embedding sites ask.
"""

from broadsheet.distribution.feeds import FEED_IMAGE_FILTER
from broadsheet.distribution.structured_data import HERO_RATIOS

SOCIAL_IMAGE_FILTER = "fill-1200x630|format-jpeg"  # Open Graph and Twitter cards
OEMBED_THUMBNAIL_FILTER = "fill-600x338|format-jpeg"


def article_images(page):
    hero = getattr(page, "hero_image", None)
    if hero is not None:
        yield hero, [FEED_IMAGE_FILTER, *HERO_RATIOS.values(), OEMBED_THUMBNAIL_FILTER]
    social = getattr(page, "social_image", None)
    if social is not None:
        yield social, [SOCIAL_IMAGE_FILTER]
