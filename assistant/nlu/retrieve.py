"""Ranking entries for a question, with the evidence the decision needs.

``lexical`` is BM25F over words and character bigrams, each divided by what the question
itself would score, so it reads as "how much of the question this entry explains" and is
comparable between questions. Each question word also gets a weight (how much it says about
what the question is about: 0.1 for 办理 or 材料, up to 1 for 年检 or 出生医学证明) and, per
candidate, how well the candidate's subject fields explain it. ``coverage`` is the weighted
share explained: the stricter test behind out-of-scope detection.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz

from assistant.nlu.analysis import Analysis
from assistant.nlu.index import NAMING_FIELDS, Index, TermIndex, bigrams
from assistant.nlu.words import GENERIC

POOL = 12  # entries scored in full after the first lexical pass
FUZZY_POOL = 6  # … and compared with the question's wording
RARITY_FLOOR, RARITY_SPAN = 7.0, 6.0  # -log(frequency): 工作 ≈ 7 says nothing, 燃气 ≈ 12.5 a lot
# How well an entry explains a question word found in: its names and aliases, its other
# subject fields (examples, cues…), only its support fields (materials), only partly.
NAMED, SUBJECT, SUPPORT, PARTIAL = 1.0, 0.75, 0.4, 0.6
FOREIGN_FLOOR = 0.6


@dataclass(frozen=True)
class QuestionWords:
    """The content words of a question and what each is, independent of any candidate."""

    words: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]  # where each word is in the canonical question
    weights: tuple[float, ...]
    known: tuple[bool, ...]  # the KB uses the word somewhere (else: foreign to our services)
    operation: tuple[bool, ...]  # names several services' operation (遗失, 补领, 换领, 提取…)


@dataclass
class Candidate:
    entry: int
    lexical: float
    words: float = 0.0
    grams: float = 0.0
    fuzzy: float = 0.0
    exact: bool = False
    explained: tuple[float, ...] = ()  # per question word, 0..1
    coverage: float = 0.0
    cue: float = 0.0  # the question uses one of the entry's situation cues (0..1, longer = more)
    score: float = 0.0

    def missing(self, q: QuestionWords, min_weight: float) -> list[int]:
        """Indexes of question words at least this specific that the candidate leaves out."""
        return [
            i
            for i, (w, e) in enumerate(zip(q.weights, self.explained, strict=True))
            if w >= min_weight and e < 0.5
        ]


def _covered(spans: list[tuple[int, int, float]], start: int, end: int) -> float:
    """How well phrases found in the question explain the word at ``start:end``: a phrase
    over at least half of it that is not a mere part of it (学生 does not explain 学生证;
    小偷 does explain the 偷偷 that jieba cut out of 小偷偷走)."""
    best = 0.0
    for s, e, strength in spans:
        overlap = min(e, end) - max(s, start)
        inside = start <= s and e <= end and e - s < end - start
        if overlap * 2 >= end - start and not inside:
            best = max(best, strength)
    return best


_NONE: frozenset[int] = frozenset()


class _Evidence:
    """Which entries the index says explain one question word: those it names, those whose
    subject fields use it, those whose support fields do (looked up once per question, then
    asked for each candidate); its inner words and bigrams only when a candidate needs them."""

    __slots__ = ("term", "named", "subject", "support", "_retriever", "_inner", "_grams")

    def __init__(
        self,
        term: str,
        named: frozenset[int],
        subject: frozenset[int],
        support: frozenset[int],
        retriever: Retriever,
    ) -> None:
        self.term = term
        self.named, self.subject, self.support = named, subject, support
        self._retriever = retriever
        self._inner: list[tuple[int, int, frozenset[int], frozenset[int]]] | None = None
        self._grams: list[frozenset[int]] = []

    def whole(self, entry: int) -> float:
        if entry in self.named:
            return NAMED
        if entry in self.subject:
            return SUBJECT
        if entry in self.support:
            return SUPPORT
        return 0.0

    def explains(self, entry: int) -> float:
        """0..1: how well the entry explains the word."""
        got = self.whole(entry)
        term = self.term
        if got >= SUBJECT or len(term) < 3:
            return got
        if self._inner is None:
            self._parts()
        inner = self._inner
        if inner:  # 个体工商户营业执照: explained if 个体工商户 and 营业执照 are
            covered = [False] * len(term)
            for i, size, named, subject in inner:
                if entry in named or entry in subject:
                    covered[i : i + size] = [True] * size
            got = max(got, PARTIAL * sum(covered) / len(term) * 1.25)
        grams = self._grams
        if grams:
            hit = sum(1 for g in grams if entry in g)
            got = max(got, PARTIAL * hit / len(grams))
        return min(got, SUBJECT)

    def _parts(self) -> None:
        r = self._retriever
        naming, words, term = r.index.naming, r.index.words, self.term
        self._inner = [
            (term.find(w), len(w), naming.get(w, _NONE), words.docs_of(w, True))
            for w in r._inner(term)
        ]
        self._grams = [r.index.grams.docs_of(g, True) for g in bigrams(term)]


@dataclass
class Ranking:
    question: QuestionWords
    candidates: list[Candidate] = field(default_factory=list)


class Retriever:
    def __init__(
        self,
        index: Index,
        *,
        inner: Callable[[str], list[str]],
        norm: Callable[[str], str],
        variants: frozenset[str],
        general_freq: dict[str, int],
        total: int,
    ) -> None:
        self.index = index
        self._inner = inner
        self._norm = norm
        self._freq = general_freq
        self._total = total
        self._phrases: dict[int, _Phrases] = {}
        self._variants = variants  # colloquial words that synonyms rewrite

    def rank(self, a: Analysis, pool: int = POOL) -> Ranking:
        q = self.question_words(a)
        n = len(self.index.entries)
        if n == 0 or a.empty:
            return Ranking(q)
        weights = dict(zip(q.words, q.weights, strict=True))
        words = self._normalised(self.index.words, a.terms, n, weights)
        grams = self._normalised(self.index.grams, a.grams, n, weights)
        lexical = 0.5 * words + 0.5 * grams
        exact = self.index.exact.get(a.key)
        order = [int(i) for i in np.argsort(-lexical)[:pool] if lexical[i] > 0]
        if exact is not None and exact not in order:
            order.append(exact)
        found = [self._evidence(w) for w in q.words]  # once per word, not per candidate
        total = sum(q.weights)
        longest = max((self._entry_phrases(i).longest for i in order), default=0)
        text = a.text
        pieces = _pieces(text, longest)
        chars = set(text)
        cands = []
        for rank, i in enumerate(order):
            phrases = self.phrase_cover(text, i, pieces)
            explained = tuple(
                max(e.explains(i), _covered(phrases, start, end)) if phrases else e.explains(i)
                for e, (start, end) in zip(found, q.spans, strict=True)
            )
            coverage = (
                sum(w * e for w, e in zip(q.weights, explained, strict=True)) / total
                if total
                else 0.0
            )
            fuzzy = self._fuzzy(text, i, chars) if rank < FUZZY_POOL else 0.0
            cands.append(
                Candidate(
                    i,
                    float(lexical[i]),
                    float(words[i]),
                    float(grams[i]),
                    fuzzy,
                    i == exact,
                    explained,
                    coverage,
                    self.cue(text, i),
                )
            )
        return Ranking(q, cands)

    def question_words(self, a: Analysis) -> QuestionWords:
        words = tuple(dict.fromkeys(a.content_words))
        typed = {w: t for w, t in a.surfaces(self._norm).items() if t in self._variants}
        return QuestionWords(
            words,
            tuple(a.span(w) for w in words),
            tuple(
                min(self.weight(w), self.weight(typed[w])) if w in typed else self.weight(w)
                for w in words
            ),
            tuple(self.known(w) for w in words),
            tuple(len(self.index.naming.get(w, ())) >= 2 and w not in GENERIC for w in words),
        )

    def _normalised(
        self, index: TermIndex, terms: tuple[str, ...], n: int, weights: dict[str, float]
    ) -> np.ndarray:
        out = np.zeros(n, dtype=np.float32)
        total = index.scores({t: weights.get(t) or self.specificity(t) for t in set(terms)}, out)
        return out / total if total > 0 else out

    def phrase_cover(
        self, text: str, entry: int, pieces: set[str] | None
    ) -> list[tuple[int, int, float]]:
        """Names, aliases and cues of the entry found verbatim in the question, as
        ``(start, end, strength)``: evidence however jieba cut the question. ``pieces``: the
        question's substrings (``_pieces``), to look for only those phrases that occur; None
        for a question too long to list them."""
        spans = []
        strength = self._entry_phrases(entry).strength
        for phrase in strength.keys() & pieces if pieces is not None else strength:
            start = text.find(phrase)
            while start >= 0:
                spans.append((start, start + len(phrase), strength[phrase]))
                start = text.find(phrase, start + 1)
        return spans

    def _entry_phrases(self, entry: int) -> _Phrases:
        """Names, aliases (``NAMED``) and cues (``SUBJECT``) of an entry, made once."""
        hit = self._phrases.get(entry)
        if hit is None:
            e = self.index.entries[entry]
            found = {p: NAMED for f in NAMING_FIELDS for p in e.fields.get(f, ()) if len(p) >= 2}
            for c in (c for s in e.situations for c in s.cues if len(c) >= 2):
                found.setdefault(c, SUBJECT)
            names = tuple((p, min(1.0, len(p) / 4)) for p, s in found.items() if s == NAMED)
            longest = max(map(len, found), default=0)
            hit = self._phrases[entry] = _Phrases(found, names, longest, self._cues(entry))
        return hit

    def cue(self, text: str, entry: int) -> float:
        """The entry's best situation cue found in the question: longer is stronger (4+ chars
        → 1), shared by several entries is weaker (到期 fits every renewal). A cue that names
        another service (护照, a cue of 社保卡申领 for foreigners) is no evidence for this one."""
        best = 0.0
        for c, value in self._entry_phrases(entry).cues:
            if value > best and c in text:
                best = value
        return best

    def _cues(self, entry: int) -> tuple[tuple[str, float], ...]:
        """The entry's situation cues that name no other service, each with what finding it
        in a question is worth (see ``cue``)."""
        naming, cue_df, mine = self.index.naming, self.index.cue_df, {entry}
        return tuple(
            (c, min(1.0, len(c) / 4) / cue_df.get(c, 1))
            for s in self.index.entries[entry].situations
            for c in s.cues
            if naming.get(c, mine) <= mine
        )

    def specificity(self, term: str) -> float:
        """How much a word says about what the question is about: 0.1 for words that fit
        any service (办理, 材料), up to 1 for words rare in general Chinese (燃气, 年检) that
        name few of our services."""
        if term in GENERIC:
            return 0.1
        if len(term) < 2 or (not term.isalpha() and any(c.isdigit() for c in term)):
            return 0.3
        rarity = math.log(self._total / (self._freq.get(term, 0) + 1))
        general = (rarity - RARITY_FLOOR) / RARITY_SPAN
        return min(1.0, max(0.1, general), self._naming_specificity(term))

    def weight(self, word: str) -> float:
        """Specificity of a question word; a compound the KB does not use as such (办手续,
        想离婚) counts as its most specific inner word; a word the KB never uses at all
        counts at least ``FOREIGN_FLOOR`` (it may well be what the question is about)."""
        if len(word) >= 3 and word not in self.index.words:
            inner = self._inner(word)
            if inner:
                return max(self.specificity(w) for w in inner)
        spec = self.specificity(word)
        if len(word) >= 2 and word not in GENERIC and not self.known(word):
            return max(spec, FOREIGN_FLOOR)
        return spec

    def _naming_specificity(self, term: str) -> float:
        """A word many entries are named with (遗失, 补领) tells them apart less."""
        df = len(self.index.naming.get(term, ()))
        if df <= 1:
            return 1.0
        n = len(self.index.entries)
        return max(0.3, math.log(n / df) / math.log(n))

    def known(self, term: str) -> bool:
        """Does the KB use this word anywhere (all its character bigrams occur)?"""
        if term in self.index.words:
            return True
        grams = bigrams(term)
        return bool(grams) and all(g in self.index.grams for g in grams)

    def _evidence(self, term: str) -> _Evidence:
        words = self.index.words
        return _Evidence(
            term,
            self.index.naming.get(term, _NONE),
            words.docs_of(term, True),
            words.docs_of(term, False),
            self,
        )

    def _fuzzy(self, text: str, entry: int, chars: set[str]) -> float:
        """How close the question comes to one of the entry's names. ``chars``: the
        question's characters (a name with none of them scores 0: not worth comparing)."""
        best = 0.0
        for name, most in self._entry_phrases(entry).names:
            if most <= best:  # a name this short cannot do better (its ratio is at most 100)
                continue
            if chars.isdisjoint(name):
                continue
            s = fuzz.partial_ratio(name, text) if len(name) <= len(text) else fuzz.ratio(name, text)
            best = max(best, s / 100 * most)
        return best


@dataclass(frozen=True)
class _Phrases:
    strength: dict[str, float]  # names and aliases (``NAMED``), cues (``SUBJECT``)
    names: tuple[tuple[str, float], ...]  # names and aliases, each with its best fuzzy score
    longest: int
    cues: tuple[tuple[str, float], ...]  # situation cues that count for the entry, with their worth


MAX_PIECES = 64  # characters: a longer question is searched phrase by phrase


def _pieces(text: str, longest: int) -> set[str] | None:
    """Every substring of two to ``longest`` characters: one set lookup per phrase instead
    of one search of the question per phrase and candidate."""
    if len(text) > MAX_PIECES:
        return None
    n = len(text)
    return {text[i : i + k] for k in range(2, min(longest, n) + 1) for i in range(n - k + 1)}
