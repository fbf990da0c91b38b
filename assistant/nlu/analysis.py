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

    def span(self, word: str) -> tuple[int, int]:
        """Where a word first occurs in the canonical text."""
        start = self.text.find(word)
        return (start, start + len(word)) if start >= 0 else (0, 0)

    def surfaces(self, norm: Callable[[str], str]) -> dict[str, str]:
        """Content words that synonyms rewrote → what the citizen typed (normalised):
        配偶 → 老婆. How specific a word is depends on what was said."""
        out: dict[str, str] = {}
        pos = 0
        text = self.text
        for w in self.words:
            start = text.find(w, pos)
            if start < 0:
                break
            pos = start + len(w)
            if is_stop(w):
                continue
            s, e = self.aligned.source_span(start, pos)
            typed = norm(self.raw[s:e])
            if typed and typed != w:
                out[w] = typed
        return out


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
        self._terms_cache: dict[str, tuple[str, ...]] | None = None

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
        return out

    def canon(self, kb_text: str) -> str:
        return self.kb(kb_text)[0]

    def kb_terms(self, normal_text: str) -> tuple[str, ...]:
        """Terms of a text already normalised (canonical, or as written): segmented only."""
        cache = self._terms_cache
        if cache is not None and (hit := cache.get(normal_text)) is not None:
            return hit
        out = self.terms(self.segmenter.words(normal_text))
        if cache is not None:
            cache[normal_text] = out
        return out

    @contextmanager
    def caching(self) -> Iterator[None]:
        """Remember KB texts while an index is built (the same material names recur)."""
        self._kb_cache, self._terms_cache = {}, {}
        try:
            yield
        finally:
            self._kb_cache = self._terms_cache = None
