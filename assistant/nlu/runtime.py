"""The NLU of one process: resources loaded once, a pipeline per KB revision, ``parse``.

``Nlu`` is what the app keeps on ``app.state.nlu``; the CLI, the evaluation, the benchmark
and (later) Rasa's actions use the same class. It needs no database: questions attached by
editors come from an optional loader (the app passes one that reads them), and the pipeline
is rebuilt whenever the snapshot's revision moves (``Derived``), so a publish or an attached
question is seen by the next question without a restart.
"""

from __future__ import annotations

import ctypes
import gc
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from assistant.kb.snapshot import Derived, KbSnapshot
from assistant.nlu.corpus import AttachedQuestion
from assistant.nlu.decide import Outcome, Scored
from assistant.nlu.engine import Engine, Resources, build_engine
from assistant.nlu.pipeline import build_nlp
from assistant.nlu.public import (
    ClarifyPublic,
    EntityPublic,
    OptionPublic,
    ParsePublic,
    ResultPublic,
    SituationPublic,
)
from assistant.privacy import mask_text

AttachedLoader = Callable[[], Iterable[AttachedQuestion]]


@dataclass
class NluPipeline:
    """The spaCy pipeline of one KB revision and the engine behind it."""

    engine: Engine
    nlp: Language
    build_seconds: float
    build_cpu_seconds: float = 0.0

    def __call__(self, text: str) -> Doc:
        return self.nlp(text)


def build_pipeline(
    snapshot: KbSnapshot, resources: Resources, attached: Iterable[AttachedQuestion] = ()
) -> NluPipeline:
    started, cpu = time.perf_counter(), time.process_time()
    with cyclic_gc_paused():
        engine = build_engine(snapshot, resources, attached)
        nlp = build_nlp(engine)
    gc.collect(0)  # the one pass over what the build made, counted in its time (not a question's)
    pipeline = NluPipeline(engine, nlp, time.perf_counter() - started, time.process_time() - cpu)
    release_free_memory()
    return pipeline


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside (as it was after, even on error).

    An index build allocates millions of containers (postings, memos, words) that all survive
    it: each collection of the older generations traverses the whole growing index again,
    for nothing. Reference counting still frees everything acyclic meanwhile. Other threads of
    a server lose cyclic collection only for the few seconds of a rebuild."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def settle_heap() -> None:
    """Keep what lives as long as the current pipeline out of Python's cyclic collector.

    A server holds ~250,000 long-lived objects (the pipeline, the KB snapshot, the routes), and
    every full collection traverses them all: ~165 ms during which no turn is answered. Once
    the pipeline is in place they are collected once and frozen (``gc.freeze``); later full
    collections traverse only what requests allocate. Reference counting frees everything as
    before. A server opts in at its warm-up; after that every switch to a newer pipeline
    unfreezes first, so that the previous pipeline's cycles are collected, then freezes again.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def release_free_memory() -> None:
    """Hand the allocator's free memory back to the OS. A build frees about as much as it keeps
    (segmentations, memos, intermediate tables: ~35 MB at 5,000 guides), and glibc keeps freed
    heap for reuse: without this a server would stay that much larger after every rebuild.
    Nothing happens where the C library is not glibc."""
    if not sys.platform.startswith("linux"):
        return
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # musl and other C libraries have no malloc_trim
        return
    trim(0)


class Nlu:
    def __init__(
        self, resources: Resources | None = None, attached: AttachedLoader | None = None
    ) -> None:
        self._resources = resources
        self._attached = attached
        self._lock = threading.Lock()
        self._pipelines: Derived[NluPipeline] = Derived(self._build)
        self._current: NluPipeline | None = None

    @property
    def resources(self) -> Resources:
        if self._resources is None:
            with self._lock:
                if self._resources is None:
                    self._resources = Resources.load()
        return self._resources

    def _build(self, snapshot: KbSnapshot) -> NluPipeline:
        attached = list(self._attached()) if self._attached else []
        return build_pipeline(snapshot, self.resources, attached)

    def pipeline(self, snapshot: KbSnapshot) -> NluPipeline:
        pipeline = self._pipelines.get(snapshot)
        if pipeline is not self._current:  # a publish: the previous revision's pipeline is gone
            self._current = pipeline
            if gc.get_freeze_count():  # a server that settled its heap (see settle_heap)
                settle_heap()
            release_free_memory()
        return pipeline

    def question_key(self, text: str) -> str:
        """What identical questions share in the editors' queue: masked, canonical, no spaces."""
        return self.resources.normal(mask_text(text)).replace(" ", "")

    def parse(self, snapshot: KbSnapshot, text: str, top_k: int = 5) -> tuple[ParsePublic, Doc]:
        """The answer to one question, and the Doc it came from (for the unanswered queue)."""
        pipeline = self.pipeline(snapshot)
        started = time.perf_counter()
        doc = pipeline(text)
        elapsed = (time.perf_counter() - started) * 1000
        return to_public(doc, top_k, elapsed), doc


def _result(s: Scored) -> ResultPublic:
    sit = SituationPublic(key=s.situation.key, name=s.situation.name) if s.situation else None
    return ResultPublic(
        name=s.entry.name,
        guide_id=s.entry.ref_id,
        kind=s.entry.kind,
        score=round(s.score, 3),
        situation=sit,
    )


def to_public(doc: Doc, top_k: int, elapsed_ms: float) -> ParsePublic:
    outcome: Outcome = doc._.zd_outcome
    results = [_result(s) for s in outcome.ranked[:top_k]]
    clarify = None
    if outcome.clarify is not None:
        clarify = ClarifyPublic(
            question=outcome.clarify.question,
            options=[
                OptionPublic(
                    label=label, name=s.entry.name, guide_id=s.entry.ref_id, kind=s.entry.kind
                )
                for label, s in outcome.clarify.options
            ],
        )
    return ParsePublic(
        status=outcome.status,
        results=results,
        entities=entities(doc),
        clarify=clarify,
        message=outcome.message,
        elapsed_ms=round(elapsed_ms, 3),
    )


def entities(doc: Doc) -> list[EntityPublic]:
    aligned = doc._.zd_aligned
    raw = doc._.zd_raw or doc.text
    out = []
    for ent in doc.ents:
        if aligned.splits_a_rewrite(ent.start_char, ent.end_char):
            continue  # 住房 of the 住房公积金 that 公积金 became: the citizen did not say it
        start, end = aligned.source_span(ent.start_char, ent.end_char)
        out.append(
            EntityPublic(
                label=ent.label_, text=raw[start:end], start=start, end=end, value=ent.text
            )
        )
    return out
