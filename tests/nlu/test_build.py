"""Building a pipeline: the cyclic garbage collector is paused for the build, and only for it;
a server's long-lived pipeline is kept out of full collections (``settle_heap``)."""

from __future__ import annotations

import dataclasses
import gc
import weakref
from collections.abc import Iterator

import pytest

from assistant.kb.snapshot import Derived, KbSnapshot
from assistant.nlu import runtime
from assistant.nlu.engine import Resources


@pytest.fixture
def gc_state() -> Iterator[None]:
    """Whatever a test does to the collector, the next test finds it as it was."""
    was_enabled = gc.isenabled()
    yield
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


def seen_during_build(monkeypatch: pytest.MonkeyPatch, *, fail: bool) -> list[bool]:
    """Replace the engine build by one that records whether gc was on (and fails if asked)."""
    seen: list[bool] = []

    def build_engine(*args: object) -> object:
        seen.append(gc.isenabled())
        if fail:
            raise RuntimeError("the KB could not be indexed")
        return object()

    monkeypatch.setattr(runtime, "build_engine", build_engine)
    monkeypatch.setattr(runtime, "build_nlp", lambda engine: object())
    return seen


@pytest.mark.usefixtures("gc_state")
@pytest.mark.parametrize("fail", [False, True], ids=["build", "failing-build"])
@pytest.mark.parametrize("enabled", [True, False], ids=["gc-enabled", "gc-disabled"])
def test_a_build_runs_without_cyclic_gc_and_leaves_it_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
    kb_snapshot: KbSnapshot,
    nlu_resources: Resources,
    enabled: bool,
    fail: bool,
) -> None:
    gc.enable() if enabled else gc.disable()
    seen = seen_during_build(monkeypatch, fail=fail)
    if fail:
        with pytest.raises(RuntimeError, match="could not be indexed"):
            runtime.build_pipeline(kb_snapshot, nlu_resources)
    else:
        runtime.build_pipeline(kb_snapshot, nlu_resources)
    assert seen == [False]
    assert gc.isenabled() is enabled


def test_a_real_build_leaves_gc_enabled(kb_snapshot: KbSnapshot, nlu_resources: Resources) -> None:
    assert gc.isenabled()
    pipeline = runtime.build_pipeline(kb_snapshot, nlu_resources)
    assert gc.isenabled()
    assert pipeline.engine.index.entries


class Cyclic:
    """Stands in for a pipeline: objects that refer to each other, as spaCy's do."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """Whatever a test freezes, later tests find the collector with nothing frozen."""
    yield
    gc.unfreeze()


@pytest.mark.usefixtures("unfrozen")
def test_a_settled_heap_is_frozen_and_new_cycles_are_still_collected() -> None:
    runtime.settle_heap()
    assert gc.get_freeze_count() > 0 and gc.isenabled()
    ref = weakref.ref(Cyclic())
    gc.collect()
    assert ref() is None


@pytest.mark.usefixtures("unfrozen")
def test_after_a_publish_a_settled_server_collects_the_previous_pipelines_cycles(
    monkeypatch: pytest.MonkeyPatch, kb_snapshot: KbSnapshot, nlu_resources: Resources
) -> None:
    nlu = runtime.Nlu(nlu_resources)
    monkeypatch.setattr(nlu, "_pipelines", Derived(lambda snapshot: Cyclic()))
    old = weakref.ref(nlu.pipeline(kb_snapshot))
    runtime.settle_heap()  # the server's warm-up: the first pipeline is frozen
    newer = dataclasses.replace(kb_snapshot, revision=kb_snapshot.revision + 1)
    current = nlu.pipeline(newer)
    assert old() is None, "the replaced pipeline was collected, not left frozen"
    assert gc.get_freeze_count() > 0 and current is nlu.pipeline(newer)


def test_a_server_that_did_not_settle_its_heap_freezes_nothing_at_a_publish(
    monkeypatch: pytest.MonkeyPatch, kb_snapshot: KbSnapshot, nlu_resources: Resources
) -> None:
    assert gc.get_freeze_count() == 0
    nlu = runtime.Nlu(nlu_resources)
    monkeypatch.setattr(nlu, "_pipelines", Derived(lambda snapshot: Cyclic()))
    nlu.pipeline(kb_snapshot)
    nlu.pipeline(dataclasses.replace(kb_snapshot, revision=kb_snapshot.revision + 1))
    assert gc.get_freeze_count() == 0
