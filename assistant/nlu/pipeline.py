"""The spaCy container: one ``nlp(text)`` gives entities and ranked guide candidates.

``spacy.blank("zh")`` with our own tokenizer (``KbTokenizer``) instead of spaCy's jieba
segmenter, which would use (and load) jieba's process-wide default dictionary: ours cuts with
the index's own ``jieba.Tokenizer`` after normalising the text, so the Doc is the canonical
question. Two registered components follow: ``zd_entities`` (a phrase matcher fed from the KB,
plus date and time patterns) and ``zd_retriever`` (ranking and the decision). Their results
are Doc extension attributes: ``doc._.zd_raw`` (what was typed), ``doc._.zd_aligned``
(canonical text and where each character came from), ``doc._.zd_tokens`` (each token's text
and start, as plain strings and ints), ``doc._.zd_outcome`` (the ``decide.Outcome``).
"""

from __future__ import annotations

import re
from typing import Any

import spacy
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import DummyTokenizer, filter_spans, get_words_and_spaces

from assistant.nlu.analysis import Analysis
from assistant.nlu.decide import decide
from assistant.nlu.engine import Engine
from assistant.nlu.lexicon import DATE, DISTRICT, HALL, TIME

CONTEXT_LABELS = frozenset({DATE, TIME, HALL, DISTRICT})  # when and where: not what

_DATE_WORDS = [
    "今天",
    "明天",
    "后天",
    "昨天",
    "前天",
    "大后天",
    "本周",
    "这周",
    "下周",
    "上周",
    "这个月",
    "下个月",
    "上个月",
    "月底",
    "月初",
    "周末",
    "工作日",
    "节假日",
    "今年",
    "明年",
    "去年",
]
_DATE_WORDS += [
    f"{p}{d}" for p in ("周", "星期", "礼拜", "下周", "下星期") for d in "一二三四五六日天"
]
_TIME_WORDS = ["上午", "下午", "中午", "早上", "晚上", "傍晚", "早晨", "凌晨"]
_DIGITS = {"TEXT": {"REGEX": r"^\d{1,2}$"}}
_DATE_PATTERNS: list[list[dict[str, Any]]] = [
    [_DIGITS, {"TEXT": "月"}, _DIGITS, {"TEXT": {"IN": ["日", "号"]}}],
    [{"TEXT": {"REGEX": r"^\d{1,2}月\d{1,2}[日号]$"}}],
    [{"TEXT": {"REGEX": r"^\d{1,2}[日号]$"}}],
    [_DIGITS, {"TEXT": {"IN": ["日", "号"]}}],
]
_TIME_PATTERNS: list[list[dict[str, Any]]] = [
    [{"TEXT": {"REGEX": r"^\d{1,2}[:：]\d{2}$"}}],
    [_DIGITS, {"TEXT": {"IN": ["点", "点钟", "点半"]}}],
    [{"TEXT": {"REGEX": r"^\d{1,2}点[半钟]?$"}}],
]
_DIGIT = re.compile(r"\d")  # every date and time pattern needs one


