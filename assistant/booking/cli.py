"""``assistant booking ...``: calendar, slots, closures, daily no-show sweep, queue bench."""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Annotated

import typer
from sqlmodel import Session

from assistant.booking import calendar_service, changes, service
from assistant.booking.models import ExceptionKind
from assistant.booking.present import WEEKDAYS
from assistant.booking.simulate import SimConfig, run
from assistant.cli_support import CliContext, context
from assistant.errors import AssistantError
from assistant.kb.snapshot import KbSnapshot, load_snapshot
from assistant.privacy import mask_phone
from assistant.timeutil import local_now

app = typer.Typer(
    help="Hall appointments: calendar, slots, closures, no-shows, queue bench.",
    no_args_is_help=True,
)
closures = typer.Typer(
    help="Closures and extra openings recorded by administrators.", no_args_is_help=True
)
app.add_typer(closures, name="closures")

DateOpt = Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default: today)")]


def _day(text: str | None, default: date) -> date:
    if text is None:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"日期应写成 YYYY-MM-DD：{text}") from None


@contextmanager
def _domain() -> Iterator[tuple[CliContext, Session, KbSnapshot]]:
    """Context, a read session and the published KB; domain errors end the command politely."""
    ctx = context(migrate=True)
    try:
        with Session(ctx.engine) as session:
            yield ctx, session, load_snapshot(session)
    except AssistantError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(1) from None


@app.command()
def calendar(
    hall: str,
    start: Annotated[str | None, typer.Option("--from")] = None,
    days: int = typer.Option(14, min=1, max=62),
) -> None:
    """A hall's opening days: official calendar, recorded changes, provisional dates."""
    with _domain() as (_ctx, session, kb):
        first = _day(start, local_now().date())
        for d in calendar_service.hall_days(session, kb=kb, hall_ref=hall, first=first, days=days):
            hours = " ".join(map(str, d.periods)) if d.open else "closed"
            flags = " ".join(
                f
                for f in ("booked-only" if d.booked_only else "", "provisional" * d.provisional)
                if f
            )
            weekday = WEEKDAYS[d.day.weekday()]
            typer.echo(f"{d.day} 周{weekday}  {hours:<24} {flags:<24} {d.reason or ''}".rstrip())


@app.command()
def slots(hall: str, guide: str, day: DateOpt = None) -> None:
    """Slots of a hall for an item on a day, with places left."""
    with _domain() as (ctx, session, kb):
        now = local_now()
        view = service.day_view(
            session=session,
            kb=kb,
            hall_ref=hall,
            guide_ref=guide,
            day=_day(day, now.date()),
            now=now,
            working_days=ctx.settings.booking_horizon_working_days,
        )
        typer.echo(
            f"{view.counter.hall.hall.name} · {view.counter.guide.name} · {view.day.day}"
            f"{' (provisional)' if view.day.provisional else ''}"
        )
        for s in view.slots:
            state = "" if s.bookable else "  closed"
            typer.echo(f"{s.start:%H:%M}-{s.end:%H:%M}  {s.available}/{s.capacity}{state}")


@closures.command("add")
def closures_add(
    day: Annotated[str, typer.Option("--date", help="YYYY-MM-DD")],
    reason: Annotated[str, typer.Option("--reason")],
    hall: Annotated[
        str | None, typer.Option("--hall", help="default: every hall (city-wide)")
    ] = None,
    opening: Annotated[
        bool, typer.Option("--opening", help="an extra opening instead of a closure")
    ] = False,
    period: Annotated[
        list[str] | None, typer.Option("--period", help="opening hours, e.g. 09:00-12:00")
    ] = None,
) -> None:
    """Record a closure (cancels the bookings it displaces) or an extra opening."""
    with _domain() as (ctx, _session, kb):
        data = calendar_service.ExceptionIn(
            day=_day(day, local_now().date()),
            kind=ExceptionKind.opening if opening else ExceptionKind.closure,
            reason=reason,
            hall=hall,
            periods=period or [],
        )
        row, cancelled = calendar_service.add_exception(
            engine=ctx.engine, kb=kb, data=data, actor="cli", now=local_now()
        )
        typer.echo(f"recorded #{row.id}: {row.day} {row.kind.value} {row.reason}")
        for b in cancelled:
            typer.echo(f"cancelled {b.code} {b.day} {b.start:%H:%M} {b.name} {mask_phone(b.phone)}")


@closures.command("list")
def closures_list(
    start: Annotated[str | None, typer.Option("--from")] = None, days: int = 62
) -> None:
    with _domain() as (_ctx, session, _kb):
        first = _day(start, local_now().date())
        for r in calendar_service.list_exceptions(
            session, first=first, last=first + timedelta(days=days - 1)
        ):
            where = f"hall {r.hall_id}" if r.hall_id else "city-wide"
            hours = " ".join(r.periods)
            typer.echo(f"#{r.id} {r.day} {r.kind.value:<8} {where:<10} {hours:<12} {r.reason}")


@closures.command("delete")
def closures_delete(record_id: int) -> None:
    with _domain() as (ctx, _session, _kb):
        calendar_service.delete_exception(engine=ctx.engine, exception_id=record_id, actor="cli")
        typer.echo(f"deleted #{record_id}")


@app.command("no-shows")
def no_shows(day: DateOpt = None) -> None:
    """Mark the day's bookings that ended without a check-in as no-shows (run after closing)."""
    with _domain() as (ctx, _session, _kb):
        now = local_now()
        marked = changes.sweep_no_shows(
            engine=ctx.engine, day=_day(day, now.date()), actor="cli", now=now
        )
        typer.echo(f"{len(marked)} booking(s) marked as no-show")


@app.command("bench-queue")
def bench_queue(
    windows: int = typer.Option(3, min=1, max=50),
    arrivals_per_hour: float = typer.Option(14.0, min=0.5),
    service_minutes: float = typer.Option(
        11.0, min=0.5, help="real mean service time (unknown to the hall)"
    ),
    typical_minutes: float = typer.Option(
        15.0, min=0.5, help="the guide's stated typical duration"
    ),
    days: int = typer.Option(20, min=1, max=365),
    seed: int = 1,
) -> None:
    """Simulate hall days and print how far waiting estimates are from the actual waits."""
    cfg = SimConfig(
        windows, arrivals_per_hour, service_minutes, typical_minutes, days=days, seed=seed
    )
    result = run(cfg)
    n = len(result.actual)
    if n == 0:
        typer.echo("nobody arrived in the simulated days; raise --arrivals-per-hour or --days")
        return
    typer.echo(
        f"simulated {days} day(s): {windows} windows, {arrivals_per_hour:g} arrivals/h, "
        f"service mean {service_minutes:g} min (guide says {typical_minutes:g}), seed {seed}"
    )
    typer.echo(
        f"tickets: {n}, actual wait mean {statistics.fmean(result.actual):.1f} min, "
        f"p90 {sorted(result.actual)[int(0.9 * (n - 1))]:.1f} min"
    )
    typer.echo(
        f"estimate (recent service times): MAE {result.mae():.1f} min, "
        f"p90 |error| {result.p90():.1f} min"
    )
    typer.echo(
        f"estimate (guide's typical only):  MAE {result.mae(prior=True):.1f} min, "
        f"p90 |error| {result.p90(prior=True):.1f} min"
    )
