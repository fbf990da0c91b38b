"""Segmentation with a KB-aware jieba, typo repair, and colloquial-to-standard rewriting.

Each index gets its own ``jieba.Tokenizer`` (never the module-level default one), built from a
copy of jieba's main dictionary loaded once per process (``BaseDictionary``) plus the KB's
words, so rebuilding after a publish neither reloads the main dictionary nor leaks words of
an older KB revision into the new one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import jieba

from assistant.nlu.lexicon import Lexicon
from assistant.nlu.pinyin import Readings
from assistant.nlu.text import Aligned, is_han

MAX_TERM = 8  # longest KB term that typo repair tries to restore
MAX_INNER = 5  # longest word looked for inside a longer one


MIN_BASE_FREQ = 5


@dataclass(frozen=True)
class BaseDictionary:
    """jieba's main dictionary (word → frequency, with jieba's prefix entries), trimmed.

    jieba's full dictionary takes about 100 MB resident, and each index needs a copy of its
    table. Most of it is of no use for questions about public services: person names
    (``nr*``: 80,000 entries) and the 200,000 entries jieba lists at frequency 3 or 4
    (supplementary vocabulary, often phrases that hide their words: 办手续, 要领). What
    remains cuts questions as well for our purpose, at a third of the memory.
    """

    freq: dict[str, int]
    total: int

    @classmethod
    def load(cls, min_freq: int = MIN_BASE_FREQ) -> BaseDictionary:
        freq: dict[str, int] = {}
        total = 0
        with jieba.get_dict_file() as f:
            for raw in f:
                word, count, tag = raw.decode("utf-8").split(" ")[:3]
                n = int(count)
                if n < min_freq or tag.startswith("nr"):
                    continue
                freq[word] = n
                total += n
        for word in list(freq):
            for i in range(1, len(word)):
                freq.setdefault(word[:i], 0)
        return cls(freq, total)


WHOLE_MARGIN = 500  # how much likelier than its parts a KB word is made


def make_tokenizer(base: BaseDictionary, words: Iterable[tuple[str, str]]) -> jieba.Tokenizer:
    """A tokenizer that keeps each KB word whole, but no more eagerly than that.

    A word gets the frequency that makes it a little likelier than the split jieba would
    otherwise make (jieba's ``suggest_freq`` with a margin): a fixed large frequency would
    let ``取公积金`` swallow the ``取`` of ``提取公积金``.
    """
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ = dict(base.freq)
    tokenizer.total = base.total
    tokenizer.initialized = True
    freqs = [(word, whole_frequency(tokenizer, word), tag) for word, tag in words]
    for word, freq, tag in freqs:
        tokenizer.add_word(word, freq, tag)
    return tokenizer


def whole_frequency(tokenizer: jieba.Tokenizer, word: str) -> int:
    p = 1.0
    for part in tokenizer.cut(word, HMM=False):
        p *= tokenizer.FREQ.get(part, 1) / tokenizer.total
    return max(int(p * tokenizer.total * WHOLE_MARGIN) + 1, tokenizer.FREQ.get(word, 0))


@dataclass(frozen=True)
class _Term:
    text: str
    readings: tuple[frozenset[str], ...]


class TypoRepair:
    """Restores KB terms typed with a homophone (``户照`` → ``护照``, ``身分正`` → ``身份证``).

    A window of the question is replaced by a KB term of the same length when every
    character sounds like the term's (toneless pinyin; looser matching for terms of three
    characters or more), at least one character is already right, and the window is not a
    word of its own.
    """

    def __init__(self, terms: Iterable[str], readings: Readings, base: BaseDictionary) -> None:
        self._readings = readings
        self._base = base
        self._known = set()
        self._buckets: dict[tuple[int, str, str], list[_Term]] = defaultdict(list)
        for text in terms:
            if not (2 <= len(text) <= MAX_TERM) or not all(is_han(c) for c in text):
                continue
            self._known.add(text)
            strict = tuple(frozenset(readings.of(c)) for c in text)
            for first in strict[0]:
                for second in strict[1]:
                    self._buckets[(len(text), first, second)].append(_Term(text, strict))

    def __call__(self, a: Aligned) -> Aligned:
        text = a.text
        found: list[tuple[int, int, str]] = []  # (start, end, term)
        han = [self._readings.of(c) if is_han(c) else () for c in text]
        for start in range(len(text) - 1):
            pairs = [(r0, r1) for r0 in han[start] for r1 in han[start + 1]]
            for length in range(2, min(MAX_TERM, len(text) - start) + 1):
                terms = [t for r0, r1 in pairs for t in self._buckets.get((length, r0, r1), ())]
                if terms:
                    term = self._match(text[start : start + length], terms)
                    if term is not None:
                        found.append((start, start + length, term))
        if not found:
            return a
        protected = self._protected(text)
        fixes: list[tuple[int, int, str]] = []
        for start, end, term in sorted(found, key=lambda f: (f[0] - f[1], f[0])):  # longest first
            if all(e <= start or end <= s for s, e, _ in fixes) and not self._cuts(
                protected, start, end
            ):
                fixes.append((start, end, term))
        return a.replace(fixes) if fixes else a

    def _protected(self, text: str) -> list[tuple[int, int]]:
        """Where the text already has KB terms right: a repair must not cut through them."""
        spans = []
        for length in range(2, min(MAX_TERM, len(text)) + 1):
            for start in range(len(text) - length + 1):
                if text[start : start + length] in self._known:
                    spans.append((start, start + length))
        return spans

    @staticmethod
    def _cuts(protected: list[tuple[int, int]], start: int, end: int) -> bool:
        return any(s < end and start < e and not (start <= s and e <= end) for s, e in protected)

    def _match(self, window: str, terms: list[_Term]) -> str | None:
        if window in self._known or not all(is_han(c) for c in window):
            return None
        if len(window) == 2 and self._base.freq.get(window, 0) > 0:
            return None  # a word of its own (头靠 is a headrest): do not second-guess it
        found = {t.text for t in terms if self._sounds_like(window, t)}
        return found.pop() if len(found) == 1 else None

    def _sounds_like(self, window: str, term: _Term) -> bool:
        same = 0
        for ch, want, have in zip(window, term.readings, term.text, strict=True):
            if ch == have:
                same += 1
            elif not want.intersection(self._readings.of(ch)):
                return False
        return 0 < same < len(window)


class Segmenter:
    """Cuts canonical text into words and rewrites colloquial words to the KB's words.

    jieba's HMM (guessing unknown words) is off: a word is either in the dictionary (jieba's
    or the KB's) or cut into characters, so an unknown word never passes for a specific term.
    """

    def __init__(self, tokenizer: jieba.Tokenizer, lexicon: Lexicon) -> None:
        self.tokenizer = tokenizer
        self._synonyms = lexicon.synonyms
        variants = sorted(lexicon.synonyms, key=len, reverse=True)
        self._variant_re = re.compile("|".join(map(re.escape, variants))) if variants else None

    def may_rewrite(self, text: str) -> bool:
        """Could ``standardise`` change this text (does a colloquial variant occur in it)?"""
        return self._variant_re is not None and self._variant_re.search(text) is not None

    def words(self, text: str) -> list[str]:
        return [w for w in self.tokenizer.cut(text, HMM=False) if w and not w.isspace()]

    def search_words(self, words: Iterable[str]) -> list[str]:
        """The words plus the dictionary words inside long ones (like jieba's search mode,
        up to five characters), computed from a cut we already have."""
        out: list[str] = []
        for w in words:
            out.extend(self.inner_words(w))
            out.append(w)
        return out

    def inner_words(self, word: str) -> list[str]:
        """Dictionary words (2–5 characters) strictly inside ``word``."""
        freq = self.tokenizer.FREQ
        n = len(word)
        return [
            g
            for size in range(2, min(n - 1, MAX_INNER) + 1)
            for i in range(n - size + 1)
            if freq.get(g := word[i : i + size])
        ]

    def standardise_text(self, text: str) -> tuple[str, list[str]]:
        """``standardise`` for text that needs no alignment (KB texts)."""
        words = [w for w in self.tokenizer.cut(text, HMM=False) if w]
        if not any(w in self._synonyms for w in words):
            return text, [w for w in words if not w.isspace()]
        text = "".join(self._synonyms.get(w, w) for w in words)
        return text, self.words(text)

    def standardise(self, a: Aligned) -> tuple[Aligned, list[str]]:
        """Replace colloquial variants (点样, 边度…) by the KB's canonical words; return the
        rewritten text and its words."""
        words = [w for w in self.tokenizer.cut(a.text, HMM=False) if w]
        fixes = []
        pos = 0
        for w in words:
            canonical = self._synonyms.get(w)
            if canonical is not None:
                fixes.append((pos, pos + len(w), canonical))
            pos += len(w)
        if not fixes:
            return a, [w for w in words if not w.isspace()]
        a = a.replace(fixes)
        return a, self.words(a.text)
