"""Evaluation on a question file (the format of ``shared/eval/dev_questions.jsonl``).

Each line: ``q`` (question), ``expect`` (item or theme name, or null when out of scope),
``ambiguous`` (for ambiguous questions: the plausible names), ``kind`` (style of question).

Metrics: top-1 (``matched`` with the right first result) and top-3 on in-scope lines;
clarification rate on ambiguous lines (``ambiguous`` with at least two listed names among the
candidates); out-of-scope recall (``no_match`` on null lines without ``ambiguous``) and
false-rejection rate (``no_match`` on in-scope lines); per-kind accuracy; latency.
Two baselines are evaluated the same way: rapidfuzz alone over names and aliases, and the
lexical ranking alone, each answering ``matched`` above a threshold and ``no_match`` below.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from assistant.nlu.engine import Engine
from assistant.nlu.runtime import NluPipeline, to_public

FUZZY_BASELINE_MIN = 60.0  # rapidfuzz WRatio (0-100) needed to answer
LEXICAL_BASELINE_MIN = 0.3  # normalised BM25F needed to answer


@dataclass(frozen=True)
class Line:
    q: str
    expect: str | None
    ambiguous: tuple[str, ...]
    kind: str

    @property
    def category(self) -> str:
        if self.expect:
            return "in_scope"
        return "ambiguous" if self.ambiguous else "out_of_scope"


@dataclass(frozen=True)
class Prediction:
    status: str
    names: tuple[str, ...]  # candidates, best first
    elapsed_ms: float


Predictor = Callable[[str], Prediction]


def read_lines(path: Path) -> list[Line]:
    lines = []
    for no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        try:
            d = json.loads(raw)
            lines.append(
                Line(d["q"], d.get("expect"), tuple(d.get("ambiguous") or ()), d.get("kind", ""))
            )
        except (ValueError, KeyError) as exc:
            raise ValueError(f"{path}:{no}: not a question line ({exc})") from exc
    return lines


def correct(line: Line, p: Prediction) -> bool:
    if line.category == "in_scope":
        return p.status == "matched" and bool(p.names) and p.names[0] == line.expect
    if line.category == "ambiguous":
        return p.status == "ambiguous" and len(set(line.ambiguous) & set(p.names)) >= 2
    return p.status == "no_match"


@dataclass
class Report:
    name: str
    questions: int
    top1: float
    top3: float
    clarification: float
    oos_recall: float
    false_rejection: float
    by_kind: dict[str, dict[str, float]]
    latency_p50_ms: float
    latency_p99_ms: float
    misses: list[dict[str, Any]] = field(default_factory=list)
    predictions: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self, *, with_predictions: bool) -> dict[str, Any]:
        d = asdict(self)
        if not with_predictions:
            d.pop("predictions")
        return d


def _rate(hits: Iterable[bool]) -> float:
    hits = list(hits)
    return round(sum(hits) / len(hits), 4) if hits else 0.0


def evaluate(name: str, lines: list[Line], predict: Predictor) -> Report:
    preds = [predict(line.q) for line in lines]
    pairs = list(zip(lines, preds, strict=True))
    inscope = [(ln, p) for ln, p in pairs if ln.category == "in_scope"]
    kinds: dict[str, list[bool]] = {}
    for ln, p in pairs:
        kinds.setdefault(ln.kind, []).append(correct(ln, p))
    latencies = [p.elapsed_ms for p in preds]
    return Report(
        name=name,
        questions=len(lines),
        top1=_rate(correct(ln, p) for ln, p in inscope),
        top3=_rate(ln.expect in p.names[:3] for ln, p in inscope),
        clarification=_rate(correct(ln, p) for ln, p in pairs if ln.category == "ambiguous"),
        oos_recall=_rate(
            p.status == "no_match" for ln, p in pairs if ln.category == "out_of_scope"
        ),
        false_rejection=_rate(p.status == "no_match" for _, p in inscope),
        by_kind={k: {"n": len(v), "accuracy": _rate(v)} for k, v in sorted(kinds.items())},
        latency_p50_ms=round(statistics.median(latencies), 3) if latencies else 0.0,
        latency_p99_ms=round(float(np.percentile(latencies, 99)), 3) if latencies else 0.0,
        misses=[_row(ln, p) for ln, p in pairs if not correct(ln, p)],
        predictions=[_row(ln, p) for ln, p in pairs],
    )


def _row(line: Line, p: Prediction) -> dict[str, Any]:
    return {
        "q": line.q,
        "kind": line.kind,
        "expect": line.expect,
        "ambiguous": list(line.ambiguous),
        "status": p.status,
        "candidates": list(p.names[:5]),
        "correct": correct(line, p),
    }


# ---------------------------------------------------------------- predictors


def pipeline_predictor(pipeline: NluPipeline, top_k: int = 5) -> Predictor:
    def predict(text: str) -> Prediction:
        started = time.perf_counter()
        doc = pipeline(text)
        out = to_public(doc, top_k, 0.0)
        elapsed = (time.perf_counter() - started) * 1000
        names = [r.name for r in out.results]
        if out.clarify:
            names += [o.name for o in out.clarify.options if o.name not in names]
        return Prediction(out.status, tuple(names), elapsed)

    return predict


def fuzzy_baseline(engine: Engine, top_k: int = 5) -> Predictor:
    """rapidfuzz alone: the best WRatio between the question and any name or alias."""
    choices: list[str] = []
    owners: list[str] = []
    for e in engine.index.entries:
        for text in [*e.fields.get("name", []), *e.fields.get("alias", [])]:
            choices.append(text)
            owners.append(e.name)

    def predict(text: str) -> Prediction:
        started = time.perf_counter()
        q = engine.analyzer.canonical(text)[0].text
        names: list[str] = []
        best = 0.0
        for _, s, i in process.extract(q, choices, scorer=fuzz.WRatio, limit=top_k * 4):
            best = max(best, s)
            if owners[i] not in names:
                names.append(owners[i])
        status = "matched" if best >= FUZZY_BASELINE_MIN else "no_match"
        return Prediction(status, tuple(names[:top_k]), (time.perf_counter() - started) * 1000)

    return predict


def lexical_baseline(engine: Engine, top_k: int = 5) -> Predictor:
    """The lexical ranking alone (BM25F over words and bigrams), thresholded."""

    def predict(text: str) -> Prediction:
        started = time.perf_counter()
        a = engine.analyzer.question(text)
        cands = sorted(engine.retriever.rank(a).candidates, key=lambda c: -c.lexical)
        names = tuple(engine.index.entries[c.entry].name for c in cands[:top_k])
        ok = bool(cands) and cands[0].lexical >= LEXICAL_BASELINE_MIN
        return Prediction(
            "matched" if ok else "no_match", names, (time.perf_counter() - started) * 1000
        )

    return predict
