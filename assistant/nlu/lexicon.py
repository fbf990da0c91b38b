"""The words the KB teaches us: for jieba's user dictionary, the entity ruler and typo repair.

Everything here is derived from a ``KbSnapshot`` (and the questions editors attached to
guides), in canonical form (see ``text.normalise``), so the dictionary follows the published
content: a new alias is a word the next question can contain.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from assistant.kb.snapshot import KbSnapshot

# Entity labels, in the order that wins when one phrase has several roles.
SERVICE, MATERIAL, HALL, DISTRICT, SITUATION, LIFE_EVENT = (
    "service", "material", "hall", "district", "situation", "life_event",
)
DATE, TIME = "date", "time"
LABEL_PRIORITY = (SERVICE, MATERIAL, HALL, DISTRICT, LIFE_EVENT, SITUATION)
_TAGS = {SERVICE: "nz", MATERIAL: "nz", HALL: "ns", DISTRICT: "ns", LIFE_EVENT: "n", SITUATION: "l"}

MAX_WORD = 16  # longer phrases are sentences: left to the segmenter

_PLACE_RE = re.compile(r"(?:市|县|区)?([\u4e00-\u9fff]{2,3}?)(镇|街道|社区)")
_DISTRICT_SUFFIX_RE = re.compile(r"^([\u4e00-\u9fff]{2,})(县|市|区|经济开发区|开发区)$")


@dataclass
class Lexicon:
    """Canonical phrases with their entity label, and colloquial variants of KB words."""

    phrases: dict[str, str] = field(default_factory=dict)  # phrase → label
    synonyms: dict[str, str] = field(default_factory=dict)  # variant → canonical
    terms: set[str] = field(default_factory=set)  # object words worth repairing typos into

    def add(self, phrase: str, label: str) -> None:
        if not phrase or len(phrase) > MAX_WORD:
            return
        old = self.phrases.get(phrase)
        if old is None or LABEL_PRIORITY.index(label) < LABEL_PRIORITY.index(old):
            self.phrases[phrase] = label

    def user_words(self) -> list[tuple[str, str]]:
        """``(word, part-of-speech tag)`` of the jieba user dictionary, sorted."""
        words = {p: _TAGS[label] for p, label in self.phrases.items() if len(p) >= 2}
        for variant, canonical in self.synonyms.items():
            for w in (variant, canonical):
                if 2 <= len(w) <= MAX_WORD:
                    words.setdefault(w, "l")
        return sorted(words.items())


def district_names(full: str) -> list[str]:
    """``海丰县`` → [海丰县, 海丰]; ``红海湾经济开发区`` → [红海湾经济开发区, 红海湾]."""
    m = _DISTRICT_SUFFIX_RE.match(full)
    return [full, m.group(1)] if m and full != "城区" else [full]


def place_names(hall_name: str, district: str) -> list[str]:
    """Towns and streets named in a hall's name (``城区马宫街道…`` → 马宫街道, 马宫)."""
    rest = hall_name.removeprefix(district)
    m = _PLACE_RE.search(rest)
    return [m.group(1) + m.group(2), m.group(1)] if m else []


def build_lexicon(snapshot: KbSnapshot, norm: Callable[[str], str]) -> Lexicon:
    lex = Lexicon()
    for group in snapshot.synonyms:
        canonical = norm(group.canonical.split("/")[0])  # "拿/领": the first reading
        for v in group.variants:
            variant = norm(v)
            if variant and variant != canonical:
                lex.synonyms.setdefault(variant, canonical)
    for g in snapshot.guides:
        guide = g.guide
        _add_all(lex, norm, [guide.name, *guide.aliases], SERVICE, terms=True)
        _add_all(lex, norm, (m.name for m in guide.materials), MATERIAL, terms=True)
        _add_all(lex, norm, guide.life_events, LIFE_EVENT)
        for s in guide.situations:
            _add_all(lex, norm, s.cues, SITUATION)
    for t in snapshot.themes:
        theme = t.theme
        _add_all(lex, norm, [theme.name, *theme.aliases], SERVICE, terms=True)
        _add_all(lex, norm, [theme.life_event], LIFE_EVENT)
    for h in snapshot.halls:
        hall = h.hall
        _add_all(lex, norm, [hall.name], HALL)
        _add_all(lex, norm, district_names(hall.district), DISTRICT)
        _add_all(lex, norm, place_names(hall.name, hall.district), DISTRICT)
    _add_all(lex, norm, (lt.name for lt in snapshot.licence_types), MATERIAL, terms=True)
    lex.terms.update(lex.synonyms.values())
    return lex


def _add_all(lex: Lexicon, norm: Callable[[str], str], phrases: Iterable[str], label: str,
             *, terms: bool = False) -> None:
    for p in phrases:
        phrase = norm(p)
        lex.add(phrase, label)
        if terms and 2 <= len(phrase) <= MAX_WORD:
            lex.terms.add(phrase)
