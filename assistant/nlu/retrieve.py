"""Ranking entries for a question, with the evidence the decision needs.

``lexical`` is BM25F over words and character bigrams, each divided by what the question
itself would score, so it reads as "how much of the question this entry explains" and is
comparable between questions. ``coverage`` asks the stricter question behind out-of-scope
detection: of the question's *specific* words (its key objects, not 办理 or 丢了), how much do
the entry's subject fields explain? ``fuzzy`` catches names and aliases typed almost right.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz

from assistant.nlu.analysis import Analysis
from assistant.nlu.index import Index, TermIndex, bigrams
from assistant.nlu.words import GENERIC

POOL = 12  # entries scored in full after the first lexical pass
RARE_FREQ = 400  # a word this rare in general Chinese is a specific thing (燃气, 年检)


@dataclass
class Candidate:
    entry: int
    lexical: float
    words: float = 0.0
    grams: float = 0.0
    coverage: float = 0.0
    fuzzy: float = 0.0
    exact: bool = False
    uncovered: list[str] = field(default_factory=list)
    score: float = 0.0


class Retriever:
    def __init__(self, index: Index, general_freq: dict[str, int]) -> None:
        self.index = index
        self._freq = general_freq
        self._names = [
            [*e.fields.get("name", []), *e.fields.get("alias", []), *e.fields.get("learned", [])]
            for e in index.entries
        ]

    def rank(self, a: Analysis, pool: int = POOL) -> list[Candidate]:
        n = len(self.index.entries)
        if n == 0 or a.empty:
            return []
        words = self._normalised(self.index.words, a.terms, n)
        grams = self._normalised(self.index.grams, a.grams, n)
        lexical = 0.5 * words + 0.5 * grams
        exact = self.index.exact.get(a.key)
        order = np.argsort(-lexical)[:pool]
        cands = [Candidate(int(i), float(lexical[i]), float(words[i]), float(grams[i])) for i in order
                 if lexical[i] > 0 or exact == int(i)]
        if exact is not None and all(c.entry != exact for c in cands):
            cands.append(Candidate(exact, float(lexical[exact]), float(words[exact]), float(grams[exact])))
        for c in cands:
            c.exact = c.entry == exact
            c.coverage, c.uncovered = self.coverage(a, c.entry)
            c.fuzzy = self._fuzzy(a.text, c.entry)
        return cands

    def _normalised(self, index: TermIndex, terms: tuple[str, ...], n: int) -> np.ndarray:
        out = np.zeros(n, dtype=np.float32)
        total = index.scores({t: self.specificity(t) for t in set(terms)}, out)
        return out / total if total > 0 else out

    def specificity(self, term: str) -> float:
        """How much a word says about what the question is about (0 for generic words)."""
        if term in GENERIC or len(term) < 2:
            return 0.1 if term in GENERIC else 0.3
        freq = self._freq.get(term, 0)
        rarity = math.log((1_000_000 + 1) / (freq + 1))  # ~0 for very common words, ~13.8 unseen
        return min(1.0, 0.2 + rarity / 10)

    def coverage(self, a: Analysis, entry: int) -> tuple[float, list[str]]:
        """Share of the question's specific words explained by the entry's subject fields."""
        total = explained = 0.0
        uncovered = []
        seen = set()
        for term in a.terms:
            if term in seen:
                continue
            seen.add(term)
            w = self.specificity(term)
            total += w
            got = self._explains(term, entry)
            explained += w * got
            if got < 0.5 and w >= 0.6:
                uncovered.append(term)
        return (explained / total if total else 0.0), uncovered

    def _explains(self, term: str, entry: int) -> float:
        if self.index.words.in_subject(term, entry):
            return 1.0
        grams = bigrams(term)
        if not grams:
            return 0.0
        hit = sum(1 for g in grams if self.index.grams.in_subject(g, entry))
        return 0.8 * hit / len(grams)

    def _fuzzy(self, text: str, entry: int) -> float:
        best = 0.0
        for name in self._names[entry]:
            if len(name) < 2:
                continue
            s = fuzz.partial_ratio(name, text) if len(name) <= len(text) else fuzz.ratio(name, text)
            best = max(best, s / 100 * min(1.0, len(name) / 4))
        return best
