"""The ``assistant`` command. Each domain contributes its own sub-command group."""

from __future__ import annotations

import typer

from assistant.auth.cli import app as users_app
from assistant.booking.cli import app as booking_app
from assistant.cli_support import context
from assistant.conversation.cli import app as rasa_app
from assistant.db import session_scope
from assistant.kb.cli import app as kb_app
from assistant.nlu.cli import register as register_nlu
from assistant.waiver import cli as waiver_cli
from channels.wechat.cli import app as wechat_app

app = typer.Typer(help="智导: smart guidance for government services.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")
app.add_typer(users_app, name="users")
app.add_typer(booking_app, name="booking")
app.add_typer(rasa_app, name="rasa")
app.add_typer(waiver_cli.app, name="waiver")
app.add_typer(wechat_app, name="wechat")
register_nlu(app)  # ask, eval, bench nlu, nlu export-dict

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    ctx = context(migrate=True)
    typer.echo(f"database at newest schema: {ctx.engine.url.render_as_string(hide_password=True)}")


@app.command()
def setup() -> None:
    """Migrate the database, import the bundled KB, create configured demo accounts."""
    from assistant.auth.service import ensure_demo_accounts
    from assistant.kb import importer

    ctx = context(migrate=True)
    with session_scope(ctx.engine) as session:
        report, problems = importer.import_dir(session, ctx.settings.kb_dir)
        if problems:
            for p in problems:
                typer.echo(str(p), err=True)
            raise typer.Exit(1)
        assert report is not None
        typer.echo(report.summary())
        made = ensure_demo_accounts(session, ctx.settings.demo_accounts)
        if made:
            typer.echo(f"demo accounts created: {', '.join(made)}")
    for hook in SETUP_HOOKS:
        hook(ctx)


# Domains that need setup work (e.g. demo shared data) append a callable taking the CliContext.
SETUP_HOOKS: list = []
SETUP_HOOKS.append(waiver_cli.setup_hook)


@app.command()
def serve(
    host: str | None = typer.Option(None),
    port: int | None = typer.Option(None),
    workers: int = typer.Option(1, min=1, max=16),
) -> None:
    """Run the web app (API, channels, consoles)."""
    import uvicorn

    ctx = context(migrate=True)
    uvicorn.run(
        "assistant.asgi:app",
        host=host or ctx.settings.host,
        port=port or ctx.settings.port,
        workers=workers,
        log_level=ctx.settings.log_level.lower(),
        proxy_headers=True,
    )


if __name__ == "__main__":
    app()
