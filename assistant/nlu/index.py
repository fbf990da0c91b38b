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
import operator
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np

Kind = Literal["guide", "theme"]


class Analysed(Protocol):
    """What indexing needs of a (canonical) KB text."""

    @property
    def terms(self) -> tuple[str, ...]: ...

    @property
    def key(self) -> str: ...


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
    exact: tuple[str, ...] = ()  # texts that identify the entry on their own (exact_key'd)


_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")


def bigrams(text: str) -> list[str]:
    """Character bigrams inside runs of Han characters (a one-character run: that character)."""
    out: list[str] = []
    for run in _HAN_RUN.findall(text):
        if len(run) == 1:
            out.append(run)
        else:
            out.extend(map(operator.add, run, run[1:]))  # run[i] + run[i + 1]
    return out


class Postings:
    """Postings collected document by document, in compact columns (for ``TermIndex``)."""

    def __init__(self) -> None:
        self.n_docs = 0
        self.ids: dict[str, int] = {}
        self.t, self.d, self.tf, self.s = array("i"), array("i"), array("f"), array("b")

    def add(self, tf: dict[str, float], subject: set[str]) -> None:
        """One document: weighted term frequencies, and the terms in its subject fields."""
        doc = self.n_docs
        self.n_docs += 1
        ids = self.ids
        self.t.extend([ids.setdefault(term, len(ids)) for term in tf])
        self.d.extend([doc] * len(tf))
        self.tf.extend(tf.values())
        self.s.extend(map(subject.__contains__, tf))


class TermIndex:
    """BM25F over one analysis of the texts (words or bigrams).

    Postings live in three flat arrays sorted by term (documents ascending within a term);
    ``_starts``/``_ends`` say where each term's run is. Compact at thousands of guides, and built in
    one sort instead of one small array per term.
    """

    def __init__(self, columns: Postings) -> None:
        self.n_docs = columns.n_docs
        t_col = np.frombuffer(columns.t, dtype=np.int32) if columns.t else np.zeros(0, np.int32)
        order = np.argsort(t_col, kind="stable")
        tf = (
            np.frombuffer(columns.tf, dtype=np.float32)[order]
            if columns.tf
            else np.zeros(0, np.float32)
        )
        self._docs = (
            np.frombuffer(columns.d, dtype=np.int32) if columns.d else np.zeros(0, np.int32)
        )[order]
        self._sat = tf / (tf + K1)
        self._subject = (
            np.frombuffer(columns.s, dtype=np.int8) if columns.s else np.zeros(0, np.int8)
        )[order] > 0
        counts = np.bincount(t_col, minlength=len(columns.ids))
        ends = np.cumsum(counts, dtype=np.int64)
        # Plain arrays: reading one item gives an int, at a fraction of a numpy scalar's cost.
        self._ends = array("q", ends.tobytes())
        self._starts = array("q", (ends - counts).tobytes())
        self._ids = columns.ids  # term → its run in the columns (start, end by id)
        self._cache: dict[tuple[str, bool], frozenset[int]] = {}

    def _run(self, term: str) -> tuple[int, int]:
        i = self._ids.get(term)
        return (0, 0) if i is None else (self._starts[i], self._ends[i])

    def __contains__(self, term: str) -> bool:
        return term in self._ids

    def df(self, term: str) -> int:
        start, end = self._run(term)
        return end - start

    def idf(self, term: str) -> float:
        df = self.df(term)
        return math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))

    def scores(self, terms: dict[str, float], out: np.ndarray) -> float:
        """Add BM25F scores of ``terms`` (term → query weight) to ``out``; return the maximum.

        The postings of all terms are added in one ``np.add.at``, term after term as they
        come (the same float32 sums as one addition per term, without numpy's per-call cost
        for each of a question's few dozen short runs)."""
        best = 0.0
        n, ids, starts, ends = self.n_docs, self._ids, self._starts, self._ends
        runs: list[tuple[int, int]] = []
        idfs: list[float] = []
        for term, weight in terms.items():
            i = ids.get(term)
            start, end = (0, 0) if i is None else (starts[i], ends[i])
            df = end - start
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5)) * weight  # self.idf(term) * weight
            best += idf
            if end > start:
                runs.append((start, end))
                idfs.append(idf)
        if runs:
            bounds = np.array(runs, dtype=np.int64)
            lengths = bounds[:, 1] - bounds[:, 0]
            first = np.cumsum(lengths) - lengths  # where each run starts in ``at``
            at = np.arange(int(lengths.sum())) + np.repeat(bounds[:, 0] - first, lengths)
            weights = np.repeat(np.array(idfs, dtype=np.float32), lengths)
            np.add.at(out, self._docs[at], weights * self._sat[at])
        return best

    def docs_of(self, term: str, subject: bool) -> frozenset[int]:
        """Documents that have the term in their subject fields, or only in their support
        fields (``subject=False``)."""
        key = (term, subject)
        hit = self._cache.get(key)
        if hit is None:
            start, end = self._run(term)
            mask = self._subject[start:end] if subject else ~self._subject[start:end]
            hit = frozenset(self._docs[start:end][mask].tolist())
            if len(self._cache) > 100_000:
                self._cache.clear()
            self._cache[key] = hit
        return hit


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
    def build(cls, entries: Iterable[Entry], analyse: Callable[[str], Analysed]) -> Index:
        """Index entries as they come (texts are analysed once, nothing per text is kept)."""
        kept: list[Entry] = []
        word_postings, gram_postings = Postings(), Postings()
        exact: dict[str, int] = {}
        naming: dict[str, set[int]] = defaultdict(set)
        cue_df: Counter[str] = Counter()
        for i, entry in enumerate(entries):
            kept.append(entry)
            words: dict[str, float] = {}
            grams: dict[str, float] = {}
            word_subject: set[str] = set()
            gram_subject: set[str] = set()
            for fname, texts in entry.fields.items():
                w = SUBJECT_WEIGHTS.get(fname) or SUPPORT_WEIGHTS[fname]
                subject = fname in SUBJECT_WEIGHTS
                segmented = fname not in PROSE_FIELDS
                names = fname in NAMING_FIELDS
                for text in texts:
                    if segmented:
                        terms = set(analyse(text).terms)
                        _accumulate(words, terms, w)
                        if subject:
                            word_subject |= terms
                        if names:
                            for t in terms:
                                naming[t].add(i)
                    text_grams = set(bigrams(text))
                    _accumulate(grams, text_grams, w)
                    if subject:
                        gram_subject |= text_grams
            word_postings.add(words, word_subject)
            gram_postings.add(grams, gram_subject)
            for text in entry.exact:
                exact.setdefault(analyse(text).key, i)
            cue_df.update({c for s in entry.situations for c in s.cues})
            # Indexed: only how the entry is named is needed from now on (phrases, fuzzy).
            entry.fields = {f: entry.fields[f] for f in NAMING_FIELDS if f in entry.fields}
            entry.exact = ()
        return cls(
            kept,
            TermIndex(word_postings),
            TermIndex(gram_postings),
            exact,
            {t: frozenset(ids) for t, ids in naming.items()},
            dict(cue_df),
        )

    def names(self, term: str, entry: int) -> bool:
        """Is ``term`` part of how the entry is named (its name, aliases, attached questions)?"""
        return entry in self.naming.get(term, ())


def _accumulate(bag: dict[str, float], terms: Iterable[str], w: float) -> None:
    get = bag.get
    for t in terms:
        bag[t] = get(t, 0.0) + w
