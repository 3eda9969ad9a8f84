"""Illustrations drawn locally with Pillow, so the demo downloads nothing.

Every picture is a pure function of its seed: the same slug always gives the
same image, which keeps the demo deterministic.
"""

import hashlib
import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

# One palette per section: (background top, background bottom, accents...).
PALETTES = {
    "news": ("#1d2b53", "#3b5ba5", "#f4d35e", "#ee964b", "#faf0ca"),
    "analysis": ("#2b1d3f", "#6b3fa0", "#f7b2bd", "#c3f0ca", "#f1e9da"),
    "tools": ("#0f3d3e", "#1f8a70", "#bedc74", "#fcf8e8", "#ffd56f"),
    "research": ("#3d1c02", "#b5541a", "#ffd6a5", "#fdffb6", "#caffbf"),
    "policy": ("#222831", "#4f5b6b", "#e9c46a", "#f4a261", "#eaeaea"),
}
DEFAULT_PALETTE = PALETTES["news"]


def _rng(seed: str) -> random.Random:
    return random.Random(int(hashlib.sha256(seed.encode()).hexdigest()[:16], 16))


def _hex(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


def _gradient(size, top, bottom) -> Image.Image:
    width, height = size
    base = Image.new("RGB", size, top)
    draw = ImageDraw.Draw(base)
    (r1, g1, b1), (r2, g2, b2) = _hex(top), _hex(bottom)
    for y in range(height):
        t = y / max(1, height - 1)
        draw.line(
            [(0, y), (width, y)],
            fill=(
                round(r1 + (r2 - r1) * t),
                round(g1 + (g2 - g1) * t),
                round(b1 + (b2 - b1) * t),
            ),
        )
    return base


def illustration(seed: str, palette_name: str, size=(1600, 900)) -> bytes:
    """Return a JPEG of an abstract 'network' illustration for an article."""
    rng = _rng(seed)
    top, bottom, *accents = PALETTES.get(palette_name, DEFAULT_PALETTE)
    image = _gradient(size, top, bottom)
    width, height = size

    # Soft glows, blurred at an eighth of the size: the same look, far faster.
    small = (width // 8, height // 8)
    glow = Image.new("RGBA", small, (0, 0, 0, 0))
    glow_draw = ImageDraw.Draw(glow)
    for _ in range(5):
        radius = rng.randint(small[1] // 5, small[1] // 2)
        x, y = rng.randint(0, small[0]), rng.randint(0, small[1])
        glow_draw.ellipse(
            [x - radius, y - radius, x + radius, y + radius],
            fill=(*_hex(rng.choice(accents)), 60),
        )
    glow = glow.filter(ImageFilter.GaussianBlur(8)).resize(size, Image.BILINEAR)
    image.paste(glow, (0, 0), glow)

    draw = ImageDraw.Draw(image, "RGBA")
    nodes = [
        (
            rng.randint(width // 12, width * 11 // 12),
            rng.randint(height // 10, height * 9 // 10),
        )
        for _ in range(rng.randint(14, 24))
    ]
    for i, (x1, y1) in enumerate(nodes):
        for x2, y2 in nodes[i + 1 :]:
            if math.dist((x1, y1), (x2, y2)) < width / 4:
                draw.line([(x1, y1), (x2, y2)], fill=(255, 255, 255, 70), width=3)
    for x, y in nodes:
        radius = rng.randint(8, 26)
        draw.ellipse(
            [x - radius, y - radius, x + radius, y + radius],
            fill=(*_hex(rng.choice(accents)), 235),
        )
    # A few bar-chart strokes hint at data without saying anything.
    base_x = rng.randint(width // 20, width // 2)
    for i in range(rng.randint(4, 7)):
        bar_height = rng.randint(height // 10, height // 3)
        x = base_x + i * width // 28
        draw.rectangle(
            [
                x,
                height - bar_height - height // 12,
                x + width // 48,
                height - height // 12,
            ],
            fill=(255, 255, 255, 120),
        )
    return _jpeg(image)


def avatar(name: str, seed: str) -> bytes:
    """Return a PNG portrait placeholder: initials on a coloured disc."""
    rng = _rng(seed)
    size = 400
    palette = rng.choice(list(PALETTES.values()))
    image = _gradient((size, size), palette[1], palette[0])
    draw = ImageDraw.Draw(image)
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    font = ImageFont.load_default(size=170)
    draw.text((size / 2, size / 2), initials, font=font, fill=palette[4], anchor="mm")
    return _png(image)


def logo() -> bytes:
    """Return the demo publication's mark: a serif-like B on a red square."""
    size = 256
    image = Image.new("RGB", (size, size), "#8a1c1c")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=190)
    draw.text((size / 2, size / 2 + 6), "B", font=font, fill="#ffffff", anchor="mm")
    return _png(image)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88, progressive=True)
    return buffer.getvalue()
