"""What an editor should look at before publishing: warnings, never refusals.

Shown at the top of an article's editor (``PublishingChecksPanel``) once it
has been saved, so a new, empty article does not open on a list of faults.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

HEADLINE_MAX = 110
STANDFIRST_MAX = 300
# Social cards (Open Graph, X) are 1200 pixels wide: a narrower hero is
# stretched and blurs.
HERO_MIN_WIDTH = 1200


def publishing_warnings(article) -> list[str]:
    warnings = []
    if len(article.title or "") > HEADLINE_MAX:
        warnings.append(
            _("The headline has %(n)d characters; over %(max)d, search results cut it.")
            % {"n": len(article.title), "max": HEADLINE_MAX}
        )
    if len(article.standfirst or "") > STANDFIRST_MAX:
        warnings.append(
            _("The standfirst has %(n)d characters; keep it under %(max)d.")
            % {"n": len(article.standfirst), "max": STANDFIRST_MAX}
        )
    if not article.takeaways:
        warnings.append(_("There are no key takeaways."))
    if not article.section_id:
        warnings.append(_("The article has no section."))
    hero = article.hero_image
    if hero is not None:
        if not article.hero_alt_text:
            warnings.append(_("The hero image has no alt text."))
        if hero.width < HERO_MIN_WIDTH:
            warnings.append(
                _("The hero image is %(width)d pixels wide; social cards need %(min)d.")
                % {"width": hero.width, "min": HERO_MIN_WIDTH}
            )
    missing = sum(
        1
        for block in article.body
        if block.block_type == "image"
        and block.value["image"] is not None
        and not (block.value.get("alt") or block.value["image"].description)
    )
    if missing:
        warnings.append(
            ngettext(
                "%(n)d image in the body has no alt text.",
                "%(n)d images in the body have no alt text.",
                missing,
            )
            % {"n": missing}
        )
    return warnings
