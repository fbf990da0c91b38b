"""Segmentation with a KB-aware jieba dictionary, typo repair, and colloquial rewriting.

Each index gets its own ``WordTable`` (jieba's word → frequency table), built from a copy of
jieba's main dictionary loaded once per process (``BaseDictionary``) plus the KB's words, so
rebuilding after a publish neither reloads the main dictionary nor leaks words of an older KB
revision into the new one. ``FastCut`` cuts as jieba does without its HMM.

The ``jieba`` package itself is never imported: only its dictionary file is read. Importing
it loads jieba's HMM model (``jieba.finalseg``), which nothing here uses; where byte code is
not cached, compiling that model's tables costs about 60 MB of resident memory for good.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import math
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.nlu.lexicon import Lexicon
from assistant.nlu.pinyin import Readings
from assistant.nlu.text import Aligned, is_han

MAX_TERM = 8  # longest KB term that typo repair tries to restore
MAX_INNER = 5  # longest word looked for inside a longer one
INNER_MEMO = 100_000
LOGP_MEMO = 50_000
BLOCK_MEMO = 50_000  # Han runs cut while an index is built (half of them recur: 注销, 变更…)


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
        with jieba_dictionary_path().open(encoding="utf-8") as f:
            for raw in f:
                word, count, tag = raw.split(" ")[:3]
                n = int(count)
                if n < min_freq or tag.startswith("nr"):
                    continue
                freq[word] = n
                total += n
        for word in list(freq):
            for i in range(1, len(word)):
                freq.setdefault(word[:i], 0)
        return cls(freq, total)


def jieba_dictionary_path() -> Path:
    spec = importlib.util.find_spec("jieba")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("jieba is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "dict.txt"


@dataclass
class WordTable:
    """What a ``jieba.Tokenizer`` knows: word → frequency (every prefix of a word present,
    with frequency 0 if it is not a word itself), the total, and the KB words' tags."""

    freq: dict[str, int]
    total: int
    tags: dict[str, str] = field(default_factory=dict)

    def add_word(self, word: str, freq: int, tag: str) -> None:
        """As ``jieba.Tokenizer.add_word`` with an explicit frequency."""
        self.freq[word] = freq
        self.total += freq
        self.tags[word] = tag
        for i in range(1, len(word)):
            self.freq.setdefault(word[:i], 0)


WHOLE_MARGIN = 500  # how much likelier than its parts a KB word is made


def make_word_table(base: BaseDictionary, words: Iterable[tuple[str, str]]) -> WordTable:
    """jieba's main dictionary plus the KB's words, each kept whole, but no more eagerly than
    that.

    A word gets the frequency that makes it a little likelier than the split jieba would
    otherwise make (jieba's ``suggest_freq`` with a margin): a fixed large frequency would
    let ``取公积金`` swallow the ``取`` of ``提取公积金``.
    """
    table = WordTable(dict(base.freq), base.total)
    cut = FastCut(table)
    freqs = [(word, whole_frequency(table, cut, word), tag) for word, tag in words]
    for word, freq, tag in freqs:
        table.add_word(word, freq, tag)
    return table


def whole_frequency(table: WordTable, cut: FastCut, word: str) -> int:
    p = 1.0
    for part in cut(word):
        p *= table.freq.get(part, 1) / table.total
    return max(int(p * table.total * WHOLE_MARGIN) + 1, table.freq.get(word, 0))


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
        # (first two readings) → {length → terms}: a window is tried only where a term may fit
        self._buckets: dict[tuple[str, str], dict[int, list[_Term]]] = defaultdict(dict)
        for text in terms:
            if not (2 <= len(text) <= MAX_TERM) or not all(is_han(c) for c in text):
                continue
            self._known.add(text)
            strict = tuple(frozenset(readings.of(c)) for c in text)
            for first in strict[0]:
                for second in strict[1]:
                    bucket = self._buckets[(first, second)]
                    bucket.setdefault(len(text), []).append(_Term(text, strict))

    def __call__(self, a: Aligned) -> Aligned:
        text = a.text
        found: list[tuple[int, int, str]] = []  # (start, end, term)
        han = [self._readings.of(c) if is_han(c) else () for c in text]
        for start in range(len(text) - 1):
            by_length: dict[int, list[_Term]] = {}
            for r0 in han[start]:
                for r1 in han[start + 1]:
                    for length, ts in self._buckets.get((r0, r1), {}).items():
                        by_length.setdefault(length, []).extend(ts)
            for length, terms in by_length.items():
                if start + length <= len(text):
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


