"""The retrieval index: guides and themes as weighted fields, ranked with BM25F.

Each entry (a guide or a theme) is a bag of fields. *Subject* fields say what the entry is
about (name, aliases, example questions, situation names and cues, attached questions);
*support* fields mention things it involves (materials, summary, descriptions). Both rank,
but only subject fields show that a question is about the entry: a question about a lost
出生医学证明 is not about 出生登记 just because that guide asks for the certificate.

Two views of every text are indexed: words (jieba search mode, with the KB's dictionary)
and character bigrams, which survive segmentation differences and partial words.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from assistant.nlu.text import is_han

Kind = Literal["guide", "theme"]

# Field weights: how strongly a word in this field ties a question to the entry.
SUBJECT_WEIGHTS = {
    "name": 3.0,
    "alias": 3.0,
    "learned": 3.0,
    "example": 1.5,
    "situation": 1.5,
    "cue": 2.0,
    "life_event": 1.0,
    "item": 1.2,
    "faq": 1.0,
}
SUPPORT_WEIGHTS = {"description": 0.5, "summary": 0.4, "material": 0.3, "prose": 0.2}
# Long prose is indexed by character bigrams only: segmenting every summary would make a
# rebuild slow at thousands of guides, and prose is weak evidence anyway.
PROSE_FIELDS = frozenset({"description", "summary", "prose"})
K1 = 1.2


@dataclass(frozen=True)
class SituationInfo:
    key: str
    name: str
    cues: tuple[str, ...]  # canonical


@dataclass
class Entry:
    """One retrievable item: a published guide or a "一件事" theme."""

    kind: Kind
    ref_id: int
    name: str
    fields: dict[str, list[str]]  # field → canonical texts
    situations: tuple[SituationInfo, ...] = ()
    items: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()  # canonical texts that identify the entry on their own


def bigrams(text: str) -> list[str]:
    """Character bigrams inside runs of Han characters (and single Han characters of one-char runs)."""
    out: list[str] = []
    run: list[str] = []
    for ch in [*text, " "]:
        if is_han(ch):
            run.append(ch)
            continue
        if len(run) == 1:
            out.append(run[0])
        out.extend(run[i] + run[i + 1] for i in range(len(run) - 1))
        run = []
    return out


@dataclass
class _Postings:
    docs: np.ndarray
    tf: np.ndarray


@dataclass
class TermIndex:
    """BM25F over one analysis of the texts (words or bigrams)."""

    n_docs: int
    postings: dict[str, _Postings] = field(default_factory=dict)
    df: dict[str, int] = field(default_factory=dict)
    subject: dict[str, frozenset[int]] = field(
        default_factory=dict
    )  # docs with it in a subject field
    support: dict[str, frozenset[int]] = field(default_factory=dict)  # … only in support fields

    @classmethod
    def build(cls, weighted: list[dict[str, tuple[float, float]]]) -> TermIndex:
        """``weighted[doc][term] = (total weight, subject weight)``."""
        by_term: dict[str, list[tuple[int, float, float]]] = defaultdict(list)
        for doc, terms in enumerate(weighted):
            for term, (tf, subj) in terms.items():
                by_term[term].append((doc, tf, subj))
        index = cls(len(weighted))
        for term, rows in by_term.items():
            index.postings[term] = _Postings(
                np.fromiter((r[0] for r in rows), dtype=np.int32, count=len(rows)),
                np.fromiter((r[1] for r in rows), dtype=np.float32, count=len(rows)),
            )
            index.df[term] = len(rows)
            subject = frozenset(r[0] for r in rows if r[2] > 0)
            if subject:
                index.subject[term] = subject
            if len(subject) < len(rows):
                index.support[term] = frozenset(r[0] for r in rows if r[2] == 0)
        return index

    def idf(self, term: str) -> float:
        df = self.df.get(term, 0)
        return math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))

    def scores(self, terms: dict[str, float], out: np.ndarray) -> float:
        """Add BM25F scores of ``terms`` (term → query weight) to ``out``; return the maximum."""
        best = 0.0
        for term, weight in terms.items():
            idf = self.idf(term) * weight
            best += idf
            p = self.postings.get(term)
            if p is not None:
                out[p.docs] += idf * p.tf / (p.tf + K1)
        return best

    def in_subject(self, term: str, doc: int) -> bool:
        return doc in self.subject.get(term, ())

    def in_support(self, term: str, doc: int) -> bool:
        return doc in self.support.get(term, ())


NAMING_FIELDS = ("name", "alias", "learned")


@dataclass
class Index:
    entries: list[Entry]
    words: TermIndex
    grams: TermIndex
    exact: dict[str, int]  # canonical text → entry index
    naming: dict[str, frozenset[int]]  # word → entries whose names or aliases use it
    cue_df: dict[str, int] = field(default_factory=dict)  # cue → entries that have it
    terms: frozenset[str] = frozenset()  # the KB's words for things (names, aliases, materials…)

    @classmethod
    def build(cls, entries: list[Entry], analyse: Callable[[str], Iterable[str]]) -> Index:
        word_bags: list[dict[str, tuple[float, float]]] = []
        gram_bags: list[dict[str, tuple[float, float]]] = []
        exact: dict[str, int] = {}
        naming: dict[str, set[int]] = defaultdict(set)
        for i, entry in enumerate(entries):
            for f in NAMING_FIELDS:
                for text in entry.fields.get(f, ()):
                    for t in analyse(text):
                        naming[t].add(i)
            words: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
            grams: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
            for fname, texts in entry.fields.items():
                w = SUBJECT_WEIGHTS.get(fname) or SUPPORT_WEIGHTS[fname]
                subject = fname in SUBJECT_WEIGHTS
                for text in texts:
                    if fname not in PROSE_FIELDS:
                        _accumulate(words, set(analyse(text)), w, subject)  # no stop words
                    _accumulate(grams, set(bigrams(text)), w, subject)
            word_bags.append({t: (v[0], v[1]) for t, v in words.items()})
            gram_bags.append({t: (v[0], v[1]) for t, v in grams.items()})
            for text in entry.exact:
                exact.setdefault(text, i)
        cue_df: Counter[str] = Counter()
        for entry in entries:
            cue_df.update({c for s in entry.situations for c in s.cues})
        return cls(
            entries,
            TermIndex.build(word_bags),
            TermIndex.build(gram_bags),
            exact,
            {t: frozenset(ids) for t, ids in naming.items()},
            dict(cue_df),
        )

    def names(self, term: str, entry: int) -> bool:
        """Is ``term`` part of how the entry is named (its name, aliases, attached questions)?"""
        return entry in self.naming.get(term, ())


def _accumulate(bag: dict[str, list[float]], terms: Iterable[str], w: float, subject: bool) -> None:
    for t in terms:
        bag[t][0] += w
        if subject:
            bag[t][1] += w
