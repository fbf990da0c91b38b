"""The conversation: one turn in, replies out, whatever the channel.

Channels (``channels/wechat``, ``channels/webchat``, the greeter console) turn their input into a
``UserMessage`` and render the ``Turn`` they get back; they know nothing of Rasa. The gateway
(``gateway.py``) forwards to the Rasa server, and falls back to the app's own NLU pipeline when
Rasa is down or slow (degraded mode).
"""