class FastCut:
    """jieba's precise mode without HMM (``cut(text, HMM=False)``), same words, faster.

    jieba builds a DAG of dictionary words and picks the most probable path, computing a
    logarithm for every edge of every sentence. Here the log-probabilities are remembered per
    word and the DAG and the path are one loop. Building an index cuts every KB text: this is
    the single largest cost of a rebuild. ``test_fast_cut_agrees_with_jieba`` keeps it honest.
    """

    def __init__(self, table: WordTable) -> None:
        self._table = table
        self._freq = table.freq
        self._logtotal = math.log(table.total)
        self._logp: dict[str, float] = {}
        # While an index is built: Han run → its words joined by spaces (a run has none), or
        # for runs cut ahead, where that is in ``_cuts`` (start << 32 | end): one string per
        # batch. Few objects: lists of words, or a string per run, kept during a build and freed
        # after it leave the allocator's pages pinned by the index's objects (~25 MB, ~3 MB).
        self._blocks: dict[str, str | int] | None = None
        self._cuts = ""
        self._limit = BLOCK_MEMO
        self._batch: BatchCut | None = None  # while remembering, once runs were cut ahead

    def __call__(self, text: str) -> list[str]:
        out: list[str] = []
        blocks = self._blocks
        for block in _HAN_BLOCK.split(text):
            if not block:
                continue
            if _HAN_BLOCK.match(block):
                if blocks is None:
                    out.extend(self._cut_block(block))
                    continue
                cut = blocks.get(block)
                if cut is None:
                    words = self._cut_block(block)
                    if len(blocks) >= self._limit:
                        blocks.clear()
                    blocks[block] = " ".join(words)
                    out.extend(words)
                elif cut.__class__ is int:
                    out.extend(self._cuts[cut >> 32 : cut & _LOW].split(" "))  # type: ignore[operator]
                else:
                    out.extend(cut.split(" "))  # type: ignore[union-attr]
            else:
                for piece in _SKIP.split(block):
                    if piece:
                        out.extend([piece] if _SKIP.match(piece) else piece)
        return out

    def _logp_of(self, word: str, freq: int) -> float:
        lp = self._logp.get(word)
        if lp is None:
            if len(self._logp) > LOGP_MEMO:
                self._logp.clear()
            lp = self._logp[word] = math.log(freq or 1) - self._logtotal
        return lp

    def remember(self, texts: Iterable[str] = ()) -> None:
        """Remember cuts from now on (an index build: the KB's texts repeat runs); the runs of
        ``texts`` (the KB's texts to be segmented) are cut right now, all in one batch."""
        self._blocks = {}
        self.cut_ahead(texts)

    def remembered(self) -> list[list[str]]:
        """The remembered cuts (words of each run)."""
        cuts = self._cuts
        return [
            (cuts[c >> 32 : c & _LOW] if isinstance(c, int) else c).split(" ")
            for c in (self._blocks or {}).values()
        ]

    def cut_ahead(self, texts: Iterable[str]) -> None:
        """While remembering: cut the runs of ``texts`` not remembered yet, in one batch."""
        if self._blocks is None:
            return
        runs = han_runs(texts).difference(self._blocks)
        if runs:
            if self._batch is None:
                self._batch = BatchCut(self._table)
            cuts, where = self._batch(runs, len(self._cuts))
            self._cuts += cuts
            self._blocks.update(where)
        self._limit = len(self._blocks) + BLOCK_MEMO

    def forget(self) -> None:
        """Drop remembered probabilities and cuts, and remember no more cuts (after an index
        build: keep the resident set small)."""
        self._logp.clear()
        self._blocks = None
        self._batch = None
        self._cuts = ""

    def _cut_block(self, s: str) -> list[str]:
        n = len(s)
        freq = self._freq.get
        logp = self._logp.get
        best = [0.0] * (n + 1)
        nxt = [0] * (n + 1)
        for k in range(n - 1, -1, -1):
            top, top_end = None, k
            end = k + 1
            frag = s[k]
            f = freq(frag)
            while f is not None:
                if f:
                    lp = logp(frag)
                    if lp is None:
                        lp = self._logp_of(frag, f)
                    score = lp + best[end]
                    if top is None or score >= top:
                        top, top_end = score, end
                if end == n:
                    break
                end += 1
                frag = s[k:end]
                f = freq(frag)
            if top is None:  # not even the character is known: it stands alone
                top, top_end = self._logp_of(s[k], 0) + best[k + 1], k + 1
            best[k], nxt[k] = top, top_end
        words: list[str] = []
        buf = ""
        x = 0
        while x < n:
            y = nxt[x]
            word = s[x:y]
            if y - x == 1 and word.isascii() and word.isalnum():  # jieba's [a-zA-Z0-9] runs
                buf += word
            else:
                if buf:
                    words.append(buf)
                    buf = ""
                words.append(word)
            x = y
        if buf:
            words.append(buf)
        return words


