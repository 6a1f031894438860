"""Draw Tactful's marketplace logos: PNG-24 with an alpha channel, at each vendor's sizes.

    python manifest/draw_logos.py        (needs Pillow: pip install -e '.[dev]')

The mark is a speech bubble with a gentle smile on a rounded teal square. It is drawn at
4x and scaled down, so edges are smooth at every size. The PNGs are committed; run this
again only to change the design.
"""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
TEAL, WHITE = (31, 111, 120, 255), (255, 255, 255, 255)
SCALE = 4
# Zendesk: logo.png 320x320 and logo-small.png 128x128 (square, transparent corners).
# Freshworks: the marketplace icon 512x512 (plus the sidebar's SVG icon).
# Intercom: the app icon 512x512 (shown round in the App Store, so the mark stays central).
TARGETS = {
    "zendesk/assets/logo.png": 320,
    "zendesk/assets/logo-small.png": 128,
    "freshdesk/app/styles/images/logo.png": 512,
    "intercom/assets/logo.png": 512,
}


def draw_mark(size: int) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    unit = big / 64
    pen.rounded_rectangle((2 * unit, 2 * unit, 62 * unit, 62 * unit), radius=14 * unit,
                          fill=TEAL)
    pen.rounded_rectangle((10 * unit, 16 * unit, 54 * unit, 44 * unit), radius=7 * unit,
                          fill=WHITE)
    pen.polygon([(18 * unit, 43 * unit), (18 * unit, 54 * unit), (30 * unit, 43 * unit)],
                fill=WHITE)
    width = max(1, round(3.5 * unit))
    pen.arc((22 * unit, 20 * unit, 42 * unit, 36 * unit), start=25, end=155, fill=TEAL,
            width=width)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    for relative, size in TARGETS.items():
        path = HERE / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        draw_mark(size).save(path, format="PNG", optimize=True)
        print(f"{relative}: {size}x{size}")


if __name__ == "__main__":
    main()
