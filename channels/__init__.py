"""Channels: how citizens reach the assistant outside the app's own pages.

Each channel turns its platform's messages into the channel-neutral ``UserMessage`` and renders
the ``Turn`` it gets back (``assistant.conversation.messages``) in its platform's terms.
"""
