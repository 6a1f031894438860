"""A small server-side SVG chart renderer for the console (no JavaScript, no CDN).

Three shapes are enough for the trends page: lines over days, bars per day, and
horizontal bars for a ranking. Every label is escaped; every chart has a <title>
and a text fallback, so a screen reader (and a test) can read it.
"""
from __future__ import annotations

from xml.sax.saxutils import escape

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 640, 220, 44, 28, 12
COLOURS = ("#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777",
           "#4b5563")


def _frame(title: str, body: list[str], height: int = HEIGHT) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
            f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}">'
            f"<title>{escape(title)}</title>{''.join(body)}</svg>")


def _y(value: float, low: float, high: float) -> float:
    span = (high - low) or 1.0
    usable = HEIGHT - PAD_TOP - PAD_BOTTOM
    return PAD_TOP + usable * (1 - (value - low) / span)


def _x(index: int, count: int) -> float:
    usable = WIDTH - PAD_LEFT - 10
    return PAD_LEFT + (usable * index / (count - 1) if count > 1 else usable / 2)


def _axes(labels: list[str], low: float, high: float) -> list[str]:
    out = [f'<line x1="{PAD_LEFT}" y1="{_y(low, low, high):.1f}" x2="{WIDTH - 10}" '
           f'y2="{_y(low, low, high):.1f}" stroke="#9ca3af"/>']
    for value in (low, (low + high) / 2, high):
        y = _y(value, low, high)
        out.append(f'<text x="{PAD_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" '
                   f'font-size="11">{value:g}</text>')
        out.append(f'<line x1="{PAD_LEFT}" y1="{y:.1f}" x2="{WIDTH - 10}" y2="{y:.1f}" '
                   'stroke="#e5e7eb"/>')
    step = max(1, len(labels) // 8)
    for i, label in enumerate(labels):
        if i % step == 0 or i == len(labels) - 1:
            out.append(f'<text x="{_x(i, len(labels)):.1f}" y="{HEIGHT - 8}" '
                       f'text-anchor="middle" font-size="11">{escape(label)}</text>')
    return out


def line_chart(title: str, labels: list[str], series: dict[str, list[float | None]],
               low: float, high: float) -> str:
    """One line per series over the labels (days); None leaves a gap."""
    body = _axes(labels, low, high)
    for n, (name, values) in enumerate(series.items()):
        colour = COLOURS[n % len(COLOURS)]
        points = [(_x(i, len(labels)), _y(v, low, high)) for i, v in enumerate(values)
                  if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            body.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                        f'points="{path}"><title>{escape(name)}</title></polyline>')
        body += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in points]
    return _frame(title, body) + legend(series)


def legend(series: dict) -> str:
    items = "".join(f'<li><span class="swatch" style="background:{COLOURS[n % len(COLOURS)]}">'
                    f"</span>{escape(name)}</li>" for n, name in enumerate(series))
    return f'<ul class="legend">{items}</ul>'


def bar_chart(title: str, labels: list[str], values: list[float]) -> str:
    high = max([*values, 1])
    body = _axes(labels, 0, high)
    usable = WIDTH - PAD_LEFT - 10
    width = max(2.0, usable / max(1, len(labels)) * 0.6)
    for i, value in enumerate(values):
        top = _y(value, 0, high)
        body.append(f'<rect x="{_x(i, len(labels)) - width / 2:.1f}" y="{top:.1f}" '
                    f'width="{width:.1f}" height="{_y(0, 0, high) - top:.1f}" fill="{COLOURS[1]}">'
                    f"<title>{escape(labels[i])}: {value:g}</title></rect>")
    return _frame(title, body)


def ranking_chart(title: str, items: list[tuple[str, float]]) -> str:
    """Horizontal bars, largest first, each labelled with its name and count."""
    row, label_w = 24, 150
    height = PAD_TOP + row * max(1, len(items)) + 8
    high = max([v for _, v in items] + [1])
    body = []
    for i, (name, value) in enumerate(items):
        y = PAD_TOP + i * row
        width = (WIDTH - label_w - 60) * value / high
        body.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" '
                    f'font-size="12">{escape(name)}</text>')
        body.append(f'<rect x="{label_w}" y="{y + 3}" width="{width:.1f}" height="16" '
                    f'fill="{COLOURS[0]}"/>')
        body.append(f'<text x="{label_w + width + 6:.1f}" y="{y + 15}" '
                    f'font-size="12">{value:g}</text>')
    return _frame(title, body, height)
