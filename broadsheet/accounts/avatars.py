"""Avatars drawn here from a random seed: no upload, no Gravatar, no third party."""

import hashlib

SIZE = 5  # a 5x5 grid, mirrored left to right
CELL = 8


def avatar_svg(seed: str) -> str:
    """Return a symmetric pattern in one colour as an SVG document."""
    digest = hashlib.sha256(seed.encode()).digest()
    hue = digest[0] * 360 // 256
    colour = f"hsl({hue} 55% 42%)"
    background = f"hsl({hue} 45% 92%)"
    cells = []
    half = (SIZE + 1) // 2
    for row in range(SIZE):
        for col in range(half):
            if digest[1 + row * half + col] % 2:
                for x in {col, SIZE - 1 - col}:
                    cells.append(
                        f'<rect x="{x * CELL + 4}" y="{row * CELL + 4}" '
                        f'width="{CELL}" height="{CELL}"/>'
                    )
    side = SIZE * CELL + 8
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" '
        f'width="{side}" height="{side}">'
        f'<rect width="{side}" height="{side}" fill="{background}"/>'
        f'<g fill="{colour}">{"".join(cells)}</g></svg>'
    )
