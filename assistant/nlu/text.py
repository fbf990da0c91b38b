"""Text normalisation that remembers where every character came from.

Citizens type in full-width or half-width forms, in traditional or simplified characters,
with emoji, stray punctuation and numbers written in words. ``normalise`` maps all of that to
one canonical form (simplified, half-width, lower case, Arabic numerals before units,
punctuation and emoji as single spaces) and keeps, for each output character, the index of
the input character it came from, so that entities found in the canonical text can be
reported at their place in what the citizen wrote.

Every later rewrite (typo correction, colloquial synonyms) goes through ``Aligned.replace``
and so keeps the same mapping.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

MAX_CHARS = 1000  # longer input is cut: a question is never that long, a paste is not a question

_NUMERAL_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_NUMERAL_UNITS = {"十": 10, "百": 100, "千": 1000}
_NON_WORD_RE = re.compile(r"[\W_]+")  # punctuation, emoji, symbols, control characters, spaces
_NUMERAL_RE = re.compile(
    r"(?<![几数好上])[零〇一二两三四五六七八九十百千]+(?=个月|周岁|岁|年|月|日|号|天|周|元|块|万|级|套|胎|倍|平|点)"
)


@dataclass(frozen=True)
class Aligned:
    """A text and, per character, the source span it comes from: ``origin[i]`` to
    ``ends[i]`` (exclusive). A character that a rewrite produced (公积金 → 住房公积金) maps to
    the whole rewritten source span."""

    text: str
    origin: tuple[int, ...]
    ends: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if not self.ends:
            object.__setattr__(self, "ends", tuple(i + 1 for i in self.origin))

    @classmethod
    def identity(cls, text: str) -> Aligned:
        return cls(text, tuple(range(len(text))))

    def replace(self, spans: Iterable[tuple[int, int, str]]) -> Aligned:
        """Replace non-overlapping ``(start, end, new)`` spans; new text maps to the old span."""
        out: list[str] = []
        origin: list[int] = []
        ends: list[int] = []
        pos = 0
        for start, end, new in sorted(spans):
            if start < pos:
                continue
            out.append(self.text[pos:start])
            origin.extend(self.origin[pos:start])
            ends.extend(self.ends[pos:start])
            if end > start:
                src_start, src_end = min(self.origin[start:end]), max(self.ends[start:end])
            else:
                src_start = src_end = self.origin[start] if start < len(self.origin) else 0
            out.append(new)
            origin.extend([src_start] * len(new))
            ends.extend([src_end] * len(new))
            pos = end
        out.append(self.text[pos:])
        origin.extend(self.origin[pos:])
        ends.extend(self.ends[pos:])
        return Aligned("".join(out), tuple(origin), tuple(ends))

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Where ``text[start:end]`` was in the source text."""
        if start >= end or not self.origin:
            return (0, 0)
        return (min(self.origin[start:end]), max(self.ends[start:end]))

    def splits_a_rewrite(self, start: int, end: int) -> bool:
        """Is ``text[start:end]`` only part of what one rewrite produced (住房 of 住房公积金)?"""
        if start >= end:
            return False
        same = lambda i, j: self.origin[i] == self.origin[j] and self.ends[i] == self.ends[j]  # noqa: E731
        return (start > 0 and same(start - 1, start)) or (
            end < len(self.text) and same(end - 1, end)
        )


def chinese_number(numeral: str) -> int | None:
    """``"六十"`` → 60, ``"二十五"`` → 25, ``"一九九零"`` → 1990; ``None`` if not a number."""
    if all(c in _NUMERAL_DIGITS for c in numeral):
        if len(numeral) == 1 or len(numeral) >= 3:  # 三 / 一九九零
            return int("".join(str(_NUMERAL_DIGITS[c]) for c in numeral))
        return None  # 一二, 两三 ("a few"): leave as words
    if not any(c in _NUMERAL_DIGITS for c in numeral) and numeral != "十":
        return None  # 千, 百: "thousands", not a number
    total, current = 0, 0
    for c in numeral:
        if c in _NUMERAL_DIGITS:
            current = _NUMERAL_DIGITS[c]
        else:
            total += (current or 1) * _NUMERAL_UNITS[c]
            current = 0
    return total + current


def normalise(raw: str, to_simplified: Callable[[str], str]) -> Aligned:
    """Canonical form of ``raw``; ``to_simplified`` converts traditional characters (OpenCC)."""
    aligned = Aligned.identity(raw[:MAX_CHARS])
    gaps = [(m.start(), m.end(), " ") for m in _NON_WORD_RE.finditer(aligned.text)]
    if gaps:  # first, so that full-width punctuation does not force the slow path below
        aligned = _strip(aligned.replace(gaps))
    lowered = aligned.text.lower()
    if not unicodedata.is_normalized("NFKC", aligned.text) or len(lowered) != len(aligned.text):
        aligned = _per_character(aligned)  # full-width letters, compatibility forms
        gaps = [(m.start(), m.end(), " ") for m in _NON_WORD_RE.finditer(aligned.text)]
        aligned = _strip(aligned.replace(gaps)) if gaps else aligned
    else:
        aligned = Aligned(lowered, aligned.origin, aligned.ends)
    simplified = to_simplified(aligned.text)
    if len(simplified) != len(aligned.text):  # a phrase conversion changed the length
        simplified = "".join(c if len(c := to_simplified(ch)) == 1 else ch for ch in aligned.text)
    aligned = Aligned(simplified, aligned.origin, aligned.ends)
    spans = []
    for m in _NUMERAL_RE.finditer(aligned.text):
        value = chinese_number(m.group(0))
        if value is not None:
            spans.append((m.start(), m.end(), str(value)))
    return aligned.replace(spans) if spans else aligned


def normal_text(raw: str, to_simplified: Callable[[str], str]) -> str:
    """``normalise(raw).text`` without keeping track of positions (for KB texts: faster)."""
    text = _NON_WORD_RE.sub(" ", raw[:MAX_CHARS]).strip()
    lowered = text.lower()
    if len(lowered) != len(text) or not unicodedata.is_normalized("NFKC", text):
        return normalise(raw, to_simplified).text
    simplified = to_simplified(lowered)
    if len(simplified) != len(lowered):
        return normalise(raw, to_simplified).text
    if _NUMERAL_RE.search(simplified) is None:
        return simplified
    return normalise(raw, to_simplified).text


def _per_character(a: Aligned) -> Aligned:
    chars: list[str] = []
    origin: list[int] = []
    ends: list[int] = []
    for ch, i, j in zip(a.text, a.origin, a.ends, strict=True):
        for c in unicodedata.normalize("NFKC", ch).lower():
            chars.append(c)
            origin.append(i)
            ends.append(j)
    return Aligned("".join(chars), tuple(origin), tuple(ends))


def _strip(a: Aligned) -> Aligned:
    start, end = 0, len(a.text)
    while start < end and a.text[start] == " ":
        start += 1
    while end > start and a.text[end - 1] == " ":
        end -= 1
    return Aligned(a.text[start:end], a.origin[start:end], a.ends[start:end])


def is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"
