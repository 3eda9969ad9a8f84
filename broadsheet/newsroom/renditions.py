"""The image shapes newsroom pages show, and the renditions an article needs.

Registered with core.images in ``NewsroomConfig.ready()``: templates name
these shapes, and publishing an article makes its renditions in the
background before readers ask for them.
"""

from broadsheet.core.images import shape_specs

# name: (target widths, ratio)
IMAGE_SHAPES = {
    "article-hero": ((640, 960, 1280, 1600), "16x9"),
    "card-lead": ((640, 960, 1280), "16x9"),
    "card": ((400, 640), "16x9"),
    "figure": ((640, 960, 1360), "3x2"),
}
# The hero shows on the article itself and on every card of it: as the front
# page's lead or in any listing.
HERO_SHAPES = ("article-hero", "card-lead", "card")


def article_images(page):
    """The article's hero in every shape it shows in, and its body's figures."""
    from broadsheet.newsroom.models import ArticlePage  # models import this app

    if not isinstance(page, ArticlePage):
        return
    if page.hero_image_id:
        yield (
            page.hero_image,
            [spec for name in HERO_SHAPES for spec in shape_specs(name)],
        )
    for block in page.body:
        if block.block_type == "image":
            yield block.value["image"], shape_specs("figure")
