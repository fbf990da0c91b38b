"""Time in one place.

Stored timestamps are aware UTC datetimes (SQLModel's ``UTCDateTime`` columns keep them so on
SQLite and PostgreSQL alike). Appointment dates and times are the city's wall-clock time
(``local_now``), as printed on a hall's opening hours.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_now() -> datetime:
    """The city's wall-clock time, naive (compare with slot dates and times)."""
    return datetime.now(LOCAL_TZ).replace(tzinfo=None)


def to_local(moment: datetime) -> datetime:
    """An aware moment as the city's naive wall-clock time."""
    return moment.astimezone(LOCAL_TZ).replace(tzinfo=None)
