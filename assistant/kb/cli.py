"""``assistant kb ...``: check, import, export and format the knowledge-base files."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli_support import context
from assistant.db import session_scope
from assistant.kb import files, importer

app = typer.Typer(help="The knowledge base (guides_kb/).", no_args_is_help=True)
DirOpt = Annotated[
    Path | None, typer.Option("--dir", help="KB folder (default: the configured one)")
]


@app.command()
def check(dir: DirOpt = None, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Validate every file; report each problem with file, guide and field."""
    ctx = context()
    kb_dir = dir or ctx.settings.kb_dir
    bundle, problems = files.load_bundle(kb_dir)
    if as_json:
        typer.echo(json.dumps([p.__dict__ for p in problems], ensure_ascii=False, indent=2))
    else:
        for p in problems:
            typer.echo(str(p))
        typer.echo(
            f"{len(bundle.guides)} guides, {len(bundle.themes)} themes, {len(bundle.halls)} halls, "
            f"{len(bundle.licence_types)} licence types, {len(bundle.synonyms)} synonym groups: "
            + ("OK" if not problems else f"{len(problems)} problem(s)")
        )
    raise typer.Exit(1 if problems else 0)


@app.command("import")
def import_(dir: DirOpt = None) -> None:
    """Import the files into the database (checks first; writes nothing if any file is wrong)."""
    ctx = context(migrate=True)
    with session_scope(ctx.engine) as session:
        report, problems = importer.import_dir(session, dir or ctx.settings.kb_dir)
    if problems:
        for p in problems:
            typer.echo(str(p), err=True)
        typer.echo(f"Nothing imported: {len(problems)} problem(s).", err=True)
        raise typer.Exit(1)
    assert report is not None
    typer.echo(report.summary())


@app.command()
def export(
    out: Annotated[
        Path, typer.Option("--out", help="Folder to write (default: the configured KB folder)")
    ] = None,
) -> None:  # type: ignore[assignment]
    """Write the published state of the database back as KB files."""
    ctx = context(migrate=True)
    target = out or ctx.settings.kb_dir
    headers = (
        files.load_bundle(ctx.settings.kb_dir)[0].headers if ctx.settings.kb_dir.exists() else {}
    )
    with session_scope(ctx.engine) as session:
        bundle = importer.export_bundle(session, headers=headers)
    written = files.write_bundle(bundle, target)
    typer.echo(f"wrote {len(written)} files to {target}")


@app.command("format")
def format_(dir: DirOpt = None) -> None:
    """Rewrite the files in canonical form (what export writes), after checking them."""
    ctx = context()
    kb_dir = dir or ctx.settings.kb_dir
    bundle, problems = files.load_bundle(kb_dir)
    if problems:
        for p in problems:
            typer.echo(str(p), err=True)
        raise typer.Exit(1)
    with tempfile.TemporaryDirectory() as tmp:
        files.write_bundle(bundle, Path(tmp))
        for path in Path(tmp).rglob("*.yml"):
            dest = kb_dir / path.relative_to(tmp)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
    typer.echo(f"formatted {len(bundle.guides)} guides and the list files in {kb_dir}")
