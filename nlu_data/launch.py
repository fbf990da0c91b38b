"""``rasa`` as scripts/rasa.sh runs it: the Rasa 3.6 command line with five performance fixes.

1. Training wires the RulePolicy's prediction into the rule-first Memoization and TED policies
   (zhidao_rasa/policies.py): they skip their work when a rule has decided.
2. Custom-action responses are validated with Rasa's verdicts and error messages, without
   checking the schema again at every call (~50 ms with jsonschema 4.17) and without trying
   each event against all 23 event types (zhidao_rasa/responses.py).
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


def patch() -> None:
    from zhidao_rasa import action_calls, heap, inference, responses
    from zhidao_rasa.policies import wire_rule_prediction

    responses.install()
    wire_rule_prediction()
    action_calls.install()
    heap.install()
    inference.install()


if __name__ == "__main__":
    if sys.argv[1:] == ["self-check"]:
        patch()
        from zhidao_rasa import checks

        checks.run_all()
        sys.exit(0)
    patch()
    from rasa.__main__ import main

    sys.argv[0] = "rasa"
    main()
