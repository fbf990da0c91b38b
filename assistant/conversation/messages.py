"""The channel-neutral message contract between the conversation and the channels.

Rasa custom actions send rich content as ``json_message`` = ``Reply.card`` dumped with
``model_dump(mode="json")``; the gateway validates it back into these models, so every channel
renders the same typed content (WeChat as text within its limits plus a link, the web chat as
cards and buttons).
"""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Literal

from pydantic import BaseModel, Field

Channel = Literal["web", "wechat", "greeter", "api"]


class UserMessage(BaseModel):
    sender_id: str = Field(
        min_length=1, max_length=128, description="WeChat openid, web session id, ..."
    )
    text: str = Field(default="", max_length=5000)
    payload: str | None = Field(
        default=None, max_length=500, description="A button's payload, e.g. /choose_guide{...}"
    )
    channel: Channel = "api"
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)


class Button(BaseModel):
    title: str = Field(max_length=60)
    payload: str = Field(max_length=500)


class MaterialLine(BaseModel):
    name: str
    form: str | None = None
    copies: int = 1
    required: bool = True
    condition: str | None = None
    status: str | None = Field(default=None, description="waiver status when a check was made")
    reason: str | None = None


class GuideCard(BaseModel):
    kind: Literal["guide"] = "guide"
    guide_id: int
    name: str
    url: str
    situation_key: str | None = None
    situation_name: str | None = None
    summary: str | None = None
    materials: list[MaterialLine] = Field(default_factory=list)
    fee: str | None = None
    time_limit: str | None = None
    online: str | None = None
    phone: str | None = None


class ThemeCard(BaseModel):
    kind: Literal["theme"] = "theme"
    theme_id: int
    name: str
    summary: str | None = None
    items: list[str] = Field(default_factory=list)


class WaiverCard(BaseModel):
    kind: Literal["waiver"] = "waiver"
    guide: str
    summary: str
    materials: list[MaterialLine]
    notices: list[str] = Field(default_factory=list)


class HallCard(BaseModel):
    kind: Literal["hall"] = "hall"
    hall_id: int
    name: str
    address: str
    phone: str | None = None
    distance_km: float | None = None
    waiting: int | None = None
    wait_minutes: int | None = None
    next_slot: str | None = None
    map_url: str | None = None


class HallList(BaseModel):
    kind: Literal["halls"] = "halls"
    guide: str | None = None
    halls: list[HallCard]


class SlotOption(BaseModel):
    date: date
    start: time
    end: time
    free: int
    payload: str


class SlotPicker(BaseModel):
    kind: Literal["slots"] = "slots"
    hall: str
    guide: str
    options: list[SlotOption]


class BookingCard(BaseModel):
    kind: Literal["booking"] = "booking"
    code: str
    guide: str
    hall: str
    date: date
    start: time
    end: time
    status: str


class RatingPrompt(BaseModel):
    kind: Literal["rating"] = "rating"
    question: str = "请问您对这次服务满意吗？"


Card = Annotated[
    GuideCard | ThemeCard | WaiverCard | HallList | SlotPicker | BookingCard | RatingPrompt,
    Field(discriminator="kind"),
]


class Reply(BaseModel):
    text: str | None = None
    buttons: list[Button] = Field(default_factory=list)
    card: Card | None = None


class Turn(BaseModel):
    sender_id: str
    replies: list[Reply]
    degraded: bool = Field(default=False, description="answered without the dialogue server")
    elapsed_ms: float = 0.0
