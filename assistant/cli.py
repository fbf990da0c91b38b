"""The ``assistant`` command. Each domain contributes its own sub-command group.

Sub-commands are imported when they run, not when the command starts: ``assistant bench nlu``
then loads the NLU and not the web stack (FastAPI, SQLModel tables, Alembic, wechatpy…), which
every sub-command would otherwise carry in its resident memory and start-up time.
"""

from __future__ import annotations

import importlib

import click
import typer
from typer.core import TyperGroup

# name → "module:attribute": a typer app (a command group) or a function (one command).
SUBCOMMANDS = {
    "kb": "assistant.kb.cli:app",
    "users": "assistant.auth.cli:app",
    "booking": "assistant.booking.cli:app",
    "rasa": "assistant.conversation.cli:app",
    "waiver": "assistant.waiver.cli:app",
    "wechat": "channels.wechat.cli:app",
    "nlu": "assistant.nlu.cli:app",  # nlu export-dict
    "ask": "assistant.nlu.cli:ask",
    "eval": "assistant.nlu.cli:eval_",
    "bench": "assistant.nlu.cli:bench_app",  # bench nlu
}

# Part of ``assistant setup`` (each takes the CliContext), imported when setup runs.
SETUP_HOOKS = ["assistant.waiver.cli:setup_hook"]


def _load(path: str):  # noqa: ANN202
    module, _, attr = path.partition(":")
    return getattr(importlib.import_module(module), attr)


def _command(name: str) -> click.Command:
    target = _load(SUBCOMMANDS[name])
    if isinstance(target, typer.Typer):
        command: click.Command = typer.main.get_group(target)
    else:
        single = typer.Typer()
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    return command


class LazyGroup(TyperGroup):
    """The root group: knows its sub-commands by name, imports one when it is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in SUBCOMMANDS if n not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in SUBCOMMANDS and cmd_name not in self.commands:
            self.add_command(_command(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)


app = typer.Typer(
    cls=LazyGroup, help="智导: smart guidance for government services.", no_args_is_help=True
)

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    from assistant.cli_support import context

    ctx = context(migrate=True)
    typer.echo(f"database at newest schema: {ctx.engine.url.render_as_string(hide_password=True)}")


@app.command()
def setup() -> None:
    """Migrate the database, import the bundled KB, create configured demo accounts."""
    from assistant.auth.service import ensure_demo_accounts
    from assistant.cli_support import context
    from assistant.db import session_scope
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
        _load(hook)(ctx)


@app.command()
def serve(
    host: str | None = typer.Option(None),
    port: int | None = typer.Option(None),
    workers: int = typer.Option(1, min=1, max=16),
) -> None:
    """Run the web app (API, channels, consoles)."""
    import uvicorn

    from assistant.cli_support import context

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
