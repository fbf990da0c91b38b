"""ASGI entry point for uvicorn: ``uvicorn assistant.asgi:app``."""

from assistant.app import create_app

app = create_app()
