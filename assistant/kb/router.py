"""Public read API of the knowledge base: guides, themes, halls."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from assistant.deps import KbDep, SettingsDep
from assistant.errors import NotFound
from assistant.kb import service
from assistant.kb.snapshot import HallRecord, KbSnapshot, PublishedGuide

router = APIRouter(tags=["knowledge base"])


class GuideSummary(BaseModel):
    id: int
    name: str
    slug: str
    item_type: str
    department: str
    life_events: list[str]
    online_level: str
    online_available: bool
    levels: list[str]
    url: str


class HallRef(BaseModel):
    id: int
    name: str
    slug: str
    level: str
    district: str


class GuidePublic(GuideSummary):
    version: int
    content: dict[str, Any]
    halls: list[HallRef]
    themes: list[str]


class ThemePublic(BaseModel):
    id: int
    name: str
    slug: str
    content: dict[str, Any]
    items: list[GuideSummary]


class HallPublic(HallRef):
    address: str
    phone: str
    lat: float
    lon: float
    windows: int
    content: dict[str, Any]


class Page(BaseModel):
    total: int
    items: list[GuideSummary]


def summary(g: PublishedGuide, base_url: str) -> GuideSummary:
    x = g.guide
    return GuideSummary(
        id=g.id,
        name=x.name,
        slug=x.slug,
        item_type=x.item_type.value,
        department=x.department,
        life_events=list(x.life_events),
        online_level=x.online.level.value,
        online_available=x.online.available,
        levels=[lv.value for lv in x.levels],
        url=f"{base_url.rstrip('/')}/g/{x.slug}",
    )


def hall_ref(h: HallRecord) -> HallRef:
    return HallRef(
        id=h.id,
        name=h.hall.name,
        slug=h.hall.slug,
        level=h.hall.level.value,
        district=h.hall.district,
    )


def guide_public(kb: KbSnapshot, g: PublishedGuide, base_url: str) -> GuidePublic:
    return GuidePublic(
        **summary(g, base_url).model_dump(),
        version=g.version,
        content=g.guide.model_dump(mode="json"),
        halls=[hall_ref(h) for h in service.halls_for(kb, g.guide)],
        themes=[t.theme.name for t in kb.themes if g.guide.name in t.theme.items],
    )


@router.get("/guides", response_model=Page, summary="List and filter published guides")
def list_guides(
    kb: KbDep,
    settings: SettingsDep,
    department: str | None = Query(None, max_length=80),
    life_event: str | None = Query(None, max_length=80),
    hall: str | None = Query(None, max_length=80, description="hall id, slug or name"),
    online: bool | None = Query(
        None, description="only guides that can (true) / cannot (false) be done online"
    ),
    q: str | None = Query(None, max_length=80, description="text in the name or aliases"),
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> Page:
    hall_rec = None
    if hall:
        hall_rec = kb.hall(hall)
        if hall_rec is None:
            raise NotFound(f"没有找到服务大厅：{hall}")
    found = service.filter_guides(
        kb, department=department, life_event=life_event, hall=hall_rec, online=online, text=q
    )
    return Page(
        total=len(found),
        items=[summary(g, settings.base_url) for g in found[offset : offset + limit]],
    )


@router.get(
    "/guides/{ref}",
    response_model=GuidePublic,
    summary="One published guide with situations and materials",
)
def get_guide(ref: str, kb: KbDep, settings: SettingsDep) -> GuidePublic:
    g = kb.guide(ref)
    if g is None:
        raise NotFound(f"没有找到办事指南：{ref}")
    return guide_public(kb, g, settings.base_url)


@router.get("/themes", response_model=list[ThemePublic], summary="“一件事” themes with their items")
def list_themes(kb: KbDep, settings: SettingsDep) -> list[ThemePublic]:
    return [_theme(kb, t.id, settings.base_url) for t in kb.themes]


@router.get("/themes/{ref}", response_model=ThemePublic)
def get_theme(ref: str, kb: KbDep, settings: SettingsDep) -> ThemePublic:
    t = kb.theme(ref)
    if t is None:
        raise NotFound(f"没有找到“一件事”主题：{ref}")
    return _theme(kb, t.id, settings.base_url)


def _theme(kb: KbSnapshot, theme_id: int, base_url: str) -> ThemePublic:
    t = next(x for x in kb.themes if x.id == theme_id)
    items = [summary(g, base_url) for name in t.theme.items if (g := kb.guide(name))]
    return ThemePublic(
        id=t.id,
        name=t.theme.name,
        slug=t.theme.slug,
        content=t.theme.model_dump(mode="json"),
        items=items,
    )


def hall_public(h: HallRecord) -> HallPublic:
    x = h.hall
    return HallPublic(
        **hall_ref(h).model_dump(),
        address=x.address,
        phone=x.phone,
        lat=x.lat,
        lon=x.lon,
        windows=x.windows,
        content=x.model_dump(mode="json"),
    )


@router.get("/halls", response_model=list[HallPublic], summary="Service halls")
def list_halls(kb: KbDep, district: str | None = Query(None, max_length=80)) -> list[HallPublic]:
    return [hall_public(h) for h in kb.halls if not district or h.hall.district == district]


@router.get("/halls/{ref}", response_model=HallPublic)
def get_hall(ref: str, kb: KbDep) -> HallPublic:
    h = kb.hall(ref)
    if h is None:
        raise NotFound(f"没有找到服务大厅：{ref}")
    return hall_public(h)
