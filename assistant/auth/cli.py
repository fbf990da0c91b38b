"""``assistant users ...``: console accounts. No password lives in the code."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlmodel import select

from assistant.auth import service
from assistant.auth.models import User
from assistant.cli_support import context
from assistant.db import session_scope
from assistant.errors import AssistantError

app = typer.Typer(
    help="Console accounts (editor, reviewer, greeter, staff, admin).", no_args_is_help=True
)


@app.command()
def create(
    username: str,
    role: Annotated[list[str], typer.Option("--role", help="repeat for several roles")],
    name: Annotated[str | None, typer.Option("--name", help="display name")] = None,
    password: Annotated[
        str,
        typer.Option(
            prompt=True, confirmation_prompt=True, hide_input=True, envvar="ASSISTANT_NEW_PASSWORD"
        ),
    ] = "",
) -> None:
    """Create an account (the password is asked for, or read from ASSISTANT_NEW_PASSWORD)."""
    ctx = context(migrate=True)
    try:
        with session_scope(ctx.engine) as session:
            user = service.create_user(
                session, username=username, password=password, roles=role, display_name=name
            )
            typer.echo(f"created {user.username} ({', '.join(user.roles)})")
    except AssistantError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(1) from None


@app.command("list")
def list_() -> None:
    ctx = context(migrate=True)
    with session_scope(ctx.engine) as session:
        for u in session.exec(select(User).order_by(User.username)):
            typer.echo(f"{u.username}\t{','.join(u.roles)}\t{'active' if u.active else 'disabled'}")


@app.command()
def passwd(
    username: str,
    password: Annotated[
        str,
        typer.Option(
            prompt=True, confirmation_prompt=True, hide_input=True, envvar="ASSISTANT_NEW_PASSWORD"
        ),
    ] = "",
) -> None:
    ctx = context(migrate=True)
    try:
        with session_scope(ctx.engine) as session:
            service.set_password(session, username=username, password=password)
    except AssistantError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(1) from None
    typer.echo("password changed")
