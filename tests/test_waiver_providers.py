"""Shared-data providers: the remote platform over HTTP (retries, timeouts, circuit breaker)."""

from __future__ import annotations

import httpx
import pytest

from assistant.config import Settings
from assistant.waiver.breaker import CircuitBreaker
from assistant.waiver.providers import (
    HttpProvider,
    LocalProvider,
    ProviderUnavailable,
    provider_factory,
)
from assistant.waiver.records import LookupRequest, PersonRecords, request_from_json, to_json
from assistant.waiver.rules import plan_lookup
from tests.waiver_support import (
    LIN_JING,
    NOBODY,
    PlatformBehaviour,
    bundled_guide,
    demo_directory,
    fake_platform,
)


def request_for(id_number: str = LIN_JING) -> LookupRequest:
    return plan_lookup(id_number, [(bundled_guide("出生登记"), None)])


class Platform:
    """An httpx transport answering from the demo directory, or failing as scripted."""

    def __init__(self, *failures: int | type[Exception]) -> None:
        self.failures = list(failures)
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.failures:
            failure = self.failures.pop(0)
            if isinstance(failure, int):
                return httpx.Response(failure, json={"error": "down"})
            raise failure("scripted", request=request)  # type: ignore[call-arg]
        lookup = request_from_json(httpx.Response(200, content=request.content).json())
        return httpx.Response(200, json=to_json(demo_directory().lookup(lookup)))


def provider(platform: Platform, **kw: object) -> HttpProvider:
    options: dict = {"timeout": 1.0, "retries": 2, "backoff_seconds": 0, **kw}
    return HttpProvider("http://platform.test", transport=httpx.MockTransport(platform), **options)


def test_the_remote_platform_answers_like_the_local_data() -> None:
    platform = Platform()
    records = provider(platform).lookup(request_for())
    assert records == demo_directory().lookup(request_for())
    assert platform.calls == 1


def test_a_person_unknown_to_the_platform_is_not_an_error() -> None:
    assert provider(Platform()).lookup(request_for(NOBODY)) == PersonRecords(applicant=None)


@pytest.mark.parametrize("failure", [503, httpx.ConnectError, httpx.ReadTimeout])
def test_timeouts_connection_errors_and_server_errors_are_retried(failure: object) -> None:
    platform = Platform(failure, failure)  # type: ignore[arg-type]
    assert provider(platform).lookup(request_for()).found
    assert platform.calls == 3


def test_the_platform_is_unavailable_when_every_try_fails() -> None:
    platform = Platform(503, 503, 503)
    with pytest.raises(ProviderUnavailable):
        provider(platform).lookup(request_for())
    assert platform.calls == 3


def test_a_refused_request_is_not_retried() -> None:
    platform = Platform(400)
    with pytest.raises(ProviderUnavailable):
        provider(platform).lookup(request_for())
    assert platform.calls == 1


def test_a_malformed_answer_is_unavailable_not_a_waiver() -> None:
    bad = httpx.MockTransport(lambda _r: httpx.Response(200, json={"applicant": {"name": "x"}}))
    remote = HttpProvider("http://platform.test", timeout=1, transport=bad)
    with pytest.raises(ProviderUnavailable):
        remote.lookup(request_for())


def test_the_breaker_opens_after_repeated_failures_and_stops_calling() -> None:
    clock = [0.0]
    breaker = CircuitBreaker(failure_threshold=2, reset_seconds=30, clock=lambda: clock[0])
    platform = Platform(503, 503)
    remote = provider(platform, retries=0, breaker=breaker)
    for _ in range(2):
        with pytest.raises(ProviderUnavailable):
            remote.lookup(request_for())
    assert breaker.state == "open"
    with pytest.raises(ProviderUnavailable, match="circuit open"):
        remote.lookup(request_for())
    assert platform.calls == 2  # the third lookup never reached the platform
    clock[0] = 31.0
    assert breaker.state == "half_open"
    assert remote.lookup(request_for()).found  # one trial call, which succeeds
    assert breaker.state == "closed"


def test_a_failed_trial_call_opens_the_breaker_again() -> None:
    clock = [0.0]
    breaker = CircuitBreaker(failure_threshold=1, reset_seconds=10, clock=lambda: clock[0])
    breaker.record_failure()
    clock[0] = 10.0
    assert breaker.allow() is True
    assert breaker.allow() is False  # only one trial at a time
    breaker.record_failure()
    assert breaker.state == "open"
    clock[0] = 15.0
    assert breaker.allow() is False


def test_a_platform_too_slow_to_answer_times_out_on_loopback() -> None:
    behaviour = PlatformBehaviour(delay_seconds=0.5)
    with fake_platform(demo_directory(), behaviour) as url:
        remote = HttpProvider(url, timeout=0.1, retries=1, backoff_seconds=0)
        try:
            with pytest.raises(ProviderUnavailable, match="ReadTimeout"):
                remote.lookup(request_for())
            behaviour.delay_seconds = 0
            assert remote.lookup(request_for()) == demo_directory().lookup(request_for())
        finally:
            remote.close()
    assert behaviour.calls == 3


def test_the_configured_provider_is_the_local_store_or_the_remote_platform() -> None:
    assert provider_factory(Settings(environment="test")) is LocalProvider
    remote = provider_factory(
        Settings(environment="test", shared_data_provider="http", shared_data_url="http://p.test")
    )(None)  # type: ignore[arg-type]
    assert isinstance(remote, HttpProvider)
    with pytest.raises(ValueError, match="ASSISTANT_SHARED_DATA_URL"):
        provider_factory(Settings(environment="test", shared_data_provider="http"))
