"""Which guide a message is about: the app's NLU pipeline, seen from the conversation.

Rasa never chooses the guide. The actions (and the degraded mode) ask ``find`` with the
citizen's own words; it wraps ``assistant.nlu`` and answers in the conversation's terms:
a guide (or theme) with its situation, a clarifying question with one button per option, or
nothing. Button payloads are Rasa intents with entities (``/inform{"service": "..."}``), which
Rasa's payload parser reads without the NLU model, and which ``choice`` reads back here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from assistant.conversation.messages import Button
from assistant.kb.snapshot import KbSnapshot, PublishedGuide, PublishedTheme

if TYPE_CHECKING:
    from assistant.nlu.public import ParsePublic

Status = Literal["matched", "ambiguous", "no_match"]
_PAYLOAD = re.compile(r"^/(\w+)(\{.*\})?$", re.S)


class NluLike(Protocol):
    """``assistant.nlu.runtime.Nlu`` (kept on ``app.state.nlu``)."""

    def parse(self, snapshot: KbSnapshot, text: str, top_k: int = 5) -> tuple[ParsePublic, Any]: ...


@dataclass(frozen=True)
class Finding:
    status: Status
    guide: PublishedGuide | None = None
    theme: PublishedTheme | None = None
    situation: str | None = None  # situation key of ``guide``
    question: str | None = None  # the clarifying question when ambiguous
    options: list[Button] = field(default_factory=list)
    message: str | None = None
    named: bool = False  # the words name a service or a life event (not just "多少钱")


NAMING_LABELS = {"service", "life_event"}


def inform_payload(**entities: str) -> str:
    return "/inform" + json.dumps(entities, ensure_ascii=False, separators=(",", ":"))


def parse_payload(text: str) -> tuple[str, dict[str, str]] | None:
    """``/inform{"service":"出生登记"}`` → ``("inform", {"service": "出生登记"})``."""
    m = _PAYLOAD.match(text.strip())
    if not m:
        return None
    try:
        entities = json.loads(m.group(2)) if m.group(2) else {}
    except json.JSONDecodeError:
        return None
    if not isinstance(entities, dict):
        return None
    return m.group(1), {str(k): str(v) for k, v in entities.items()}


def by_name(kb: KbSnapshot, name: str, situation: str | None = None) -> Finding:
    """A guide or theme named exactly (a button's payload, a form's value)."""
    guide = kb.guide(name) or next((g for g in kb.guides if name in g.guide.aliases), None)
    if guide is not None:
        keys = {s.key for s in guide.guide.situations}
        return Finding(
            "matched", guide=guide, situation=situation if situation in keys else None, named=True
        )
    theme = kb.theme(name)
    if theme is not None:
        return Finding("matched", theme=theme, named=True)
    return Finding("no_match")


def find(nlu: NluLike, kb: KbSnapshot, text: str) -> Finding:
    """What the app's NLU makes of ``text``."""
    p, _doc = nlu.parse(kb, text)
    candidates = [r.name for r in p.results[:1]] if p.status == "matched" else []
    if p.status == "ambiguous" and p.clarify is not None:
        candidates = [o.name for o in p.clarify.options]
    named = _names_a_service(kb, p, candidates)
    if p.status == "matched" and p.results:
        top = p.results[0]
        if top.kind == "theme":
            return Finding("matched", theme=kb.theme(top.guide_id), message=p.message, named=named)
        situation = top.situation.key if top.situation else None
        return Finding(
            "matched",
            guide=kb.guide(top.guide_id),
            situation=situation,
            message=p.message,
            named=named,
        )
    if p.status == "ambiguous" and p.clarify is not None:
        options = [
            Button(title=o.label[:60], payload=inform_payload(service=o.name))
            for o in p.clarify.options
        ]
        return Finding("ambiguous", question=p.clarify.question, options=options, named=named)
    return Finding("no_match", message=p.message, named=named)


def _names_a_service(kb: KbSnapshot, p: ParsePublic, candidates: list[str]) -> bool:
    """The words name a service or life event, or a document that a candidate's name or
    aliases carry ("居住证办下来要多久": 居住证 is a material elsewhere, and 居住证申领's name)."""
    if any(e.label in NAMING_LABELS for e in p.entities):
        return True
    documents = {w for e in p.entities if e.label == "material" for w in (e.text, e.value) if w}
    if not documents:
        return False
    for name in candidates:
        guide = kb.guide(name)
        names = [name, *(guide.guide.aliases if guide is not None else ())]
        if any(d in n for d in documents for n in names):
            return True
    return False
