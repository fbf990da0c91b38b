"""The WeChat Official Account channel (wechatpy).

``router`` is the callback URL (``/wechat``); ``channel`` answers one message within WeChat's
five seconds or by customer-service message; ``inbound`` decides what a message asks;
``render`` turns a conversation ``Turn`` into one WeChat text; ``service`` holds the database
work (retry deduplication, numbered choices, the consented ID binding); ``api_client`` calls
WeChat (shared access token, retries); ``menu`` and ``reminders`` back the ``assistant wechat``
commands (``cli``).
"""
