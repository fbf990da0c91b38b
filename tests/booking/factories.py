"""Plain test data for the booking domain (no database)."""

from __future__ import annotations

from datetime import time

from assistant.booking.calendar import Period
from assistant.kb import schema
from assistant.waiver.idcard import check_digit

WEEKDAY = ["09:00-12:00", "14:30-17:30"]


def make_hall(*, saturday_booked_only: bool = False, slot_minutes: int = 30) -> schema.Hall:
    hours = [{"weekday": d, "periods": WEEKDAY} for d in range(5)]
    if saturday_booked_only:
        hours.append({"weekday": 5, "periods": ["09:00-12:00"], "booked_only": True})
    return schema.Hall(
        name="测试大厅",
        slug="test-hall",
        level="district",
        district="城区",
        address="某路1号",
        phone="0660-1234567",
        lat=22.78,
        lon=115.36,
        windows=6,
        groups={"gongan_huzheng": 2, "zonghe": 1},
        hours=hours,
        slot_minutes=slot_minutes,
    )


MORNING_AFTERNOON = (Period(time(9), time(12)), Period(time(14, 30), time(17, 30)))


def id_number(n: int, *, born: str = "19900101") -> str:
    """A valid (made-up) ID number, different for each ``n``."""
    first17 = f"441502{born}{n % 1000:03d}"
    return first17 + check_digit(first17)
