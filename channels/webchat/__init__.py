"""The web chat channel: a page served by the app that talks to ``POST /api/v1/chat``.

The page (``assistant/web/static/chat/``) is plain ES modules, HTML and CSS, with no build step.
It posts the channel-neutral ``UserMessage`` and renders the ``Turn`` it gets back as bubbles,
buttons and typed cards; the dialogue state stays on the server (Rasa), the transcript and the
web session id in the browser's localStorage, so a reload continues the same conversation.
"""
