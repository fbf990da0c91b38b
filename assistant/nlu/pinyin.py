"""Toneless pinyin readings of single characters, for homophone-aware matching of KB terms.

Input-method typos in Chinese are mostly homophones (户照 for 护照, 社宝卡 for 社保卡): the
reading is right, the character is not. We only ever compare a few characters of a question
with a KB term, so per-character readings are enough. They come from pypinyin's own
single-character table, read directly: importing ``pypinyin`` also loads its phrase table
(about 50 MB resident), which this use does not need.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import unicodedata
from pathlib import Path

# Confusions common in southern Mandarin (and for Cantonese and Teochew speakers).
_LOOSE_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("l", "n"))
_LOOSE_FINALS = (("ing", "in"), ("eng", "en"), ("ang", "an"))
MAX_KEYS = 16


def _table_path() -> Path:
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pypinyin is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "pinyin_dict.json"


def _toneless(reading: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFD", reading) if not unicodedata.combining(c))
    return base.replace("ü", "v")


def loosen(syllable: str) -> str:
    for full, short in _LOOSE_INITIALS:
        if syllable.startswith(full):
            syllable = short + syllable[len(full) :]
            break
    for full, short in _LOOSE_FINALS:
        if syllable.endswith(full):
            return syllable[: -len(full)] + short
    return syllable


class Readings:
    """Character → its toneless readings (several for polyphonic characters)."""

    def __init__(self, table: dict[str, tuple[str, ...]]) -> None:
        self._table = table

    @classmethod
    def load(cls) -> Readings:
        raw = json.loads(_table_path().read_text(encoding="utf-8"))
        table: dict[str, tuple[str, ...]] = {}
        for code, readings in raw.items():
            seen = dict.fromkeys(_toneless(r) for r in readings.split(","))
            table[chr(int(code))] = tuple(seen)
        return cls(table)

    def of(self, ch: str) -> tuple[str, ...]:
        return self._table.get(ch, (ch,))

    def keys(self, word: str, *, loose: bool = False) -> list[str]:
        """Every reading of ``word`` as a space-joined key (bounded for polyphonic words)."""
        per_char = [self.of(c) for c in word]
        if loose:
            per_char = [tuple(dict.fromkeys(loosen(r) for r in rs)) for rs in per_char]
        out = []
        for combo in itertools.islice(itertools.product(*per_char), MAX_KEYS):
            out.append(" ".join(combo))
        return out
