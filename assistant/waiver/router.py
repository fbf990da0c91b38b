"""``POST /api/v1/waivers``: which materials a citizen need not bring, and why."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from assistant.auth import service as auth_service
from assistant.auth.models import Role, User
from assistant.deps import EngineDep, KbDep, SessionDep, SessionToken, SettingsDep
from assistant.waiver.consent import Requester
from assistant.waiver.models import Channel, WaiverCheckCreate, WaiverCheckPublic
from assistant.waiver.present import check_public
from assistant.waiver.providers import ProviderFactory
from assistant.waiver.service import CheckRequest, run_check

router = APIRouter(tags=["waivers"])


def optional_user(session: SessionDep, token: SessionToken = None) -> User | None:
    return auth_service.user_for_token(session, token)


def get_providers(request: Request) -> ProviderFactory:
    return request.app.state.shared_data  # type: ignore[no-any-return]


OptionalUser = Annotated[User | None, Depends(optional_user)]
ProvidersDep = Annotated[ProviderFactory, Depends(get_providers)]


@router.post(
    "/waivers",
    response_model=WaiverCheckPublic,
    summary="Which materials of a guide or theme the applicant need not bring (免提交)",
    responses={403: {"description": "No consent"}, 429: {"description": "Too many checks"}},
)
def check_waivers(
    body: WaiverCheckCreate,
    request: Request,
    engine: EngineDep,
    kb: KbDep,
    settings: SettingsDep,
    providers: ProvidersDep,
    user: OptionalUser,
) -> WaiverCheckPublic:
    """Needs ``consent: true``. Pre-fill values are shown in full only to hall staff (greeter,
    staff), who fill the form in; everyone else sees them masked. The check opens its own
    transactions (the request's session has only read the user)."""
    staff = user is not None and user.has_role(Role.greeter, Role.staff)
    if user is not None:
        requester = Requester("user", user.username)
    else:
        requester = Requester("ip", request.client.host if request.client else "unknown")
    result = run_check(
        engine=engine,
        kb=kb,
        providers=providers,
        settings=settings,
        request=CheckRequest(
            target=body.guide,
            id_number=body.id_number,
            consent=body.consent,
            situation=body.situation,
            channel=Channel(body.channel),
        ),
        requester=requester,
        full_prefill=staff,
    )
    return check_public(result, full_prefill=staff)
