"""Building a pipeline: the cyclic garbage collector is paused for the build, and only for it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from assistant.kb.snapshot import KbSnapshot
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
