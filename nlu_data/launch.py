"""``rasa`` as scripts/rasa.sh runs it: the Rasa 3.6 command line with five performance fixes.

1. Training wires the RulePolicy's prediction into the rule-first Memoization and TED policies
   (zhidao_rasa/policies.py): they skip their work when a rule has decided.
2. Rasa validates every custom action's response with ``jsonschema.validate(result, schema)``,
which first checks the (constant) response schema against the JSON Schema meta-schema. With
the locked jsonschema 4.17 that check costs ~50 ms of CPU per action call on this machine —
more than everything else in a turn, and it serialises 20 concurrent citizens behind it. Here
the validator is built (and the schema checked) once; every response is still validated
against the same schema, with Rasa's own error message.
3. Custom-action calls send the domain once (then its digest), leave out of the tracker what no
   action reads (the bot's messages), and keep their HTTP connection (zhidao_rasa/action_calls.py).
4. The loaded model's objects are frozen out of the cyclic garbage collector, whose full passes
   over them stopped the server for 650–800 ms (zhidao_rasa/heap.py).
5. Parsing a message combines sparse features without scipy's general block stacking, and DIET's
   and TED's predictions call their one concrete TensorFlow function directly
   (zhidao_rasa/inference.py).

Usage (from nlu_data/, with the Rasa environment's interpreter):
    ../.venv-rasa/bin/python launch.py train ... | run --model models/zhidao.tar.gz ...
    ../.venv-rasa/bin/python launch.py self-check   # the fixes and the tracker store behave
"""

from __future__ import annotations

import sys
from functools import cache
from typing import Any

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@cache
def _response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    try:
        _response_validator().validate(result)
    except ValidationError as e:
        e.message += (
            ". Failed to validate Action server response from API, make sure your response "
            f"from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise
    return True


def patch() -> None:
    from zhidao_rasa import action_calls, heap, inference
    from zhidao_rasa.policies import wire_rule_prediction

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    wire_rule_prediction()
    action_calls.install()
    heap.install()
    inference.install()


def self_check() -> None:
    """The cached validator gives Rasa's own verdict on good and bad action responses."""
    from jsonschema import validate

    schema = RemoteAction.action_response_format_spec()
    good = {"events": [{"event": "slot", "name": "guide", "value": "居民身份证补领"}]}
    buttons = [{"title": "是", "payload": "/affirm"}]
    samples = [
        (good, True),
        ({"events": [], "responses": [{"text": "您好", "buttons": buttons}]}, True),
        ({"events": [{"event": "no_such_event"}]}, False),
        ({"events": "not a list"}, False),
        ({"responses": ["not an object"]}, False),
    ]

    def verdict(check: Any, sample: dict[str, Any]) -> bool:
        try:
            check(sample)
        except ValidationError:
            return False
        return True

    for sample, valid in samples:
        verdicts = [
            verdict(lambda r: validate(r, schema), sample),
            verdict(lambda r: _validate_action_result(None, r), sample),  # type: ignore[arg-type]
        ]
        if verdicts != [valid, valid]:
            sys.exit(f"launch.py: {sample}: expected {valid}, Rasa / cached said {verdicts}")
    print(
        f"launch.py: cached action-response validation agrees with Rasa's ({len(samples)} samples)"
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["self-check"]:
        self_check()
        patch()
        from zhidao_rasa import checks

        checks.run_all()
        sys.exit(0)
    patch()
    from rasa.__main__ import main

    sys.argv[0] = "rasa"
    main()
