"""``assistant rasa ...``: what the Rasa server needs from the app, generated."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated

import typer

from assistant.config import PROJECT_ROOT, Settings
from assistant.conversation.endpoints import endpoints_yaml, prepare_tracker_db
from assistant.conversation.rasa_export import build_export, write_export
from assistant.kb import files

app = typer.Typer(help="The Rasa dialogue server's generated files.", no_args_is_help=True)
NLU_DIR = PROJECT_ROOT / "nlu_data"
# launch.py and the policies shape the prediction graph stored in the model.
TRAINING_INPUTS = ("config.yml", "domain", "data", "dict", "launch.py", "zhidao_rasa/policies.py")


@app.command()
def export(
    kb_dir: Annotated[
        Path | None, typer.Option("--kb-dir", help="default: the configured KB")
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="the Rasa project")] = NLU_DIR,
) -> None:
    """Lookup tables, synonyms and the jieba user dictionary (the app NLU's) from the KB files."""
    from assistant.nlu.engine import Resources
    from assistant.nlu.kbsource import snapshot_from_dir
    from assistant.nlu.runtime import build_pipeline

    folder = kb_dir or Settings().kb_dir
    bundle, problems = files.load_bundle(folder)
    if problems:
        for p in problems:
            typer.echo(str(p), err=True)
        raise typer.Exit(1)
    engine = build_pipeline(snapshot_from_dir(folder), Resources.load()).engine
    result = build_export(bundle, engine.dictionary_lines())
    written = write_export(result, out)
    sizes = ", ".join(f"{k} {len(v)}" for k, v in result.lookups.items())
    typer.echo(
        f"lookups: {sizes}; synonyms {len(result.synonyms)}; "
        f"dictionary {len(result.userdict)} words; {len(written)} file(s) changed"
    )


@app.command()
def endpoints(
    out: Annotated[
        Path | None, typer.Option("--out", help="default: DATA_DIR/rasa/endpoints.yml")
    ] = None,
) -> None:
    """Rasa's endpoints.yml (actions, tracker store, lock store) from the settings."""
    settings = Settings()
    target = out or settings.data_dir / "rasa" / "endpoints.yml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(endpoints_yaml(settings), encoding="utf-8")
    prepare_tracker_db(settings)
    typer.echo(str(target))


@app.command()
def fingerprint(project: Annotated[Path, typer.Option("--project")] = NLU_DIR) -> None:
    """A hash of everything training reads: retrain only when it changes."""
    typer.echo(training_hash(project))


def training_hash(project: Path) -> str:
    digest = hashlib.sha256()
    for name in TRAINING_INPUTS:
        root = project / name
        paths = (
            sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
            if root.is_dir()
            else [root]
        )
        for path in paths:
            digest.update(path.relative_to(project).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()
