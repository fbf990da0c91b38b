"""Where shared data comes from: the local store, or a remote platform over HTTP.

A provider answers a ``LookupRequest`` with ``PersonRecords`` or raises ``ProviderUnavailable``;
it never guesses. The rules turn "unavailable" into "please bring it" for every material that
depended on the data, so a failing platform can cost the citizen a trip, never a false waiver.

The remote protocol is one JSON call: ``POST {base_url}/lookup`` with the request
(``records.to_json``) → ``200`` with the records (``applicant: null`` when the person is not
known). Each attempt has a timeout; timeouts, connection errors and 5xx answers are retried
with exponential backoff (tenacity); a circuit breaker stops calling a platform that keeps
failing. One ``HttpProvider`` lives per process (``app.state.shared_data``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

import httpx
from pydantic import ValidationError
from sqlmodel import Session
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from assistant.config import Settings
from assistant.waiver import store
from assistant.waiver.breaker import CircuitBreaker
from assistant.waiver.records import LookupRequest, PersonRecords, records_from_json, to_json

log = logging.getLogger("assistant.waiver")


class ProviderUnavailable(Exception):
    """The source could not answer (timeout, error, malformed answer, breaker open)."""


class SharedDataProvider(Protocol):
    name: str

    def lookup(self, request: LookupRequest) -> PersonRecords: ...


ProviderFactory = Callable[[Session], SharedDataProvider]


class LocalProvider:
    """The shared-data store in the app's own database."""

    name = "local"

    def __init__(self, session: Session) -> None:
        self._session = session

    def lookup(self, request: LookupRequest) -> PersonRecords:
        return store.load_records(self._session, request)


class _ServerError(Exception):
    """A 5xx answer: worth another try."""


class HttpProvider:
    name = "http"

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float,
        retries: int = 1,
        backoff_seconds: float = 0.2,
        breaker: CircuitBreaker | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"), timeout=httpx.Timeout(timeout), transport=transport
        )
        self._retries = retries
        self._backoff = backoff_seconds
        self.breaker = breaker or CircuitBreaker()

    def lookup(self, request: LookupRequest) -> PersonRecords:
        if not self.breaker.allow():
            raise ProviderUnavailable("circuit open")
        try:
            records = records_from_json(self._fetch(to_json(request)))
        except (httpx.HTTPError, _ServerError, ValidationError, ValueError) as exc:
            self.breaker.record_failure()
            log.warning("shared-data platform failed: %s", type(exc).__name__)
            raise ProviderUnavailable(type(exc).__name__) from exc
        self.breaker.record_success()
        return records

    def _fetch(self, payload: dict) -> object:
        for attempt in Retrying(
            stop=stop_after_attempt(self._retries + 1),
            wait=wait_exponential(multiplier=self._backoff, max=2),
            retry=retry_if_exception_type((httpx.TransportError, _ServerError)),
            reraise=True,
        ):
            with attempt:
                response = self._client.post("/lookup", json=payload)
                if response.status_code >= 500:
                    raise _ServerError(str(response.status_code))
                response.raise_for_status()
                return response.json()
        raise AssertionError("unreachable: tenacity reraises the last error")

    def close(self) -> None:
        self._client.close()


def provider_factory(settings: Settings) -> ProviderFactory:
    """The per-process way to get a provider for a request's session (kept on ``app.state``)."""
    if settings.shared_data_provider == "http":
        if not settings.shared_data_url:
            raise ValueError("ASSISTANT_SHARED_DATA_URL is required with SHARED_DATA_PROVIDER=http")
        remote = HttpProvider(
            settings.shared_data_url,
            timeout=settings.shared_data_timeout_seconds,
            retries=settings.shared_data_retries,
            breaker=CircuitBreaker(
                failure_threshold=settings.shared_data_breaker_failures,
                reset_seconds=settings.shared_data_breaker_reset_seconds,
            ),
        )
        return lambda _session: remote
    return LocalProvider
