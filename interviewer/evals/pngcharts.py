"""PNG charts for the eval report, drawn with Pillow (it ships with Gradio; no plotting library needed)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, ROW, LABEL_W, PAD = 900, 26, 300, 16
GOOD, BAD, NEUTRAL, MARK, GRID = (46, 139, 87), (200, 60, 50), (70, 110, 180), (20, 20, 20), (225, 225, 225)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    mark: float | None = None  # a threshold: the bar is green at or past it, red short of it
    lower_is_better: bool = False
    fill: tuple[int, int, int] | None = None  # a fixed colour, e.g. by group, when there is no threshold

    @property
    def colour(self) -> tuple[int, int, int]:
        if self.fill is not None:
            return self.fill
        if self.mark is None or self.value is None:
            return NEUTRAL
        ok = self.value <= self.mark if self.lower_is_better else self.value >= self.mark
        return GOOD if ok else BAD


def bar_chart(title: str, bars: list[Bar], top: float, path: Path, unit: str = "") -> Path:
    """Horizontal bars from 0 to `top`, one per row, with its value written at the end and any threshold marked."""
    font, bold = ImageFont.load_default(size=14), ImageFont.load_default(size=17)
    height = PAD * 3 + 24 + ROW * len(bars) + 20
    img = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(img)
    draw.text((PAD, PAD), title, fill=MARK, font=bold)
    x0, x1, y = LABEL_W, WIDTH - 90, PAD * 2 + 24
    for i in range(5):  # grid at 0, 25, 50, 75, 100 %
        gx = x0 + (x1 - x0) * i / 4
        draw.line([(gx, y - 4), (gx, y + ROW * len(bars))], fill=GRID)
        draw.text((gx - 8, y + ROW * len(bars) + 4), f"{top * i / 4:g}", fill=(110, 110, 110), font=font)
    for n, bar in enumerate(bars):
        top_y = y + n * ROW
        draw.text((PAD, top_y + 4), bar.label[:38], fill=MARK, font=font)
        if bar.value is not None:
            length = (x1 - x0) * max(0.0, min(bar.value, top)) / top
            draw.rectangle([x0, top_y + 5, x0 + length, top_y + ROW - 5], fill=bar.colour)
            draw.text((x0 + length + 6, top_y + 4), f"{bar.value:g}{unit}", fill=MARK, font=font)
        else:
            draw.text((x0 + 6, top_y + 4), "n/a", fill=(110, 110, 110), font=font)
        if bar.mark is not None:
            mx = x0 + (x1 - x0) * min(bar.mark, top) / top
            draw.line([(mx, top_y + 2), (mx, top_y + ROW - 2)], fill=MARK, width=3)
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, format="PNG", optimize=True)
    return path
