"""Validation of custom-action responses with Rasa's verdicts, at a fraction of its cost.

Rasa 3.6 validates every response of the action server with
``jsonschema.validate(result, RemoteAction.action_response_format_spec())``:
- ``validate`` first checks the (constant) schema against the JSON Schema meta-schema: with the
  locked jsonschema 4.17 that alone cost ~50 ms of CPU per call on this machine.
- The schema's events are a ``oneOf`` over Rasa's 23 event types, so every event is validated
  against all 23 branches to prove that exactly one matches (~0.5 ms an event).

Here the schema is checked once, and each event is validated against the one branch whose
``event`` constant it carries. Every branch pins ``event`` to a different constant and the
event's type is required, so no other branch can match: the verdict is the ``oneOf``'s. That
premise is checked when the validator is built (otherwise the full schema is used). An invalid
response is validated again with the full schema, so the error is Rasa's own.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


class ResponseValidator:
    def __init__(self, schema: dict[str, Any]) -> None:
        cls = validator_for(schema)
        cls.check_schema(schema)
        self.full = cls(schema)
        self.outer: Any = None  # the schema without the events' oneOf
        self.branches: dict[str, Any] = {}
        items = schema.get("properties", {}).get("events", {}).get("items", {})
        branches = items.get("oneOf", [])
        consts = [b.get("properties", {}).get("event", {}).get("const") for b in branches]
        if (
            "event" not in items.get("required", [])
            or not branches
            or any(not isinstance(c, str) for c in consts)
            or len(set(consts)) != len(consts)
            or "$ref" in repr(schema)
        ):
            return  # the premise does not hold: the full schema validates
        outer = copy.deepcopy(schema)
        del outer["properties"]["events"]["items"]["oneOf"]
        self.outer = cls(outer)
        self.branches = {c: cls(b) for c, b in zip(consts, branches, strict=True)}

    @property
    def per_event(self) -> bool:
        return self.outer is not None

    def is_valid(self, result: Any) -> bool:
        if self.outer is None:
            return bool(self.full.is_valid(result))
        if not self.outer.is_valid(result):
            return False
        for event in result.get("events") or ():
            branch = self.branches.get(event["event"])  # outer: an object with a string event
            if branch is None or not branch.is_valid(event):
                return False
        return True

    def validate(self, result: Any) -> None:
        """Raises Rasa's ``ValidationError`` when ``result`` is not a valid response."""
        if not self.is_valid(result):
            error = best_match(self.full.iter_errors(result))  # what jsonschema.validate raises
            if error is not None:
                raise error


@cache
def response_validator() -> ResponseValidator:
    return ResponseValidator(RemoteAction.action_response_format_spec())


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    # RemoteAction._validate_action_result with Rasa's message, without re-checking the schema.
    try:
        response_validator().validate(result)
    except ValidationError as e:
        e.message += (
            ". Failed to validate Action server response from API, make sure your response "
            f"from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise
    return True


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
