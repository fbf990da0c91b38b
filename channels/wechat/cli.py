"""``assistant wechat ...``: push the menu, send the day-before reminders, prune old rows."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import requests
import typer
from sqlalchemy.engine import Engine
from wechatpy.exceptions import WeChatClientException

from assistant.cli_support import context
from assistant.config import Settings
from assistant.db import session_scope
from assistant.errors import Unavailable
from assistant.timeutil import local_now, utcnow
from channels.wechat import reminders, service
from channels.wechat.api_client import WeChatApi
from channels.wechat.menu import MENU_FILE, check_menu, load_menu

app = typer.Typer(help="WeChat Official Account.", no_args_is_help=True)


def _api(settings: Settings, engine: Engine) -> WeChatApi:
    try:
        return WeChatApi.from_settings(settings, engine)
    except Unavailable as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(1) from None


@app.command("push-menu")
def push_menu(
    file: Annotated[
        Path, typer.Option(exists=True, dir_okay=False, help="menu definition (JSON)")
    ] = MENU_FILE,
    check_only: Annotated[bool, typer.Option("--check-only", help="check, push nothing")] = False,
) -> None:
    """Push the custom menu (menu.json) to the Official Account."""
    ctx = context(migrate=True)
    menu = load_menu(file, base_url=ctx.settings.base_url)
    if problems := check_menu(menu):
        for p in problems:
            typer.echo(p, err=True)
        raise typer.Exit(1)
    if check_only:
        typer.echo(f"menu ok: {file}")
        return
    try:
        _api(ctx.settings, ctx.engine).create_menu(menu)
    except (WeChatClientException, requests.RequestException) as exc:
        typer.echo(f"WeChat refused the menu: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"menu pushed: {len(menu['button'])} buttons")


def _day(value: str | None) -> date:
    if value is None:
        return local_now().date() + timedelta(days=1)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter("expected YYYY-MM-DD") from None


@app.command("send-reminders")
def send_reminders(
    day: str | None = typer.Option(
        None, "--date", help="appointments of this day (default: tomorrow)"
    ),
) -> None:
    """Remind citizens of their appointments the day before (template message)."""
    when = _day(day)
    ctx = context(migrate=True)
    template_id = ctx.settings.wechat_reminder_template_id
    if not template_id:
        typer.echo("reminders are off: ASSISTANT_WECHAT_REMINDER_TEMPLATE_ID is not set")
        return
    api = _api(ctx.settings, ctx.engine)
    with session_scope(ctx.engine) as session:
        visits = reminders.booked_visits(session=session, day=when)
        openids = reminders.bound_openids(
            session=session, person_keys=[v.person_key for v in visits]
        )
    due = reminders.reminders_for(visits, openids)
    report = reminders.send_reminders(
        engine=ctx.engine,
        api=api,
        template_id=template_id,
        reminders=due,
        url=f"{ctx.settings.base_url}/",
    )
    typer.echo(
        f"{when}: {len(visits)} bookings, {len(due)} with WeChat: sent {report.sent}, "
        f"already sent {report.already_sent}, failed {report.failed}"
    )
    if report.failed:
        raise typer.Exit(1)


@app.command()
def prune(days: int = typer.Option(7, min=1, help="keep this many days")) -> None:
    """Delete message-deduplication rows older than DAYS."""
    ctx = context(migrate=True)
    with session_scope(ctx.engine) as session:
        n = service.prune_inbound(session=session, before=utcnow() - timedelta(days=days))
    typer.echo(f"pruned {n} message rows")
