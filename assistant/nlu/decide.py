"""From ranked candidates to an answer: matched, ambiguous (with a question back) or no_match.

The score of a candidate mixes how much of the question it explains (``lexical``), how much
of the question's specific content its subject explains (``coverage``) and how close the
question comes to one of its names (``fuzzy``). Themes ("一件事") win only when the citizen
asks for several things at once. The thresholds below were calibrated on the development
set (``assistant eval``) and are the only numbers to revisit when the KB grows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from assistant.nlu.analysis import Analysis
from assistant.nlu.index import Entry, Index, SituationInfo
from assistant.nlu.retrieve import Candidate, QuestionWords, Ranking
from assistant.nlu.words import wants_bundle

Status = Literal["matched", "ambiguous", "no_match"]

# Calibrated on the development set; see the module docstring.
W_LEXICAL, W_COVERAGE, W_FUZZY, W_CUE = 0.5, 0.3, 0.2, 0.2
THEME_WANTED_BONUS = 0.15
THEME_UNWANTED_FACTOR = 0.6
THEME_SWITCH = 0.7  # asked for several things at once: a theme this close to the best wins
SCORE_FLOOR = 0.2  # below: nothing fits
CLOSE_RATIO = 0.88  # a runner-up this close to the top makes the question ambiguous
LOOSE_RATIO = 0.7  # … or this close, when it explains as much of the question
TELLING = 0.3  # words less specific than this (single characters, 办理) tell no service apart
MAX_OPTIONS = 4
SHORT = 6  # content words: a short question must be explained well
ANCHOR_WEIGHT = 0.7  # a word this specific that names the top entry anchors the question to it
KEY_WEIGHT = 0.8  # a word this specific, unexplained, is what a short question is really about
FOREIGN_WEIGHT = 0.6
MIN_COVERAGE_SHORT = 0.45
MIN_COVERAGE_ANCHORED = 0.3
MIN_COVERAGE_LONG = 0.25
STRONG, STRONG_RATIO = 0.5, 1.4  # a clear favourite: details it does not explain are details
DOMINANCE = 1.15  # a long question weakly covered must at least clearly prefer one entry

NO_MATCH_MESSAGE = (
    "抱歉，这个问题暂时不在我能解答的办事范围内。我可以帮您查找汕尾市政务服务事项的办事指南，"
    "比如户口和身份证、社保医保、住房公积金、婚姻登记、开办企业、救助补贴等，告诉您要带哪些材料、"
    "哪些可以免提交，还可以帮您预约到大厅办理。您可以换个说法再问我，或拨打12345政务服务便民热线咨询。"
)
EMPTY_MESSAGE = "您好，请问您想办理什么业务？可以直接告诉我，比如“身份证丢了怎么补办”。"


@dataclass(frozen=True)
class Scored:
    entry: Entry
    candidate: Candidate
    score: float
    situation: SituationInfo | None = None


@dataclass
class Clarify:
    question: str
    options: list[tuple[str, Scored]]  # (label, candidate)


@dataclass
class Outcome:
    status: Status
    ranked: list[Scored]
    clarify: Clarify | None = None
    message: str | None = None
    bundle: bool = False
    reasons: list[str] = field(default_factory=list)


def score(c: Candidate, entry: Entry, bundle: bool) -> float:
    s = W_LEXICAL * c.lexical + W_COVERAGE * c.coverage + W_FUZZY * c.fuzzy + W_CUE * c.cue
    if c.exact:
        s = max(s, 0.98)
    if entry.kind == "theme":
        s = s + THEME_WANTED_BONUS if bundle else (s if c.exact else s * THEME_UNWANTED_FACTOR)
    return min(s, 1.0)


def decide(a: Analysis, ranking: Ranking, index: Index) -> Outcome:
    if a.empty:
        return Outcome("no_match", [], message=EMPTY_MESSAGE)
    bundle = wants_bundle(a.text)
    entries = index.entries
    for c in ranking.candidates:
        c.score = score(c, entries[c.entry], bundle)
    cands = sorted(ranking.candidates, key=lambda c: -c.score)
    if bundle:
        cands = prefer_theme(cands, entries)
    ranked = [
        Scored(
            entries[c.entry],
            c,
            c.score,
            detect_situation(a, entries[c.entry]) if i < MAX_OPTIONS else None,
        )
        for i, c in enumerate(cands)
    ]
    if not ranked:
        return Outcome("no_match", [], message=NO_MATCH_MESSAGE, bundle=bundle)
    top = ranked[0]
    if top.candidate.exact:
        return Outcome("matched", ranked, message=matched_message(top), bundle=bundle)
    theme_wanted = bundle and top.entry.kind == "theme"
    reasons = (
        (["nothing fits"] if top.candidate.coverage < MIN_COVERAGE_LONG else [])
        if theme_wanted
        else out_of_scope(ranking.question, cands, index)
    )
    if reasons:
        return Outcome("no_match", ranked, message=NO_MATCH_MESSAGE, bundle=bundle, reasons=reasons)
    close = [
        s
        for s in ranked[1:MAX_OPTIONS]
        if is_close(ranking.question, top.candidate, s.candidate)
        and (s.entry.kind == "theme" or not theme_wanted)
    ]
    if close:
        clarify = clarify_between([top, *close])
        return Outcome("ambiguous", ranked, clarify, clarify.question, bundle)
    return Outcome("matched", ranked, message=matched_message(top), bundle=bundle)


def prefer_theme(cands: list[Candidate], entries: list[Entry]) -> list[Candidate]:
    """Asked to handle several things at once: a theme close enough to the best goes first."""
    theme = next((c for c in cands if entries[c.entry].kind == "theme"), None)
    if theme is None or theme is cands[0] or theme.score < THEME_SWITCH * cands[0].score:
        return cands
    return [theme, *(c for c in cands if c is not theme)]


def out_of_scope(q: QuestionWords, cands: list[Candidate], index: Index) -> list[str]:
    """Why the best candidate does not answer the question (empty: it may)."""
    top = cands[0]
    if top.score < SCORE_FLOOR:
        return ["nothing fits"]
    second = cands[1].score if len(cands) > 1 else 0.0
    if len(q.words) > SHORT:
        if top.coverage < MIN_COVERAGE_LONG and top.score < DOMINANCE * second:
            return ["long question, weakly covered, no clear favourite"]
        return []
    anchored = any(
        w >= ANCHOR_WEIGHT and not op and word in index.terms and index.names(word, top.entry)
        for word, w, op in zip(q.words, q.weights, q.operation, strict=True)
    )
    reasons = []
    if any(
        op and w >= 0.5 and top.explained[i] < 0.5
        for i, (op, w) in enumerate(zip(q.operation, q.weights, strict=True))
    ):
        reasons.append("asks for an operation this service does not perform")
    clear_favourite = (
        top.score >= STRONG
        and top.score >= STRONG_RATIO * second
        and any(index.names(word, top.entry) for word in q.words)
    )
    if anchored or clear_favourite:
        if top.coverage < MIN_COVERAGE_ANCHORED:
            reasons.append("names the service but is mostly about something else")
        return reasons
    for i in top.missing(q, FOREIGN_WEIGHT):
        if not q.known[i]:
            reasons.append(f"about something our services never mention: {q.words[i]}")
    reasons += [
        f"key word unexplained: {q.words[i]}" for i in top.missing(q, KEY_WEIGHT) if q.known[i]
    ]
    if top.coverage < MIN_COVERAGE_SHORT:
        reasons.append("too little of the question explained")
    return reasons


def is_close(q: QuestionWords, top: Candidate, other: Candidate) -> bool:
    """Could the question just as well be about ``other``? Nothing in it favours the top
    candidate, and the other explains about as much of it (scores may still differ: one
    guide has more examples that repeat the same words)."""
    if discriminates(q, top, other):
        return False
    if other.score >= CLOSE_RATIO * top.score:
        return True
    return other.score >= LOOSE_RATIO * top.score and (
        _telling_coverage(q, other) >= _telling_coverage(q, top) - 0.05
    )


def _telling_coverage(q: QuestionWords, c: Candidate) -> float:
    """Coverage counting only the words specific enough to tell services apart."""
    pairs = [(w, e) for w, e in zip(q.weights, c.explained, strict=True) if w >= TELLING]
    total = sum(w for w, _ in pairs)
    return sum(w * e for w, e in pairs) / total if total else 0.0


def discriminates(q: QuestionWords, top: Candidate, other: Candidate) -> bool:
    """Does the question say something that fits the top candidate and not the other?"""
    return any(
        w >= TELLING and t - o >= 0.2
        for w, t, o in zip(q.weights, top.explained, other.explained, strict=True)
    )


def detect_situation(a: Analysis, entry: Entry) -> SituationInfo | None:
    """The situation whose cues the question uses most specifically: the longest cue found
    wins, then the number of different cues found; none found: ``None`` (not implied)."""
    best, best_key = None, (0, 0)
    text = a.text
    for s in entry.situations:
        found = {c for c in s.cues if c in text}
        key = (max(map(len, found), default=0), len(found))
        if key > best_key:
            best, best_key = s, key
    return best


def clarify_between(options: list[Scored]) -> Clarify:
    names = [s.entry.name for s in options]
    common = common_part(names)
    labels = names
    if common:
        rest = [_trim(n.replace(common, "", 1)) for n in names]
        if all(len(r) >= 2 for r in rest) and len(set(rest)) == len(rest):
            labels = rest
    listed = "、".join(labels[:-1]) + "，还是" + labels[-1]
    if common and labels is not names:
        question = f"关于“{common}”，请问您要办理的是：{listed}？"
    else:
        question = f"请问您要办理的是哪一项：{listed}？"
    return Clarify(question, list(zip(labels, options, strict=True)))


def _trim(s: str) -> str:
    return s.strip("与和及、的")


def common_part(names: list[str]) -> str:
    """Longest substring (of at least 3 characters) shared by every name."""
    first = names[0]
    for length in range(len(first), 2, -1):
        for i in range(len(first) - length + 1):
            sub = first[i : i + length]
            if all(sub in n for n in names[1:]):
                return sub
    return ""


def matched_message(top: Scored) -> str:
    kind = "“一件事”主题服务" if top.entry.kind == "theme" else "办事指南"
    situation = f"（{top.situation.name}）" if top.situation else ""
    return f"为您找到{kind}：{top.entry.name}{situation}。"
