"""A parliament seat diagram (hemicycle) as SVG: one circle per seat, parties in wedges.

Seats sit on concentric half-rings; each ring gets seats in proportion to its length,
and seats are coloured left to right in the order the parties are given.
"""

from __future__ import annotations

import colorsys
import hashlib
import math
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Group:
    name: str
    seats: int
    colour: str
    link: str = ""


def default_colour(key: str) -> str:
    """A stable, readable colour for a party without a configured one."""
    hue = int(hashlib.sha256(key.encode()).hexdigest()[:4], 16) / 0xFFFF
    r, g, b = colorsys.hls_to_rgb(hue, 0.45, 0.55)
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"


def seat_positions(total: int) -> list[tuple[float, float, float]]:
    """(x, y, angle) of each seat in a unit half-disc, left to right."""
    if total <= 0:
        return []
    rows = max(1, round(math.sqrt(total / 4)))
    inner = 0.4
    radii = [inner + (1 - inner) * (i + 0.5) / rows for i in range(rows)]
    weights = sum(radii)
    per_row = [max(1, round(total * r / weights)) for r in radii]
    per_row[-1] += total - sum(per_row)  # rounding goes to the outer, longest row
    while per_row[-1] < 1:  # tiny chambers: take seats back from inner rows
        i = next(i for i in range(rows - 1) if per_row[i] > 1)
        per_row[i] -= 1
        per_row[-1] += 1
    seats = []
    for radius, count in zip(radii, per_row, strict=True):
        for k in range(count):
            angle = math.pi * (1 - (k + 0.5) / count) if count > 1 else math.pi / 2
            seats.append((radius * math.cos(angle), radius * math.sin(angle), angle))
    seats.sort(key=lambda s: (-s[2], -math.hypot(s[0], s[1])))
    return seats


def svg(groups: list[Group], title: str) -> str:
    total = sum(g.seats for g in groups)
    positions = seat_positions(total)
    rows = max(1, round(math.sqrt(max(total, 1) / 4)))
    dot = 0.42 * (1 - 0.4) / rows
    size = 400
    scale = size / 2 - 10
    marks = []
    i = 0
    for g in groups:
        for _ in range(g.seats):
            x, y, _angle = positions[i]
            i += 1
            marks.append(
                f'<circle class="seat" cx="{size / 2 + x * scale:.1f}" cy="{size / 2 - y * scale:.1f}" '
                f'r="{dot * scale:.1f}" fill="{escape(g.colour)}"><title>{escape(g.name)}</title></circle>'
            )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size / 2 + 20}" role="img" '
        f'aria-label="{escape(title)}" class="hemicycle">'
        f"<title>{escape(title)}</title>{''.join(marks)}"
        f'<text x="{size / 2}" y="{size / 2 - 5}" text-anchor="middle" font-size="28">{total}</text></svg>'
    )
