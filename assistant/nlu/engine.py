"""Everything derived from one KB revision: dictionary, analyzer, index and retriever.

``Resources`` are what never change with the KB (jieba's main dictionary, OpenCC, pinyin
readings): loaded once per process. ``build_engine`` is pure given a snapshot, so the app,
the CLI, tests and benchmarks build the very same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import opencc
from opencc import OpenCC

from assistant.kb.snapshot import KbSnapshot
from assistant.nlu.analysis import Analyzer
from assistant.nlu.corpus import AttachedQuestion, canonical_texts, entries_from_snapshot
from assistant.nlu.index import Index
from assistant.nlu.lexicon import build_lexicon
from assistant.nlu.pinyin import Readings
from assistant.nlu.retrieve import Retriever
from assistant.nlu.segment import BaseDictionary, Segmenter, TypoRepair, make_word_table
from assistant.nlu.text import normal_text


@dataclass(frozen=True)
class Resources:
    base: BaseDictionary
    opencc: OpenCC
    traditional: frozenset[str]  # any character OpenCC would change
    readings: Readings

    @classmethod
    def load(cls) -> Resources:
        return cls(BaseDictionary.load(), OpenCC("t2s"), traditional_characters(), Readings.load())

    def to_simplified(self, text: str) -> str:
        if self.traditional.isdisjoint(text):
            return text  # OpenCC's pure-Python conversion is slow; most questions need none
        return self.opencc.convert(text)

    def normal(self, text: str) -> str:
        return normal_text(text, self.to_simplified)  # normalise(…).text, without positions


def traditional_characters() -> frozenset[str]:
    """Characters OpenCC would change (a set: a regex class of 4,000 characters is ten times
    slower to search, and every KB text is checked when an index is built)."""
    table = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    chars = set()
    for line in table.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        if len(source) == 1 and targets and targets.split()[0] != source:
            chars.add(source)
    return frozenset(chars)


def _memo(f: Callable[[str], str], cache: dict[str, str]) -> Callable[[str], str]:
    def g(text: str) -> str:
        if (hit := cache.get(text)) is None:
            hit = cache[text] = f(text)
        return hit

    return g


@dataclass
class Engine:
    revision: int
    analyzer: Analyzer
    index: Index
    entities: dict[str, str]  # canonical KB phrase → entity label
    retriever: Retriever

    def dictionary_lines(self) -> list[str]:
        """The KB's words as a jieba user dictionary (``word freq tag``), as this index cuts."""
        freq = self.analyzer.segmenter.table.freq
        tags = self.analyzer.segmenter.table.tags  # the lexicon's user words, sorted
        return [f"{w} {freq[w]} {tag}" for w, tag in tags.items()]


def build_engine(
    snapshot: KbSnapshot, resources: Resources, attached: Iterable[AttachedQuestion] = ()
) -> Engine:
    # The lexicon's texts (names, aliases, materials, cues) recur all over the index's texts:
    # what it normalised is not normalised again while the index is built. Every text to be
    # made canonical is normalised ahead, for the segmenter to cut them all in one batch.
    attached = tuple(attached)  # read twice
    normalised: dict[str, str] = {}
    normal = _memo(partial(normal_text, to_simplified=resources.to_simplified), normalised)
    lexicon = build_lexicon(snapshot, normal)
    for text in canonical_texts(snapshot, attached):
        if text:
            normal(text)
    table = make_word_table(resources.base, lexicon.user_words())
    segmenter = Segmenter(table, lexicon)
    analyzer = Analyzer(resources.to_simplified, segmenter, None)
    with analyzer.caching(normalised):
        entries = entries_from_snapshot(snapshot, analyzer.canon, analyzer.normal, attached)
        index = Index.build(entries, analyzer.segmented)
        canon = {p: analyzer.canon_phrase(p) for p in (*lexicon.phrases, *lexicon.terms)}
        index.terms = frozenset(canon[t] for t in lexicon.terms)
        entities = {c: label for p, label in lexicon.phrases.items() if (c := canon[p])}
        repair_terms = set(lexicon.terms)
        for term in lexicon.terms:
            repair_terms.update(segmenter.inner_words(analyzer.normal(term)))
    analyzer.repair = TypoRepair(repair_terms, resources.readings, resources.base)
    retriever = Retriever(
        index,
        inner=segmenter.inner_words,
        norm=resources.normal,
        variants=frozenset(lexicon.synonyms),
        general_freq=resources.base.freq,
        total=resources.base.total,
    )
    return Engine(
        snapshot.revision,
        analyzer,
        index,
        entities,
        retriever,
    )
