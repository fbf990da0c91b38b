"""``assistant waiver ...``: check a guide for an applicant; import the demo shared data.

assistant waiver --guide 出生登记 --id 441502199208082345 [--situation ...] [--consent] --json
assistant waiver import-demo [--file guides_kb/demo/shared_data.yml]
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer
import yaml
from pydantic import ValidationError

from assistant.cli_support import CliContext, context
from assistant.db import session_scope
from assistant.errors import AssistantError
from assistant.kb.snapshot import load_snapshot
from assistant.waiver.consent import Requester
from assistant.waiver.demo import DEMO_FILE, load_demo
from assistant.waiver.models import Channel, WaiverCheckPublic
from assistant.waiver.present import check_public
from assistant.waiver.providers import provider_factory
from assistant.waiver.service import CheckRequest, run_check
from assistant.waiver.store import DemoImport, import_demo

app = typer.Typer(help="免提交: which materials an applicant need not bring.")

_MARKS = {
    "waived_licence": "免提交（电子证照）",
    "waived_shared_data": "免提交（共享数据）",
    "commitment": "告知承诺",
    "deferrable": "容缺后补",
    "must_bring": "需携带",
}


@app.callback(invoke_without_command=True)
def check(
    ctx: typer.Context,
    guide: Annotated[
        str | None, typer.Option("--guide", help="guide or theme (name, slug, id)")
    ] = None,
    id_number: Annotated[str | None, typer.Option("--id", help="the applicant's ID number")] = None,
    situation: Annotated[str | None, typer.Option("--situation", help="situation key")] = None,
    consent: Annotated[
        bool | None,
        typer.Option("--consent/--no-consent", help="the applicant consents (else asked)"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the API's JSON")] = False,
) -> None:
    """Check which materials of a guide the applicant need not bring."""
    if ctx.invoked_subcommand:
        return
    if not guide or not id_number:
        typer.echo(ctx.get_help())
        raise typer.Exit(2)
    if consent is None:
        consent = typer.confirm("申请人是否已同意授权查询其电子证照和共享数据？", default=False)
    public = _run(guide, id_number, situation, consent)
    typer.echo(public.model_dump_json(indent=2) if as_json else render(public))


def _run(guide: str, id_number: str, situation: str | None, consent: bool) -> WaiverCheckPublic:
    c = context(migrate=True)
    request = CheckRequest(guide, id_number, consent, situation, Channel.cli)
    with session_scope(c.engine) as session:
        kb = load_snapshot(session)
    try:
        result = run_check(
            engine=c.engine,
            kb=kb,
            providers=provider_factory(c.settings),
            settings=c.settings,
            request=request,
            requester=Requester("cli", getpass.getuser()),
        )
    except AssistantError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(1) from None
    return check_public(result)


def render(public: WaiverCheckPublic) -> str:
    head = f"{public.target.name}"
    if public.situation:
        head += f" · {public.situation.name}"
    lines = [f"{head} · 申请人 {public.applicant}"]
    for m in public.materials:
        source = f" [{m.source.name} {m.source.number}，{m.source.issuer}]" if m.source else ""
        mark = _MARKS[m.status] if m.required else f"视情况·{_MARKS[m.status]}"
        lines.append(f"  {mark:<10} {m.name}{source}")
        lines.append(f"      {m.reason}")
    lines.append(public.summary.text)
    if public.prefill:
        lines.append("预填：" + "，".join(f"{p.label} {p.value}" for p in public.prefill.values()))
    lines += [f"提示：{n}" for n in public.notices]
    return "\n".join(lines)


@app.command("import-demo")
def import_demo_command(
    file: Annotated[
        Path | None, typer.Option("--file", help="default: <kb>/demo/shared_data.yml")
    ] = None,
) -> None:
    """Import the demo citizens into the shared-data store (idempotent)."""
    c = context(migrate=True)
    typer.echo(import_demo_file(c, file or c.settings.kb_dir / DEMO_FILE).summary())


def import_demo_file(c: CliContext, path: Path) -> DemoImport:
    try:
        demo = load_demo(path)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        typer.echo(f"{path}: {exc}", err=True)
        raise typer.Exit(1) from None
    with session_scope(c.engine) as session:
        return import_demo(session, demo)


def setup_hook(c: CliContext) -> None:
    """Part of ``assistant setup``: import the bundled demo shared data when it is there."""
    path = c.settings.kb_dir / DEMO_FILE
    if path.exists():
        typer.echo(import_demo_file(c, path).summary())
