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
    "service",
    "material",
    "hall",
    "district",
    "situation",
    "life_event",
)
DATE, TIME = "date", "time"
LABEL_PRIORITY = (SERVICE, MATERIAL, HALL, DISTRICT, LIFE_EVENT, SITUATION)
_TAGS = {SERVICE: "nz", MATERIAL: "nz", HALL: "ns", DISTRICT: "ns", LIFE_EVENT: "n", SITUATION: "l"}

MAX_PHRASE = 16  # longer phrases are sentences: left to the segmenter
MAX_ALIAS_WORD = 4  # longer aliases are phrases ("身份证丢了"): cut into their words
MAX_CANONICAL_WORD = 6

_PLACE_RE = re.compile(r"(?:市|县|区)?([\u4e00-\u9fff]{2,3}?)(镇|街道|社区)")
_DISTRICT_SUFFIX_RE = re.compile(r"^([\u4e00-\u9fff]{2,})(县|市|区|经济开发区|开发区)$")


@dataclass
class Lexicon:
    """Canonical phrases with their entity label, and colloquial variants of KB words."""

    phrases: dict[str, str] = field(default_factory=dict)  # phrase → label (entity ruler)
    words: dict[str, str] = field(default_factory=dict)  # word → label (jieba's user dictionary)
    synonyms: dict[str, str] = field(default_factory=dict)  # variant → canonical
    terms: set[str] = field(default_factory=set)  # object words worth repairing typos into

    def add(self, phrase: str, label: str, *, word: bool) -> None:
        if not phrase or len(phrase) > MAX_PHRASE:
            return
        for table in (self.phrases, self.words) if word and len(phrase) >= 2 else (self.phrases,):
            old = table.get(phrase)
            if old is None or LABEL_PRIORITY.index(label) < LABEL_PRIORITY.index(old):
                table[phrase] = label

    def user_words(self) -> list[tuple[str, str]]:
        """``(word, part-of-speech tag)`` of the jieba user dictionary, sorted.

        Names of things (services, materials, halls, places) and the colloquial words that
        synonyms rewrite; not situation cues or long aliases, which are phrases: made words,
        "钱包丢了" would hide 钱包 and 丢了 from matching."""
        words = {p: _TAGS[label] for p, label in self.words.items()}
        for variant, canonical in self.synonyms.items():
            words.setdefault(variant, "l")
            if 2 <= len(canonical) <= MAX_CANONICAL_WORD:
                words.setdefault(canonical, "l")
        return sorted((w, tag) for w, tag in words.items() if " " not in w)


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
        _add_all(lex, norm, [guide.name], SERVICE, terms=True)
        _add_all(lex, norm, guide.aliases, SERVICE, terms=True, word_max=MAX_ALIAS_WORD)
        _add_all(lex, norm, (m.name for m in guide.materials), MATERIAL, terms=True)
        _add_all(lex, norm, guide.life_events, LIFE_EVENT)
        for s in guide.situations:
            _add_all(lex, norm, s.cues, SITUATION, word_max=0)
    for t in snapshot.themes:
        theme = t.theme
        _add_all(lex, norm, [theme.name], SERVICE, terms=True)
        _add_all(lex, norm, theme.aliases, SERVICE, terms=True, word_max=MAX_ALIAS_WORD)
        _add_all(lex, norm, [theme.life_event], LIFE_EVENT)
    for h in snapshot.halls:
        hall = h.hall
        _add_all(lex, norm, [hall.name], HALL)
        _add_all(lex, norm, district_names(hall.district), DISTRICT)
        _add_all(lex, norm, place_names(hall.name, hall.district), DISTRICT)
    _add_all(lex, norm, (lt.name for lt in snapshot.licence_types), MATERIAL, terms=True)
    lex.terms.update(lex.synonyms.values())
    return lex


def _add_all(
    lex: Lexicon,
    norm: Callable[[str], str],
    phrases: Iterable[str],
    label: str,
    *,
    terms: bool = False,
    word_max: int = MAX_PHRASE,
) -> None:
    for p in phrases:
        phrase = norm(p)
        lex.add(phrase, label, word=len(phrase) <= word_max)
        if terms and 2 <= len(phrase) <= MAX_PHRASE:
            lex.terms.add(phrase)
