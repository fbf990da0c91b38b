"""Distances and the order in which to suggest halls: plain functions.

- Distance is the great-circle (haversine) distance: straight-line, as a phone's map shows
  "1.2公里" before routing, and good enough to rank halls across one city.
- ``order="distance"``: nearest first. ``order="served"``: soonest served first, where the time
  to be served is travel at a stated average speed plus the estimated wait.
- Without a position: halls of the citizen's district first, then the others; within each,
  soonest served (wait only), then by name.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from assistant.errors import InvalidInput

EARTH_RADIUS_KM = 6371.0088


class Order(StrEnum):
    distance = "distance"
    served = "served"


def check_position(lat: float | None, lon: float | None) -> tuple[float, float] | None:
    """A valid (lat, lon), None for no position, or ``InvalidInput`` in Chinese."""
    if lat is None and lon is None:
        return None
    if lat is None or lon is None:
        raise InvalidInput("位置需要同时提供纬度（lat）和经度（lon）。")
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise InvalidInput("位置坐标无效，请重新发送位置。")
    if not -90 <= lat <= 90:
        raise InvalidInput(
            f"纬度 {lat} 无效：纬度应在 -90 到 90 之间（是否把经度和纬度填反了？）。"
        )
    if not -180 <= lon <= 180:
        raise InvalidInput(f"经度 {lon} 无效：经度应在 -180 到 180 之间。")
    return lat, lon


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def travel_minutes(km: float, speed_kmh: float) -> float:
    return km / speed_kmh * 60


@dataclass(frozen=True)
class HallOption:
    hall_id: int
    name: str
    district: str
    waiting: int
    wait_minutes: float | None  # None: hall not open now
    distance_km: float | None = None
    travel_minutes: float | None = None

    @property
    def served_minutes(self) -> float | None:
        """Travel plus wait (wait counted as 0 when the hall is not open now)."""
        if self.travel_minutes is None:
            return None
        return self.travel_minutes + (self.wait_minutes or 0.0)


def with_distance(option: HallOption, km: float, speed_kmh: float) -> HallOption:
    return replace(option, distance_km=km, travel_minutes=travel_minutes(km, speed_kmh))


def order_options(
    options: Sequence[HallOption], *, order: Order = Order.distance, district: str | None = None
) -> list[HallOption]:
    if options and options[0].distance_km is not None:
        if order == Order.served:
            return sorted(options, key=lambda o: (o.served_minutes, o.distance_km, o.name))
        return sorted(options, key=lambda o: (o.distance_km, o.name))
    return sorted(options, key=lambda o: (o.district != district, o.wait_minutes or 0.0, o.name))
