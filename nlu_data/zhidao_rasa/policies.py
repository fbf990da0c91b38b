"""Memoization and TED that step aside when a rule has already decided the next action.

Rasa runs every policy on every prediction and keeps the best: the highest confidence, ties
going to the higher priority (RulePolicy 6, MemoizationPolicy 3, TEDPolicy 1). A rule that
applies predicts with confidence 1.0, so the other two can then never win — yet TED's run
(featurising the dialogue, a TensorFlow call) is the largest part of a turn, and in this
assistant almost every action comes from a rule (custom actions, forms, fallbacks).

These subclasses receive the RulePolicy's prediction (``rule_prediction``, wired into the
prediction graph by launch.py when it trains the model) and return an empty prediction when
the rule's confidence is 1.0; otherwise — no rule, or the core fallback at 0.3 — they predict
exactly as their parents do. Without the wiring (a model trained by plain ``rasa train``) they
always predict: the answer is the same, only slower. End-to-end models (where TED's text-based
prediction outranks rules) are left alone.
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.memoization import MemoizationPolicy
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.ted_policy import TEDPolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

RULE_PREDICTION = "rule_prediction"


def rule_decided(rule_prediction: PolicyPrediction | None, kwargs: dict[str, Any]) -> bool:
    """True when a rule predicted with full confidence, so no lower-priority policy can win."""
    return (
        rule_prediction is not None
        and rule_prediction.max_confidence >= 1.0
        and kwargs.get("precomputations") is None  # end-to-end predictions outrank rules
    )


class RuleFirst:
    """Mixed in before a policy: its graph node receives the RulePolicy's prediction and the
    policy predicts only when no rule decided."""

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        *,
        rule_prediction: PolicyPrediction | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        if rule_decided(rule_prediction, kwargs):
            return self._prediction(self._default_predictions(domain))  # type: ignore[attr-defined]
        return super().predict_action_probabilities(  # type: ignore[misc]
            tracker, domain, rule_only_data, **kwargs
        )


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class RuleFirstMemoizationPolicy(RuleFirst, MemoizationPolicy):
    pass


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITH_END_TO_END_SUPPORT, is_trainable=True
)
class RuleFirstTEDPolicy(RuleFirst, TEDPolicy):
    pass


def wire_rule_prediction() -> None:
    """Let Rasa's default recipe pass the RulePolicy's prediction to every ``RuleFirst`` policy.

    The recipe builds the prediction graph when a model is trained and the graph is stored in the
    model, so this must run before ``rasa train`` (launch.py does); serving needs nothing more.
    """
    from rasa.core.policies.rule_policy import RulePolicy

    original = DefaultV1Recipe._add_core_predict_nodes
    if getattr(original, "wires_rule_prediction", False):
        return

    def add_core_predict_nodes(
        self: DefaultV1Recipe,
        predict_config: dict[str, Any],
        predict_nodes: dict[str, Any],
        train_nodes: dict[str, Any],
        preprocessors: list[str],
    ) -> None:
        original(self, predict_config, predict_nodes, train_nodes, preprocessors)
        runs = {n: node for n, node in predict_nodes.items() if n.startswith("run_")}
        rules = [n for n, node in runs.items() if issubclass(node.uses, RulePolicy)]
        if not rules:
            return
        for node in runs.values():
            if issubclass(node.uses, RuleFirst):
                node.needs[RULE_PREDICTION] = rules[0]

    add_core_predict_nodes.wires_rule_prediction = True  # type: ignore[attr-defined]
    DefaultV1Recipe._add_core_predict_nodes = add_core_predict_nodes  # type: ignore[method-assign]