class BatchCut:
    """Han runs cut as ``FastCut`` cuts them (their words joined by spaces), many at once
    by jieba-rs: one call for a whole KB, five times faster than ``FastCut`` run by run.

    jieba-rs finds the same words as jieba: the same log-probabilities (ln of the frequency, 1
    for a character not in the table, minus ln of the total), ties to the longer word, single
    ASCII letters and digits joined. Only the total differs: jieba-rs keeps the sum of its
    words' frequencies, jieba adds every frequency ever given (a KB word that replaces one of
    jieba's counts twice); a word that never occurs in a run (a space) makes up the difference.
    ``test_batch_cut_agrees_with_fast_cut`` keeps it honest. The jieba-rs dictionary takes
    ~10 MB: keep an instance only while an index is built.
    """

    def __init__(self, table: WordTable) -> None:
        self._jieba = jieba = _jieba_rs_class().empty()
        add, given = jieba.add_word, 0
        for word, freq in table.freq.items():
            if freq:
                add(word, freq, None)
                given += freq
        if table.total > given:
            add(" ", table.total - given, None)

    def __call__(self, runs: Iterable[str], offset: int = 0) -> tuple[str, dict[str, int]]:
        """The runs' words joined by spaces, run after run, and where each run's are in it
        (``start << 32 | end``, ``offset`` added)."""
        runs = list(runs)
        # Runs have no white space: "\n" between two runs comes back as a word of its own.
        cuts = " ".join(self._jieba.cut("\n".join(runs), False)) if runs else ""
        where: dict[str, int] = {}
        start = offset
        for run, part in zip(runs, cuts.split(" \n ") if runs else (), strict=True):
            end = start + len(part)
            where[run] = start << 32 | end
            start = end + 3
        return cuts, where


def han_runs(texts: Iterable[str]) -> set[str]:
    """The runs ``FastCut`` cuts by the dictionary (jieba's: Han characters, letters, digits)."""
    return {run for text in texts for run in _HAN_BLOCK.findall(text)}


