"""Rasa custom actions: thin adapters from a conversation turn to the app's domain services.

Nothing happens at import time: ``registry.build_executor(services)`` instantiates every
action with the app's ``Services`` and registers it with rasa-sdk's ``ActionExecutor``, which
the app serves at ``POST /webhook`` (``assistant/conversation/router.py``). Fixed reply texts
are the domain's responses (``nlu_data/domain``); dynamic content goes out as ``json_message``
cards of ``assistant/conversation/messages.py``.
"""
