"""One question, analysed: canonical text (aligned to what was typed), words and terms."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

from assistant.nlu.index import bigrams
from assistant.nlu.segment import Segmenter, TypoRepair
from assistant.nlu.text import Aligned, normalise
from assistant.nlu.words import is_stop


@dataclass(frozen=True)
class Analysis:
    raw: str
    aligned: Aligned  # canonical text and where each character came from
    words: tuple[str, ...]  # segmentation of the canonical text
    terms: tuple[str, ...]  # content words, with the dictionary words inside long ones

    @property
    def text(self) -> str:
        return self.aligned.text

    @cached_property
    def grams(self) -> tuple[str, ...]:
        return tuple(bigrams(self.text))

    @cached_property
    def key(self) -> str:
        return exact_key(self.words)

    @cached_property
    def content_words(self) -> tuple[str, ...]:
        return tuple(w for w in self.words if not is_stop(w))

    @property
    def empty(self) -> bool:
        return not self.terms


def exact_key(words: tuple[str, ...] | list[str]) -> str:
    """What must be equal for two texts to be the same question (content words in order)."""
    return "".join(w for w in words if not is_stop(w))


class Analyzer:
    """Normalise → repair typos → standard words → segment; the same for KB texts and questions."""

    def __init__(
        self, to_simplified: Callable[[str], str], segmenter: Segmenter, repair: TypoRepair | None
    ) -> None:
        self._to_simplified = to_simplified
        self.segmenter = segmenter
        self._repair = repair
        self._kb_cache: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] | None = None

    def canonical(self, raw: str, *, repair: bool = True) -> tuple[Aligned, list[str]]:
        """The canonical text of ``raw`` (aligned to it) and its words."""
        aligned = normalise(raw, self._to_simplified)
        if repair and self._repair is not None:
            aligned = self._repair(aligned)
        return self.segmenter.standardise(aligned)

    def terms(self, words: Iterable[str]) -> tuple[str, ...]:
        return tuple(w for w in self.segmenter.search_words(words) if not is_stop(w))

    def question(self, raw: str) -> Analysis:
        aligned, words = self.canonical(raw)
        return Analysis(raw, aligned, tuple(words), self.terms(words))

    # KB texts: no typo repair (the KB is spelled right), and cached while an index is built.

    def kb(self, text: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
        """Canonical text, words and terms of a KB text."""
        cache = self._kb_cache
        if cache is not None and (hit := cache.get(text)) is not None:
            return hit
        aligned, words = self.canonical(text, repair=False)
        out = (aligned.text, tuple(words), self.terms(words))
        if cache is not None:
            cache[text] = out
            cache.setdefault(out[0], out)  # canonical text is its own canonical form
        return out

    def canon(self, kb_text: str) -> str:
        return self.kb(kb_text)[0]

    def kb_terms(self, canonical_text: str) -> tuple[str, ...]:
        return self.kb(canonical_text)[2]

    @contextmanager
    def caching(self) -> Iterator[None]:
        """Remember KB texts while an index is built (the same material names recur)."""
        self._kb_cache = {}
        try:
            yield
        finally:
            self._kb_cache = None
