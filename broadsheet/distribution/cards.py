"""Social-card images: the headline over the hero image, 1200x630, drawn locally.

A card's file name carries a fingerprint of everything drawn on it, so a new
headline or image gives a new address (caches never show a stale card) and
an existing card is drawn only once.
"""

import hashlib
import io
import textwrap

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont

CARD_SIZE = (1200, 630)
CARD_FOLDER = "social-cards"
CARD_VERSION = "1"  # bump when the drawing changes


def card_fingerprint(article, site_name: str) -> str:
    parts = [CARD_VERSION, article.title, site_name, str(article.hero_image_id or "")]
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]


def card_name(article, site_name: str) -> str:
    return f"{CARD_FOLDER}/{article.pk}-{card_fingerprint(article, site_name)}.png"


def ensure_card(article, site_name: str, accent: str) -> str:
    """Return the storage name of the article's card, drawing it if needed."""
    name = card_name(article, site_name)
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(draw_card(article, site_name, accent)))
    return name


def draw_card(article, site_name: str, accent: str) -> bytes:
    width, height = CARD_SIZE
    card = Image.new("RGB", CARD_SIZE, "#111111")
    if article.hero_image_id:
        with article.hero_image.open_file() as handle, Image.open(handle) as hero:
            hero = hero.convert("RGB")
            scale = max(width / hero.width, height / hero.height)
            hero = hero.resize((round(hero.width * scale), round(hero.height * scale)))
            left, top = (hero.width - width) // 2, (hero.height - height) // 2
            card.paste(hero.crop((left, top, left + width, top + height)))
    # Darken the lower part so white text reads on any picture.
    shade = Image.new("L", CARD_SIZE, 0)
    shade_draw = ImageDraw.Draw(shade)
    for y in range(height):
        shade_draw.line([(0, y), (width, y)], fill=int(60 + 170 * (y / height) ** 1.2))
    card.paste(Image.new("RGB", CARD_SIZE, "#000000"), (0, 0), shade)

    draw = ImageDraw.Draw(card)
    headline_font = ImageFont.load_default(size=62)
    brand_font = ImageFont.load_default(size=30)
    lines = textwrap.wrap(article.title, width=32)[:4]
    line_height = 74
    y = height - 70 - line_height * len(lines)
    draw.rectangle([60, y - 40, 160, y - 32], fill=accent)
    for line in lines:
        draw.text((60, y), line, font=headline_font, fill="#ffffff")
        y += line_height
    draw.text((60, height - 52), site_name, font=brand_font, fill="#dddddd")
    buffer = io.BytesIO()
    card.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
