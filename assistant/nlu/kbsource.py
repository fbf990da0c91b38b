"""A ``KbSnapshot`` without a database: from KB files, or from guides made in memory.

The pipeline only ever sees snapshots; evaluation and benchmarks can thus run on a folder of
files (``--kb-dir``) or on a synthetic KB exactly as the app runs on the published one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from assistant.kb import files, schema
from assistant.kb.snapshot import HallRecord, KbSnapshot, PublishedGuide, PublishedTheme


class KbFilesError(ValueError):
    pass


def snapshot_of(
    guides: Sequence[schema.Guide],
    themes: Sequence[schema.Theme] = (),
    *,
    halls: Sequence[schema.Hall] = (),
    licence_types: Sequence[schema.LicenceType] = (),
    synonyms: Sequence[schema.SynonymGroup] = (),
    revision: int = 1,
) -> KbSnapshot:
    """A snapshot whose ids are positions (1, 2, …), as a fresh import would number them."""
    return KbSnapshot(
        revision=revision,
        guides=tuple(PublishedGuide(i, 1, g) for i, g in enumerate(guides, 1)),
        themes=tuple(PublishedTheme(i, t) for i, t in enumerate(themes, 1)),
        halls=tuple(HallRecord(i, h) for i, h in enumerate(halls, 1)),
        groups=(),
        licence_types=tuple(licence_types),
        synonyms=tuple(synonyms),
    )


def snapshot_from_dir(kb_dir: Path) -> KbSnapshot:
    bundle, problems = files.load_bundle(kb_dir)
    if problems:
        raise KbFilesError("\n".join(str(p) for p in problems[:20]))
    return snapshot_of(
        [bundle.guides[k] for k in sorted(bundle.guides)],
        bundle.themes,
        halls=bundle.halls,
        licence_types=bundle.licence_types,
        synonyms=bundle.synonyms,
    )
