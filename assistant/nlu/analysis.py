"""One question, analysed: canonical text (aligned to what was typed), words and terms."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

from assistant.nlu.index import bigrams
from assistant.nlu.segment import Segmenter, TypoRepair
from assistant.nlu.text import Aligned, normal_text, normalise
from assistant.nlu.words import STOP, has_content, is_stop


@dataclass(frozen=True)
class Analysis:
    raw: str
    aligned: Aligned  # canonical text and where each character came from
    words: tuple[str, ...]  # segmentation of the canonical text
    terms: tuple[str, ...]  # content words, with the dictionary words inside long ones
    context: tuple[tuple[int, int], ...] = ()  # spans of when/where (dates, halls): not the service

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
        """Words that can say what the question is about (not function words, dates, halls)."""
        if not self.context:
            return tuple(w for w in self.words if not is_stop(w))
        out = []
        pos = 0
        text = self.text
        for w in self.words:
            start = text.find(w, pos)
            pos = start + len(w) if start >= 0 else pos
            if is_stop(w) or any(s <= start and start + len(w) <= e for s, e in self.context):
                continue
            out.append(w)
        return tuple(out)

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


@dataclass(frozen=True)
class KbText:
    """A KB text, segmented (what the index needs of it)."""

    text: str
    words: tuple[str, ...]
    terms: tuple[str, ...]

    @property
    def key(self) -> str:
        return exact_key(self.words)


class _Recent:
    """A bounded memo: KB texts recur close together (a guide's texts are indexed right
    after they are made canonical; materials and cues recur across guides). Unbounded, it
    would hold every text of a large KB at once; when full it starts again (cheaper than
    keeping the most recent: every KB text passes through it several times per build)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._data: dict[str, object] = {}
        self.get = self._data.get

    def put(self, key: str, value: object) -> None:
        if len(self._data) >= self._size:
            self._data.clear()
        self._data[key] = value


class Analyzer:
    """Normalise → repair typos → standard words → segment; the same for KB texts and questions."""

    RECENT = 20_000

    def __init__(
        self, to_simplified: Callable[[str], str], segmenter: Segmenter, repair: TypoRepair | None
    ) -> None:
        self._to_simplified = to_simplified
        self.segmenter = segmenter
        self.repair = repair
        self._normal: _Recent | None = None
        self._canon: _Recent | None = None
        self._segmented: _Recent | None = None
        self._known: Mapping[str, str] = {}

    def canonical(self, raw: str, *, repair: bool = True) -> tuple[Aligned, list[str]]:
        """The canonical text of ``raw`` (aligned to it) and its words."""
        aligned = normalise(raw, self._to_simplified)
        if repair and self.repair is not None:
            aligned = self.repair(aligned)
        return self.segmenter.standardise(aligned)

    def terms(self, words: Iterable[str]) -> tuple[str, ...]:
        """Content words, each after the dictionary words inside it (``search_words`` without
        stop words; one pass: every KB text of an index build passes here)."""
        inner = self.segmenter.inner_words
        out: list[str] = []
        for w in words:  # ``is_stop`` inlined: a million calls per build at 5,000 guides
            if len(w) > 2:  # shorter words have no words inside
                out.extend(
                    [t for t in inner(w) if t not in STOP and (t.isalnum() or has_content(t))]
                )
            if w not in STOP and (w.isalnum() or has_content(w)):
                out.append(w)
        return tuple(out)

    def question(self, raw: str) -> Analysis:
        aligned, words = self.canonical(raw)
        return Analysis(raw, aligned, tuple(words), self.terms(words))

    # KB texts: no typo repair (the KB is spelled right); memoised while an index is built
    # (one memo per kind of result, read with a plain dict lookup: every KB text passes here).

    def normal(self, text: str) -> str:
        """Normalised text (no typo repair, no synonyms)."""
        memo = self._normal
        if memo is None:
            return normal_text(text, self._to_simplified)
        hit = memo.get(text)
        if hit is None:
            hit = self._known.get(text)
            if hit is None:
                hit = normal_text(text, self._to_simplified)
                memo.put(text, hit)
        return hit  # type: ignore[return-value]

    def canon(self, kb_text: str) -> str:
        """Canonical form of a KB text (its segmentation is remembered for ``segmented``)."""
        memo, seg = self._canon, self._segmented
        hit = memo.get(kb_text) if memo is not None else None
        if hit is not None:
            return hit  # type: ignore[return-value]
        normal = self.normal(kb_text)
        canonical, words, given = self.segmenter.standardise_text(normal)
        if memo is not None and seg is not None:
            memo.put(kb_text, canonical)
            seg.put(canonical, KbText(canonical, tuple(words), self.terms(words)))
            if canonical != normal:  # the text as written is indexed too
                seg.put(normal, KbText(normal, tuple(given), self.terms(given)))
        return canonical

    def canon_phrase(self, kb_text: str) -> str:
        """``canon`` without the words and terms (just the text: lexicon phrases)."""
        hit = self._canon.get(kb_text) if self._canon is not None else None
        if hit is not None:
            return hit  # type: ignore[return-value]
        return self.segmenter.rewrite(self.normal(kb_text))

    def segmented(self, text: str) -> KbText:
        """Words and terms of a text already normalised (canonical, or as written)."""
        memo = self._segmented
        hit = memo.get(text) if memo is not None else None
        if hit is None:
            words = tuple(self.segmenter.words(text))
            hit = KbText(text, words, self.terms(words))
            if memo is not None:
                memo.put(text, hit)
        return hit  # type: ignore[return-value]

    @contextmanager
    def caching(self, normalised: Mapping[str, str] | None = None) -> Iterator[None]:
        """Remember KB texts (and the segmenter its cuts) while an index is built; nothing of it
        stays after. ``normalised``: texts already normalised (text → ``normal(text)``), the
        KB's texts to be segmented among them: the segmenter cuts them now, in one batch."""
        self._normal, self._canon, self._segmented = (_Recent(self.RECENT) for _ in range(3))
        self._known = normalised if normalised is not None else {}
        self.segmenter.remember(set(self._known.values()))
        try:
            yield
        finally:
            self._normal = self._canon = self._segmented = None
            self._known = {}
            self.segmenter.forget()
