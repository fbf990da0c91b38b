"""``assistant ask | eval | bench nlu | nlu export-dict``: the NLU from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from assistant.config import Settings
from assistant.kb.snapshot import KbSnapshot
from assistant.nlu import bench as nlu_bench
from assistant.nlu import evaluate as ev
from assistant.nlu.kbsource import KbFilesError, snapshot_from_dir

app = typer.Typer(help="The NLU pipeline (dictionary for Rasa, diagnostics).", no_args_is_help=True)
bench_app = typer.Typer(help="Benchmarks that print figures.", no_args_is_help=True)

KbDirOpt = Annotated[
    Path | None, typer.Option("--kb-dir", help="Read the KB from files instead of the database")
]


def _snapshot(kb_dir: Path | None) -> tuple[KbSnapshot, object]:
    """The published KB (database) or a folder of KB files; and the attached-questions loader."""
    try:
        if kb_dir is not None:
            return snapshot_from_dir(kb_dir), None
        return _published()
    except KbFilesError as exc:
        typer.echo(f"the KB files have problems:\n{exc}", err=True)
        raise typer.Exit(1) from exc


def _published() -> tuple[KbSnapshot, object]:
    """The database's KB. Its stack (SQLModel, Alembic) is imported only here: the benchmark,
    which reads files, then measures the pipeline without it."""
    from assistant.cli_support import context
    from assistant.kb.snapshot import KbCache
    from assistant.nlu.service import attached_loader

    ctx = context(migrate=True)
    snapshot = KbCache(ctx.engine).get()
    if snapshot.guides:
        return snapshot, attached_loader(ctx.engine)
    typer.echo(f"(the database has no published guides: reading {ctx.settings.kb_dir})", err=True)
    return snapshot_from_dir(ctx.settings.kb_dir), None


def _nlu(kb_dir: Path | None):  # noqa: ANN202
    from assistant.nlu.runtime import Nlu

    snapshot, loader = _snapshot(kb_dir)
    return Nlu(attached=loader), snapshot  # type: ignore[arg-type]


def ask(
    text: Annotated[str, typer.Argument(help="The question, as a citizen would write it")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON answer")] = False,
    top_k: Annotated[int, typer.Option(min=1, max=10)] = 5,
    kb_dir: KbDirOpt = None,
) -> None:
    """Map one question to a guide, as POST /api/v1/nlu/parse does."""
    nlu, snapshot = _nlu(kb_dir)
    result, _doc = nlu.parse(snapshot, text, top_k)
    if as_json:
        typer.echo(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    typer.echo(f"{result.status}  ({result.elapsed_ms:.2f} ms)")
    if result.message:
        typer.echo(result.message)
    for r in result.results:
        situation = f" · {r.situation.name}" if r.situation else ""
        typer.echo(f"  {r.score:.3f}  [{r.kind}] {r.name}{situation}")
    if result.entities:
        typer.echo("  entities: " + ", ".join(f"{e.text}/{e.label}" for e in result.entities))


def eval_(
    questions: Annotated[
        Path,
        typer.Option(
            "--questions", exists=True, dir_okay=False, help="JSONL: q, expect, ambiguous, kind"
        ),
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Also print every question's prediction")
    ] = False,
    kb_dir: KbDirOpt = None,
) -> None:
    """Accuracy, clarification, out-of-scope recall, latency on a question file; with baselines."""
    try:
        lines = ev.read_lines(questions)
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    nlu, snapshot = _nlu(kb_dir)
    pipeline = nlu.pipeline(snapshot)
    reports = [
        ev.evaluate("pipeline", lines, ev.pipeline_predictor(pipeline)),
        ev.evaluate(
            "baseline: rapidfuzz on names and aliases", lines, ev.fuzzy_baseline(pipeline.engine)
        ),
        ev.evaluate(
            "baseline: lexical ranking (BM25F)", lines, ev.lexical_baseline(pipeline.engine)
        ),
    ]
    if as_json:
        out = [r.as_dict(with_predictions=i == 0) for i, r in enumerate(reports)]
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    for r in reports:
        typer.echo(_summary(r))
    main = reports[0]
    typer.echo(
        "\nby kind: "
        + ", ".join(f"{k} {v['accuracy']:.0%} of {v['n']:.0f}" for k, v in main.by_kind.items())
    )
    typer.echo(f"\nmisses ({len(main.misses)}):")
    for m in main.misses:
        want = m["expect"] or ("ask: " + "/".join(m["ambiguous"]) if m["ambiguous"] else "no_match")
        typer.echo(
            f"  [{m['kind']}] {m['q']}\n      want {want}; got {m['status']} {m['candidates'][:3]}"
        )


def _summary(r: ev.Report) -> str:
    return (
        f"{r.name}\n  top-1 {r.top1:.1%}  top-3 {r.top3:.1%}  clarification {r.clarification:.1%}  "
        f"out-of-scope recall {r.oos_recall:.1%}  false rejection {r.false_rejection:.1%}  "
        f"latency p50 {r.latency_p50_ms:.2f} ms p99 {r.latency_p99_ms:.2f} ms  "
        f"({r.questions} questions)"
    )


@bench_app.command("nlu")
def bench(
    scale: Annotated[int, typer.Option(help="Guides in the scaled KB")] = 5000,
    names: Annotated[
        Path | None,
        typer.Option(help="Real item names, department<TAB>name (default: shared/kb/…)"),
    ] = None,
    questions: Annotated[
        Path | None, typer.Option(help="JSONL questions (default: shared/eval/dev_questions.jsonl)")
    ] = None,
    kb_dir: KbDirOpt = None,
) -> None:
    """Latency p50/p99, index build time and resident memory: bundled KB and scaled KB."""
    from assistant.nlu.engine import Resources

    settings = Settings()
    names = names or settings.shared_dir / "kb" / "scale_item_names.txt"
    qfile = questions or settings.shared_dir / "eval" / "dev_questions.jsonl"
    for path in (names, qfile):
        if not path.exists():
            typer.echo(
                f"not found: {path} (see --names, --questions, ASSISTANT_SHARED_DIR)", err=True
            )
            raise typer.Exit(1)
    bundled, _ = _snapshot(kb_dir or settings.kb_dir)
    typer.echo(nlu_bench.machine_note())
    typer.echo(f"rss after imports and reading the bundled KB: {nlu_bench.rss_mb():.1f} MB")
    resources = Resources.load()
    typer.echo(f"rss with jieba dictionary, OpenCC and pinyin loaded: {nlu_bench.rss_mb():.1f} MB")
    qs = [line.q for line in ev.read_lines(qfile)]
    figures, snapshot_mb = nlu_bench.run(
        bundled, nlu_bench.read_item_names(names), qs, scale, resources
    )
    for fig in figures:
        typer.echo(fig.line())
    typer.echo(
        "rss: the whole process (Python, the modules the pipeline imports, jieba's dictionary,"
        " OpenCC, pinyin, the pipeline, the questions' caches, the allocator's free pages);\n"
        f"  the synthetic {scale}-guide KB snapshot ({snapshot_mb:.1f} MB resident) is freed after"
        " the build, but Python's allocator keeps the pages its survivors pin: part of it stays"
    )


@app.command("export-dict")
def export_dict(
    out: Annotated[Path, typer.Option("--out", help="File to write, e.g. nlu_data/dict/kb.txt")],
    kb_dir: KbDirOpt = None,
) -> None:
    """Write the KB's jieba user dictionary (word freq tag), for Rasa's JiebaTokenizer."""
    nlu, snapshot = _nlu(kb_dir)
    pipeline = nlu.pipeline(snapshot)
    lines = pipeline.engine.dictionary_lines()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    typer.echo(f"wrote {len(lines)} words to {out}")
