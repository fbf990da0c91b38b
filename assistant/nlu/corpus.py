"""From the published KB to index entries: which text of a guide or theme goes in which field."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from assistant.kb import schema
from assistant.kb.snapshot import KbSnapshot, PublishedGuide, PublishedTheme
from assistant.nlu.index import Entry, Kind, SituationInfo


@dataclass(frozen=True)
class AttachedQuestion:
    """A question an editor attached to a guide or theme (from the unanswered queue)."""

    kind: Kind
    ref_id: int
    text: str


def entries_from_snapshot(
    snapshot: KbSnapshot,
    canon: Callable[[str], str],
    prose: Callable[[str], str],
    attached: Iterable[AttachedQuestion] = (),
) -> Iterator[Entry]:
    """Index entries, one at a time. ``canon`` makes a KB text canonical; ``prose`` (cheaper:
    no segmenting) normalises summaries and descriptions."""
    learned: dict[tuple[str, int], list[str]] = {}
    for q in attached:
        learned.setdefault((q.kind, q.ref_id), []).append(canon(q.text))
    for g in snapshot.guides:
        yield _guide_entry(g, canon, prose, learned.get(("guide", g.id), []))
    by_name = {g.guide.name: g for g in snapshot.guides}
    for t in snapshot.themes:
        yield _theme_entry(t, canon, prose, by_name, learned.get(("theme", t.id), []))


def canonical_texts(
    snapshot: KbSnapshot, attached: Iterable[AttachedQuestion] = ()
) -> Iterator[str]:
    """The texts ``entries_from_snapshot`` passes to ``canon`` (some more than once), read
    ahead so that an index build can segment them in one batch. A text left out here is
    only segmented later, the slower way."""
    for q in attached:
        yield q.text
    for g in snapshot.guides:
        x = g.guide
        yield x.name
        yield from x.aliases
        yield from x.examples
        for s in x.situations:
            yield s.name
            yield from s.cues
        yield from x.life_events
        yield from (m.name for m in x.materials)
        yield from (f.q for f in x.faq)
    by_name = {g.guide.name: g for g in snapshot.guides}
    for t in snapshot.themes:
        y = t.theme
        yield from (y.name, *y.aliases, *y.examples, y.life_event, *y.items)
        for name in y.items:
            if (item := by_name.get(name)) is not None:
                yield from item.guide.aliases


def _all(canon: Callable[[str], str], texts: Iterable[str | None]) -> list[str]:
    return [c for t in texts if t and (c := canon(t))]


def _both(
    canon: Callable[[str], str], prose: Callable[[str], str], texts: Iterable[str | None]
) -> list[str]:
    """Canonical form, and the words as written when synonyms changed them: "上户口" stays
    findable as 户口 although it is canonically 落户."""
    out: list[str] = []
    for t in texts:
        if t and (c := canon(t)):
            out.append(c)
            if (p := prose(t)) and p != c:
                out.append(p)
    return out


def _guide_entry(
    g: PublishedGuide, canon: Callable[[str], str], prose: Callable[[str], str], learned: list[str]
) -> Entry:
    x = g.guide
    situations = tuple(
        SituationInfo(s.key, s.name, tuple(_both(canon, prose, s.cues))) for s in x.situations
    )
    fields = {
        "name": _all(canon, [x.name]),
        "alias": _both(canon, prose, x.aliases),
        "example": _both(canon, prose, x.examples),
        "learned": learned,
        "situation": _both(canon, prose, (s.name for s in x.situations)),
        "cue": [c for s in situations for c in s.cues],
        "life_event": _all(canon, x.life_events),
        "description": _all(prose, (s.description for s in x.situations)),
        "summary": _all(prose, [x.summary]),
        "material": _all(canon, (m.name for m in x.materials)),
        "faq": _both(canon, prose, (f.q for f in x.faq)),
        "prose": _all(prose, _guide_prose(x)),
    }
    exact = (*fields["name"], *fields["alias"], *fields["example"], *learned)
    return Entry("guide", g.id, x.name, fields, situations, (), exact)


def _guide_prose(x: schema.Guide) -> list[str | None]:
    """Everything else a guide says, for weak evidence and to know which words the KB uses."""
    texts: list[str | None] = [*x.acceptance_conditions, *(f.a for f in x.faq), x.notes]
    texts += [step.description for step in x.steps]
    texts += [x.fee.amount, x.fee.basis, x.time_limit.note, x.online.note, x.online.entry]
    texts += [s.note for s in x.situations] + [p.name for p in x.special_procedures]
    texts += [t for m in x.materials for t in (m.condition, m.note, m.issuer)]
    return texts


def _theme_entry(
    t: PublishedTheme,
    canon: Callable[[str], str],
    prose: Callable[[str], str],
    guides: dict[str, PublishedGuide],
    learned: list[str],
) -> Entry:
    x = t.theme
    item_texts: list[str] = []
    for name in x.items:
        item_texts.append(name)
        if (g := guides.get(name)) is not None:
            item_texts.extend(g.guide.aliases)
    fields = {
        "name": _all(canon, [x.name]),
        "alias": _both(canon, prose, x.aliases),
        "example": _both(canon, prose, x.examples),
        "learned": learned,
        "life_event": _all(canon, [x.life_event]),
        "item": _all(canon, item_texts),
        "summary": _all(prose, [x.summary]),
        "prose": _all(prose, [x.notes, *(step.description for step in x.steps), x.online.note]),
    }
    exact = (*fields["name"], *fields["alias"], *fields["example"], *learned)
    return Entry("theme", t.id, x.name, fields, (), tuple(x.items), exact)
