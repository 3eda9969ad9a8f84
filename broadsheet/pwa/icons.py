"""App icons drawn from the site's logo, in the sizes installers ask for."""

import io

from PIL import Image, ImageDraw, ImageFont

# Sizes listed in the manifest; 180 is Apple's touch icon.
ICON_SIZES = (180, 192, 512)
MASKABLE_SIZE = 512
# Maskable icons are cropped to a circle by some launchers: keep the logo
# inside the central 80% "safe zone".
MASKABLE_SAFE_ZONE = 0.8


def render_icon(
    logo_file, *, size: int, maskable: bool, background: str, name: str
) -> bytes:
    """Return a PNG icon: the logo centred on the theme colour, or the initial."""
    canvas = Image.new("RGB", (size, size), background)
    inner = int(size * (MASKABLE_SAFE_ZONE if maskable else 1.0))
    if logo_file is not None:
        with Image.open(logo_file) as logo:
            logo = logo.convert("RGBA")
            logo.thumbnail((inner, inner), Image.LANCZOS)
            offset = ((size - logo.width) // 2, (size - logo.height) // 2)
            canvas.paste(logo, offset, logo)
    else:
        draw = ImageDraw.Draw(canvas)
        font = ImageFont.load_default(size=int(inner * 0.7))
        initial = (name.strip()[:1] or "B").upper()
        draw.text((size / 2, size / 2), initial, font=font, fill="#ffffff", anchor="mm")
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    return buffer.getvalue()
