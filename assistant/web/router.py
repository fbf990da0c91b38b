"""HTML pages. Content is rendered by Jinja2 with autoescaping, so editor text is never markup."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from assistant.deps import EditorUser, KbDep, SessionDep, SettingsDep
from assistant.errors import NotFound
from assistant.kb import schema, service, workflow
from assistant.kb.snapshot import KbSnapshot, PublishedGuide
from assistant.web.qr import guide_link, qr_svg

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
templates = Jinja2Templates(directory=WEB_DIR / "templates")

router = APIRouter(include_in_schema=False)
# Single-page consoles change with the app: always revalidate, so a deploy is seen at once.
NO_CACHE = {"Cache-Control": "no-cache"}

HOLDER_LABEL = {
    "applicant": "本人",
    "spouse": "配偶",
    "child": "子女",
    "parent": "父母",
    "deceased": "逝者",
    "business": "经营主体",
}


def _render_guide(
    request: Request,
    kb: KbSnapshot,
    guide: schema.Guide,
    *,
    preview: bool,
    version: int | None,
    chosen: str | None = None,
) -> HTMLResponse:
    halls = service.halls_for(kb, guide)
    return templates.TemplateResponse(
        request,
        "guide.html",
        {
            "g": guide,
            "halls": halls,
            "preview": preview,
            "version": version,
            "holder_label": HOLDER_LABEL,
            "licence_name": kb.licence_name,
            "themes": [t.theme for t in kb.themes if guide.name in t.theme.items],
            "chosen": next((x for x in guide.situations if x.key == chosen), None),
        },
    )


@router.get("/", response_class=HTMLResponse)
def home(request: Request, kb: KbDep) -> HTMLResponse:
    return templates.TemplateResponse(
        request, "home.html", {"guides": kb.guides, "themes": kb.themes}
    )


SITUATION = Query(None, max_length=40, description="situation key to highlight")


def _published(kb: KbSnapshot, slug: str) -> PublishedGuide:
    g = kb.guide(slug)
    if g is None:
        raise NotFound(f"没有找到办事指南：{slug}")
    return g


@router.get("/g/{slug}", response_class=HTMLResponse)
def guide_page(slug: str, request: Request, kb: KbDep, s: str | None = SITUATION) -> HTMLResponse:
    """``?s=`` highlights one situation; an unknown one (an old QR code) shows the page as is."""
    g = _published(kb, slug)
    return _render_guide(request, kb, g.guide, preview=False, version=g.version, chosen=s)


@router.get("/g/{slug}/qr.svg")
def guide_qr(slug: str, kb: KbDep, settings: SettingsDep, s: str | None = SITUATION) -> Response:
    """QR code of the guide's page (with the situation), for a greeter's screen or printout."""
    g = _published(kb, slug)
    if s is not None and s not in {x.key for x in g.guide.situations}:
        raise NotFound(f"“{g.guide.name}”没有这种办理情形：{s}")
    svg = qr_svg(guide_link(settings.base_url, g.guide.slug, s))
    return Response(svg, media_type="image/svg+xml", headers=NO_CACHE)


@router.get("/console/preview/{guide_id}", response_class=HTMLResponse)
def preview(
    guide_id: int, request: Request, session: SessionDep, kb: KbDep, _user: EditorUser
) -> HTMLResponse:
    v = workflow.view(session, guide_id)
    guide = schema.Guide.model_validate(v.content)
    return _render_guide(
        request, kb, guide, preview=True, version=(v.working or v.published).number
    )  # type: ignore[union-attr]


@router.get("/greeter")
def greeter() -> FileResponse:
    return FileResponse(STATIC_DIR / "greeter" / "index.html", headers=NO_CACHE)


@router.get("/console")
def console() -> FileResponse:
    return FileResponse(STATIC_DIR / "console" / "index.html")


@router.get("/console/")
def console_slash() -> RedirectResponse:
    return RedirectResponse("/console")
