"""Geometry of the worksheet pictures: the pair of scales and the network map.

The templates in ``notebook/pictures/`` draw SVG from these numbers with presentation
attributes only (no style attributes: the Content-Security-Policy forbids them), so the
same markup works inline in a page, in the PDF and as a downloaded .svg file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from booster.notebook.worksheets import (
    CLOSENESS,
    NETWORK_KINDS,
    Balance,
    Worksheet,
    network_summary,
    scales_balance,
)

# --- the scales ---------------------------------------------------------------------------

SCALES_PIVOT = (200.0, 70.0)
SCALES_HALF_BEAM = 130.0
SCALES_STRING = 70.0
MAX_TILT_DEGREES = 18.0
DEGREES_PER_WEIGHT = 3.0


@dataclass(frozen=True)
class Pan:
    x: float
    y: float  # where the pan hangs from the beam
    total: int

    @property
    def bottom(self) -> float:
        return self.y + SCALES_STRING

    @property
    def path(self) -> str:
        """A shallow bowl, drawn at the end of its strings."""
        left = self.x - 55
        right = self.x + 55
        bottom = self.bottom
        return (
            f"M {left:.1f} {bottom:.1f} Q {self.x:.1f} {bottom + 34:.1f} {right:.1f} {bottom:.1f} Z"
        )

    @property
    def strings(self) -> str:
        return (
            f"M {self.x:.1f} {self.y:.1f} L {self.x - 50:.1f} {self.bottom:.1f} "
            f"M {self.x:.1f} {self.y:.1f} L {self.x + 50:.1f} {self.bottom:.1f}"
        )

    @property
    def label_y(self) -> float:
        return self.bottom + 40


@dataclass(frozen=True)
class Scales:
    balance: Balance
    angle: float  # degrees; positive when the demands' side (right) goes down
    resources: Pan
    demands: Pan
    pivot_x: float = SCALES_PIVOT[0]
    pivot_y: float = SCALES_PIVOT[1]

    @property
    def tilt(self) -> str:
        return self.balance.tilt

    @property
    def beam_transform(self) -> str:
        return f"rotate({self.angle:.1f} {self.pivot_x:.1f} {self.pivot_y:.1f})"

    @property
    def beam_left(self) -> float:
        return self.pivot_x - SCALES_HALF_BEAM

    @property
    def beam_right(self) -> float:
        return self.pivot_x + SCALES_HALF_BEAM


def scales(content: Mapping[str, Any]) -> Scales:
    """The scales for a resources-and-demands worksheet: the heavier side goes down."""
    balance = scales_balance(content)
    difference = balance.demands - balance.resources
    angle = max(-MAX_TILT_DEGREES, min(MAX_TILT_DEGREES, difference * DEGREES_PER_WEIGHT))
    radians = math.radians(angle)
    dx = SCALES_HALF_BEAM * math.cos(radians)
    dy = SCALES_HALF_BEAM * math.sin(radians)
    px, py = SCALES_PIVOT
    return Scales(
        balance=balance,
        angle=angle,
        resources=Pan(x=px - dx, y=py - dy, total=balance.resources),
        demands=Pan(x=px + dx, y=py + dy, total=balance.demands),
    )


# --- the network map ----------------------------------------------------------------------

MAP_WIDTH = 800
MAP_HEIGHT = 700
MAP_CENTRE = (400.0, 335.0)
RING_RADII = {"inner": 115.0, "outer": 190.0, "reach": 265.0}
LABEL_CHARACTERS = 22
TOP_GAP = math.radians(14)


@dataclass(frozen=True)
class MapNode:
    number: int
    name: str
    label: str
    kind: str
    kind_label: str
    closeness: str
    closeness_label: str
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str

    @property
    def diamond(self) -> str:
        """The shape of a well-being node: a diamond, so kind is not told by colour alone."""
        r = 10.0
        return (
            f"M {self.x:.1f} {self.y - r:.1f} L {self.x + r:.1f} {self.y:.1f} "
            f"L {self.x:.1f} {self.y + r:.1f} L {self.x - r:.1f} {self.y:.1f} Z"
        )


@dataclass(frozen=True)
class Ring:
    key: str
    label: str
    radius: float
    label_y: float


@dataclass(frozen=True)
class NetworkMap:
    nodes: list[MapNode]
    rings: list[Ring]
    centre_x: float = MAP_CENTRE[0]
    centre_y: float = MAP_CENTRE[1]
    width: int = MAP_WIDTH
    height: int = MAP_HEIGHT

    @property
    def legend_y(self) -> float:
        return self.height - 28


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= LABEL_CHARACTERS:
        return text
    return text[: LABEL_CHARACTERS - 1].rstrip() + "…"


def network_map(content: Mapping[str, Any]) -> NetworkMap:
    """Me in the middle, the inner and outer circles, and a dashed ring of those I want
    to reach; everyone spread evenly round their ring, labels pointing outwards."""
    kinds = {key: str(label) for key, label in NETWORK_KINDS}
    closeness_names = {key: str(label) for key, label in CLOSENESS}
    cx, cy = MAP_CENTRE
    nodes: list[MapNode] = []
    items = [item for item in content.get("items") or [] if item.get("name")]
    number = 0
    for ring_index, (key, radius) in enumerate(RING_RADII.items()):
        in_ring = [item for item in items if item.get("closeness") == key]
        count = len(in_ring)
        for position, item in enumerate(in_ring):
            number += 1
            # The top of the map is kept free for the rings' names; rings are shifted a
            # little against each other so that their labels do not line up.
            share = ((position + 0.5 + ring_index * 0.3) / max(count, 1)) % 1.0
            angle = -math.pi / 2 + TOP_GAP + (2 * math.pi - 2 * TOP_GAP) * share
            # Every other node sits a little off the ring, so crowded labels part.
            offset = 0.0 if count < 8 else (-12.0 if position % 2 else 12.0)
            r = radius + offset
            x = cx + r * math.cos(angle)
            y = cy + r * math.sin(angle)
            cos = math.cos(angle)
            anchor = "start" if cos > 0.25 else ("end" if cos < -0.25 else "middle")
            label_gap = 16.0
            label_x = x + label_gap * cos
            label_y = y + label_gap * math.sin(angle) + 5
            if anchor == "middle":
                label_y += 8 if math.sin(angle) > 0 else -6
            nodes.append(
                MapNode(
                    number=number,
                    name=str(item["name"]),
                    label=_shorten(str(item["name"])),
                    kind=str(item.get("kind")),
                    kind_label=kinds.get(str(item.get("kind")), ""),
                    closeness=key,
                    closeness_label=closeness_names[key],
                    x=x,
                    y=y,
                    label_x=label_x,
                    label_y=label_y,
                    anchor=anchor,
                )
            )
    rings = [
        Ring(key=key, label=closeness_names[key], radius=radius, label_y=cy - radius - 6)
        for key, radius in RING_RADII.items()
    ]
    return NetworkMap(nodes=nodes, rings=rings)


def pictures_for(sheet: Worksheet, content: Mapping[str, Any]) -> dict[str, Any]:
    """What the page's picture templates need: ``scales``, or ``map`` and ``summary``."""
    if sheet.picture == "scales":
        return {"scales": scales(content)}
    if sheet.picture == "map":
        return {"map": network_map(content), "summary": network_summary(content)}
    return {}
