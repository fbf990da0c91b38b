"""One waiver check, end to end: validate, consent, rate limit, look up, judge, audit.

Everything that can be refused is refused before anything is written or looked up (unknown
guide or situation, malformed ID number, no consent, too many checks). A check runs as three
short transactions of its own, never in a caller's session: the rate limit and the consent row
(one ``write_session``: on SQLite it holds the write lock from its first statement, so
concurrent checks queue instead of failing with "database is locked" when a read transaction
tries to become a writer), then the lookup (an ordinary session, since the provider may be a
remote call and no write lock may be held across it), then the audit entry (another
``write_session``). The consent is thus committed before any data is read, and a lookup
refused or failed after it still counts against the requester's limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy.engine import Engine

from assistant import audit
from assistant.config import Settings
from assistant.db import session_scope, write_session
from assistant.errors import InvalidInput, NotFound
from assistant.kb.snapshot import KbSnapshot, PublishedGuide
from assistant.privacy import mask_id_number
from assistant.timeutil import local_now, utcnow
from assistant.waiver import idcard
from assistant.waiver.consent import (
    Requester,
    enforce_rate_limit,
    keyed_hash,
    record_consent,
    require_consent,
)
from assistant.waiver.models import Channel
from assistant.waiver.outcomes import GuideCheck, ThemeCheck, combine_theme
from assistant.waiver.providers import ProviderFactory, ProviderUnavailable
from assistant.waiver.records import PersonRecords
from assistant.waiver.rules import RuleContext, check_guide, plan_lookup


@dataclass(frozen=True)
class CheckRequest:
    target: str  # guide (id, slug, name or alias) or theme (id, slug or name)
    id_number: str
    consent: bool
    situation: str | None = None
    channel: Channel = Channel.api


@dataclass(frozen=True)
class Target:
    kind: str  # "guide" | "theme"
    id: int
    name: str
    slug: str
    guides: tuple[tuple[PublishedGuide, str | None], ...]
    notices: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckResult:
    target: Target
    check: GuideCheck | ThemeCheck
    applicant_masked: str
    consent_id: int
    provider: str
    checked_on: date
    records_found: bool | None = None  # None: the provider could not be asked
    guide_ids: dict[str, int] = field(default_factory=dict)


def run_check(
    *,
    engine: Engine,
    kb: KbSnapshot,
    providers: ProviderFactory,
    settings: Settings,
    request: CheckRequest,
    requester: Requester,
    full_prefill: bool = False,
    today: date | None = None,
) -> CheckResult:
    """Check one guide or theme for one applicant (``full_prefill``: the caller may see the
    pre-fill values unmasked; recorded in the audit log)."""
    target = resolve_target(kb, request.target, request.situation)
    id_number = valid_id_number(request.id_number)
    require_consent(request.consent)
    consent_id = _consent(engine, settings, request, requester, id_number, target)
    provider_name, records = _lookup(engine, providers, id_number, target)
    ctx = RuleContext(
        today=today or local_now().date(),
        province=settings.shared_data_province,
        licence_types={t.code: t for t in kb.licence_types},
    )
    result = CheckResult(
        target=target,
        check=_judge(target, records, ctx),
        applicant_masked=mask_id_number(id_number),
        consent_id=consent_id,
        provider=provider_name,
        checked_on=ctx.today,
        records_found=None if records is None else records.found,
        guide_ids={g.name: g.id for g, _ in target.guides},
    )
    _audit(
        engine,
        result,
        subject_hash=keyed_hash(settings.secret_key, id_number),
        actor=requester.actor(settings.secret_key),
        records=records,
        channel=request.channel,
        full_prefill=full_prefill,
    )
    return result


def valid_id_number(value: str) -> str:
    try:
        return idcard.normalize_id_number(value)
    except idcard.IdNumberError as exc:
        raise InvalidInput(str(exc)) from None


def _consent(
    engine: Engine,
    settings: Settings,
    request: CheckRequest,
    requester: Requester,
    id_number: str,
    target: Target,
) -> int:
    """Refuse a requester over the rate limit, else write the consent down; its id.

    One write transaction: on SQLite the count and the insert are atomic (``BEGIN IMMEDIATE``).
    """
    secret, now = settings.secret_key, utcnow()
    with write_session(engine) as session:
        enforce_rate_limit(
            session,
            requester_hash=requester.hash(secret),
            limit=settings.waiver_checks_per_minute,
            now=now,
        )
        row = record_consent(
            session,
            secret=secret,
            requester=requester,
            id_number=id_number,
            channel=request.channel,
            target=target.name,
            now=now,
        )
    assert row.id is not None
    return row.id


def _lookup(
    engine: Engine, providers: ProviderFactory, id_number: str, target: Target
) -> tuple[str, PersonRecords | None]:
    """The provider's name and the records the target's guides need (None when the provider
    could not answer), read in an ordinary session that holds no write lock meanwhile."""
    plan = plan_lookup(id_number, [(g.guide, s) for g, s in target.guides])
    with session_scope(engine) as session:
        provider = providers(session)
        try:
            return provider.name, provider.lookup(plan)
        except ProviderUnavailable:
            return provider.name, None


def resolve_target(kb: KbSnapshot, ref: str, situation: str | None) -> Target:
    """The guide or theme named by ``ref``, with the situation of each guide to check."""
    ref = ref.strip()
    guide = kb.guide(ref) or _by_alias(kb, ref)
    if guide is not None:
        return _guide_target(guide, situation)
    theme = kb.theme(ref)
    if theme is None:
        raise NotFound(f"没有找到办事事项或“一件事”主题：{ref}")
    if situation is not None:
        raise InvalidInput(
            "“一件事”主题按各事项的常见情形核验，不能指定情形；如需指定，请分别查询各事项。"
        )
    found = [(g, None) for name in theme.theme.items if (g := kb.guide(name)) is not None]
    missing = [name for name in theme.theme.items if kb.guide(name) is None]
    if not found:
        raise NotFound(f"“{theme.theme.name}”包含的事项暂未发布办事指南，暂时无法核验。")
    notices = tuple(f"“{name}”的办事指南暂未发布，本次未核验该事项。" for name in missing)
    return Target("theme", theme.id, theme.theme.name, theme.theme.slug, tuple(found), notices)


def _guide_target(guide: PublishedGuide, situation: str | None) -> Target:
    g = guide.guide
    notices: tuple[str, ...] = ()
    if situation is None and len(g.situations) > 1:
        notices = (
            f"已按“{g.situation(None).name}”的情形核验；如果您的情况不同，请选择对应情形后重新查询。",
        )
    elif situation is not None and situation not in {s.key for s in g.situations}:
        options = "；".join(f"{s.key}（{s.name}）" for s in g.situations)
        raise InvalidInput(f"“{g.name}”没有情形“{situation}”。可选的情形：{options}")
    return Target("guide", guide.id, g.name, g.slug, ((guide, situation),), notices)


def _by_alias(kb: KbSnapshot, ref: str) -> PublishedGuide | None:
    hits = [g for g in kb.guides if ref in g.guide.aliases]
    return hits[0] if len(hits) == 1 else None


def _judge(
    target: Target, records: PersonRecords | None, ctx: RuleContext
) -> GuideCheck | ThemeCheck:
    checks = [check_guide(g.guide, s, records, ctx) for g, s in target.guides]
    if target.kind == "guide":
        return replace(checks[0], notices=checks[0].notices + target.notices)
    return combine_theme(target.name, checks, notices=target.notices)


def _audit(
    engine: Engine,
    result: CheckResult,
    *,
    subject_hash: str,
    actor: str,
    records: PersonRecords | None,
    channel: Channel,
    full_prefill: bool,
) -> None:
    check = result.check
    items = check.items if isinstance(check, ThemeCheck) else (check,)
    s = check.summary
    outcome = "unavailable" if records is None else ("found" if records.found else "not_found")
    with write_session(engine) as session:
        audit.record(
            session,
            actor=actor,
            action="waiver.lookup",
            entity="shared_person",
            entity_id=result.applicant_masked,
            subject_hash=subject_hash,
            target=result.target.name,
            kind=result.target.kind,
            situations={item.guide: item.situation_key for item in items},
            channel=channel.value,
            consent_id=result.consent_id,
            provider=result.provider,
            outcome=outcome,
            relatives=sorted({r.relation.value for r in records.relatives}) if records else [],
            counts={
                "must_bring": s.must_bring,
                "waived": s.waived,
                "commitment": s.commitment,
                "deferrable": s.deferrable,
                "conditional": s.conditional,
                "prefilled": s.prefilled,
            },
            full_prefill=full_prefill,
        )