def _extensions() -> None:
    for name in ("zd_raw", "zd_aligned", "zd_tokens", "zd_outcome"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


def tokens(doc: Doc) -> tuple[tuple[str, int], ...]:
    """Each token's text and start in ``doc.text``. The tokenizer leaves them on the Doc:
    reading them off the Doc would make a ``Token`` object per token and per pass."""
    made = doc._.zd_tokens
    return made if made is not None else tuple((t.text, t.idx) for t in doc)


def text_of(doc: Doc) -> str:
    """``doc.text`` (which spaCy joins from its tokens on every access)."""
    aligned = doc._.zd_aligned
    return aligned.text if aligned is not None else doc.text


class KbTokenizer(DummyTokenizer):
    """Normalise, repair typos, standardise words and segment with the index's jieba."""

    def __init__(self, vocab: Any, engine: Engine) -> None:
        self.vocab = vocab
        self.engine = engine

    def __call__(self, text: str) -> Doc:
        aligned, words = self.engine.analyzer.canonical(text)
        doc = self._doc(aligned.text, words)
        doc._.zd_raw = text
        doc._.zd_aligned = aligned
        return doc

    def _doc(self, text: str, words: list[str]) -> Doc:
        words, spaces = get_words_and_spaces(words, text)  # their text is exactly ``text``
        doc = Doc(self.vocab, words=words, spaces=spaces)
        starts, pos = [], 0
        for word, space in zip(words, spaces, strict=True):
            starts.append(pos)
            pos += len(word) + space
        doc._.zd_tokens = tuple(zip(words, starts, strict=True))
        return doc


@Language.factory("zd_entities")
def make_entities(nlp: Language, name: str) -> KbEntities:
    return KbEntities(nlp, name)


class KbEntities:
    """An entity ruler fed from the KB: its words (service, situation, hall, district,
    material, life event) and date/time expressions; the longest match wins.

    KB phrases are matched as canonical text spanning whole tokens, looked up in a dict:
    building it costs nothing per phrase beyond making the phrase canonical (spaCy's
    PhraseMatcher would need one Doc per phrase, seconds for thousands of guides), and a
    phrase matches however jieba happened to cut it on its own.
    """

    MAX_TOKENS = 8

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.phrases: dict[str, str] = {}
        self.patterns = Matcher(nlp.vocab)
        self.patterns.add(DATE, _DATE_PATTERNS)
        self.patterns.add(TIME, _TIME_PATTERNS)

    def load(self, phrases: dict[str, str]) -> None:
        """``phrases``: canonical KB phrase → label (taken over, not copied: it is large at
        thousands of guides); date and time words are added to it."""
        self.phrases = phrases
        for word in _DATE_WORDS:
            self.phrases.setdefault(word, DATE)
        for word in _TIME_WORDS:
            self.phrases.setdefault(word, TIME)

    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)
        spans = (
            [Span(doc, s, e, label=k) for k, s, e in self.patterns(doc)]
            if _DIGIT.search(text)
            else []
        )
        starts = [start for _, start in tokens(doc)]
        ends = [start + len(word) for word, start in tokens(doc)]
        for i, start in enumerate(starts):
            for j in range(i, min(len(starts), i + self.MAX_TOKENS)):
                label = self.phrases.get(text[start : ends[j]])
                if label is not None:
                    spans.append(Span(doc, i, j + 1, label=label))
        doc.ents = filter_spans(spans)
        return doc


@Language.factory("zd_retriever")
def make_retriever(nlp: Language, name: str) -> Retriever:
    return Retriever(name)


class Retriever:
    """Ranks guides and themes for the Doc and decides matched / ambiguous / no_match."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.engine: Engine | None = None

    def __call__(self, doc: Doc) -> Doc:
        assert self.engine is not None, "zd_retriever used before build_nlp bound an index"
        text = text_of(doc)
        words = tuple(w for w, _ in tokens(doc) if not w.isspace())  # Token.is_space
        context = tuple((e.start_char, e.end_char) for e in doc.ents if e.label_ in CONTEXT_LABELS)
        terms = self.engine.analyzer.terms(words)
        if context:
            terms = tuple(t for t in terms if not any(t in text[s:e] for s, e in context))
        analysis = Analysis(doc._.zd_raw or text, doc._.zd_aligned, words, terms, context)
        ranking = self.engine.retriever.rank(analysis)
        doc._.zd_outcome = decide(analysis, ranking, self.engine.index)
        return doc


def build_nlp(engine: Engine) -> Language:
    _extensions()
    nlp = spacy.blank("zh")
    tokenizer = KbTokenizer(nlp.vocab, engine)
    nlp.tokenizer = tokenizer
    entities: KbEntities = nlp.add_pipe("zd_entities")
    entities.load(engine.entities)
    retriever: Retriever = nlp.add_pipe("zd_retriever")
    retriever.engine = engine
    return nlp
