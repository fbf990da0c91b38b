"""A small circuit breaker for a remote shared-data platform.

After ``failure_threshold`` failed calls in a row the breaker opens: calls fail at once,
without waiting on a platform that is down, for ``reset_seconds``. Then one trial call is let
through (half-open): success closes the breaker, failure opens it again. Thread-safe; one per
provider per process (a breaker is about this process's view of the platform).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class CircuitBreaker:
    def __init__(
        self,
        *,
        failure_threshold: int = 5,
        reset_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._threshold = failure_threshold
        self._reset = reset_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial = False

    @property
    def state(self) -> str:
        with self._lock:
            if self._opened_at is None:
                return "closed"
            return "half_open" if self._clock() - self._opened_at >= self._reset else "open"

    def allow(self) -> bool:
        """Whether a call may go ahead now (claims the single trial call when half-open)."""
        with self._lock:
            if self._opened_at is None:
                return True
            if self._clock() - self._opened_at < self._reset or self._trial:
                return False
            self._trial = True
            return True

    def record_success(self) -> None:
        with self._lock:
            self._failures, self._opened_at, self._trial = 0, None, False

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._trial or self._failures >= self._threshold:
                self._opened_at, self._trial = self._clock(), False