def _jieba_rs_class() -> Any:
    """rjieba's ``Jieba`` (jieba-rs), without running the ``rjieba`` package's ``__init__``:
    that builds an instance with jieba's whole dictionary (0.4 s, 34 MB resident for good)."""
    name = "rjieba.rjieba"
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.find_spec("rjieba")  # finds the package without importing it
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError("rjieba is not installed")
        folder = Path(next(iter(spec.submodule_search_locations)))
        found = [
            p
            for suffix in importlib.machinery.EXTENSION_SUFFIXES
            if (p := folder / f"rjieba{suffix}").exists()
        ]
        if not found:
            raise RuntimeError(f"rjieba's extension module is not in {folder}")
        path = found[0]
        loader = importlib.machinery.ExtensionFileLoader(name, str(path))
        spec = importlib.machinery.ModuleSpec(name, loader, origin=str(path))
        module = importlib.util.module_from_spec(spec)
        loader.exec_module(module)
        sys.modules[name] = module
    return module.Jieba


_LOW = (1 << 32) - 1
_HAN_BLOCK = re.compile(r"([\u4e00-\u9fd5a-zA-Z0-9+#&\._%\-]+)")  # jieba's re_han_default
_SKIP = re.compile(r"(\r\n|\s)")


class Segmenter:
    """Cuts canonical text into words and rewrites colloquial words to the KB's words.

    jieba's HMM (guessing unknown words) is off: a word is either in the dictionary (jieba's
    or the KB's) or cut into characters, so an unknown word never passes for a specific term.
    """

    def __init__(self, table: WordTable, lexicon: Lexicon) -> None:
        self.table = table
        self.cut = FastCut(table)
        self._synonyms = lexicon.synonyms
        self._inner: dict[str, list[str]] = {}

    def remember(self, texts: Iterable[str] = ()) -> None:
        """An index is being built: remember its cuts until ``forget``; ``texts`` (the KB's
        texts to be segmented, normalised) are cut now, in one batch, and in a second one
        the runs synonyms rewrite (rewritten texts are segmented too)."""
        self.cut.remember(texts)
        self.cut.cut_ahead(
            r for cut in self.cut.remembered() if (r := self._rewritten(cut)) is not None
        )

    def forget(self) -> None:
        """Drop what was remembered while an index was built."""
        self.cut.forget()
        self._inner.clear()

    def rewrite(self, text: str) -> str:
        """``standardise_text``'s canonical text alone (cheap while cuts are remembered)."""
        canonical = self._rewritten(self.cut(text))
        return text if canonical is None else canonical

    def words(self, text: str) -> list[str]:
        return [w for w in self.cut(text) if w and not w.isspace()]

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
        if len(word) < 3:
            return []
        hit = self._inner.get(word)
        if hit is None:
            if len(self._inner) > INNER_MEMO:
                self._inner.clear()
            hit = self._inner[word] = self._inner_words(word)
        return hit

    def _inner_words(self, word: str) -> list[str]:
        freq = self.table.freq
        n = len(word)
        return [
            g
            for size in range(2, min(n - 1, MAX_INNER) + 1)
            for i in range(n - size + 1)
            if freq.get(g := word[i : i + size])
        ]

    def standardise_text(self, text: str) -> tuple[str, list[str], list[str]]:
        """``standardise`` for text that needs no alignment (KB texts): the canonical text,
        its words, and the words of the text as given."""
        cut = [w for w in self.cut(text) if w]
        given = [w for w in cut if not w.isspace()]
        canonical = self._rewritten(cut)
        if canonical is None:
            return text, given, given
        return canonical, self.words(canonical), given

    def _rewritten(self, cut: list[str]) -> str | None:
        """The text of these words with colloquial words replaced, if any was."""
        if self._synonyms.keys().isdisjoint(cut):
            return None
        return "".join(self._synonyms.get(w, w) for w in cut)

    def standardise(self, a: Aligned) -> tuple[Aligned, list[str]]:
        """Replace colloquial variants (点样, 边度…) by the KB's canonical words; return the
        rewritten text and its words."""
        words = [w for w in self.cut(a.text) if w]
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
