"""NLU fixtures: the bundled KB as a snapshot and one pipeline built from it per test run.

Building the pipeline takes a second or two, so it is shared (session scope); tests that
need a changed KB build their own snapshot with ``snapshot_of``.
"""

from __future__ import annotations

import pytest

from assistant.kb import files
from assistant.kb.snapshot import KbSnapshot
from assistant.nlu.engine import Resources
from assistant.nlu.kbsource import snapshot_of
from assistant.nlu.runtime import Nlu, NluPipeline, build_pipeline


@pytest.fixture(scope="session")
def nlu_resources() -> Resources:
    return Resources.load()


@pytest.fixture(scope="session")
def kb_snapshot(kb_bundle: files.Bundle) -> KbSnapshot:
    return snapshot_of(
        [kb_bundle.guides[k] for k in sorted(kb_bundle.guides)],
        kb_bundle.themes,
        halls=kb_bundle.halls,
        licence_types=kb_bundle.licence_types,
        synonyms=kb_bundle.synonyms,
    )


@pytest.fixture(scope="session")
def pipeline(kb_snapshot: KbSnapshot, nlu_resources: Resources) -> NluPipeline:
    return build_pipeline(kb_snapshot, nlu_resources)


@pytest.fixture(scope="session")
def nlu(nlu_resources: Resources) -> Nlu:
    return Nlu(resources=nlu_resources)
