"""Waivers (免提交 / 免填写): which materials a citizen need not bring, and why.

- ``idcard``     GB 11643 ID numbers.
- ``records``    what shared data says about an applicant (plain dataclasses) and the one
                 function that cuts it down to what a lookup may see (``select_records``).
- ``rules``      the decisions, pure functions (``plan_lookup``, ``check_guide``); ``texts`` the
                 sentences; ``prefill`` the form fields; ``outcomes`` results, summary, themes.
- ``models``     the shared-data store (the province's 电子证照库 stand-in) and consents.
- ``store``      demo import and lookups in the database; ``demo`` the demo file's schema.
- ``providers``  local store or remote platform (HTTP, retries, ``breaker``).
- ``consent``    consent, requesters (keyed hashes), the rate limit.
- ``service``    one check end to end; ``present`` masking for responses; ``router``, ``cli``.
"""
