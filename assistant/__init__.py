"""智导: a conversational smart-guidance assistant for government services."""

__version__ = "0.1.0"
