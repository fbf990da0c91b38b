"""Waiting-time estimates for a hall's queue: plain functions.

The model is the plain one a clerk would use: someone who joins the queue behind ``ahead``
people, with ``windows`` windows of which ``busy`` are serving, is called once enough windows
have finished. While all windows are busy a window frees up every ``service / windows``
minutes on average, so

    wait = max(0, ahead − free windows + 1) × service / windows

``service`` is the mean of the recent service times of that hall and group, pulled towards the
guide's typical duration (``Guide.service_minutes``) while there are few of them, so the first
tickets of a morning do not swing the estimate. ``assistant bench queue`` replays simulated days
through exactly these functions and prints how far the estimates are from the actual waits.
"""

from __future__ import annotations

from collections.abc import Sequence

PRIOR_WEIGHT = 3  # the typical duration counts as this many observed services
RECENT = 20  # service times considered


def service_minutes(recent_seconds: Sequence[float], typical_minutes: float) -> float:
    """Mean service time in minutes from the latest services (newest last)."""
    recent = [s / 60 for s in recent_seconds[-RECENT:] if s > 0]
    return (sum(recent) + PRIOR_WEIGHT * typical_minutes) / (len(recent) + PRIOR_WEIGHT)


def wait_minutes(*, ahead: int, busy: int, windows: int, service: float) -> float:
    windows = max(windows, 1)
    free = max(windows - busy, 0)
    turns = ahead - free + 1
    if turns <= 0:
        return 0.0
    return turns * service / windows


def rounded(minutes: float) -> int:
    """Minutes as shown to citizens: whole minutes, 5-minute steps past a quarter hour."""
    if minutes < 15:
        return int(round(minutes))
    return int(5 * round(minutes / 5))
