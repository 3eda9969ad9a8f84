"""Bar charts drawn on the server as SVG: no script, nothing from elsewhere.

The chart is a picture of the table printed beside it, so it is marked as an
image with a text summary, and the table carries the figures for everyone.
"""

from dataclasses import dataclass

WIDTH, HEIGHT, GAP = 720, 180, 2


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str


def bars(series: list[tuple[str, int]]) -> list[Bar]:
    """One bar per (label, value), scaled to the chart's box."""
    if not series:
        return []
    highest = max(value for _label, value in series) or 1
    width = WIDTH / len(series)
    drawn = []
    for index, (label, value) in enumerate(series):
        height = HEIGHT * value / highest
        drawn.append(
            Bar(
                x=round(index * width + GAP / 2, 2),
                y=round(HEIGHT - height, 2),
                width=round(max(width - GAP, 1), 2),
                height=round(height, 2),
                label=f"{label}: {value}",
            )
        )
    return drawn
