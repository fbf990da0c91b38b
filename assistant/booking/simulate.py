"""A simulated hall queue, to measure the waiting-time estimates against actual waits.

Citizens arrive at random (a Poisson process at ``arrivals_per_hour``) during the opening
periods, take a ticket and are called first-come first-served by ``windows`` windows; service
times are log-normal around ``service_minutes`` (the real mean, unknown to the hall), while
the guide states ``typical_minutes``. At each arrival the estimate is computed exactly as the
live queue computes it (``assistant.booking.estimate``) from what the hall could know at that
moment: people waiting, windows busy, service times completed so far. Days follow each other
so history builds up, as in a real hall.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.booking import estimate

Minutes = float


@dataclass(frozen=True)
class SimConfig:
    windows: int = 3
    arrivals_per_hour: float = 14.0
    service_minutes: float = 11.0
    typical_minutes: float = 15.0
    cv: float = 0.6  # spread of service times (standard deviation / mean)
    periods: tuple[tuple[Minutes, Minutes], ...] = ((9 * 60, 12 * 60), (14.5 * 60, 17.5 * 60))
    days: int = 20
    seed: int = 1


@dataclass
class Visit:
    arrival: Minutes
    service: Minutes
    start: Minutes = 0.0

    @property
    def end(self) -> Minutes:
        return self.start + self.service

    @property
    def wait(self) -> Minutes:
        return self.start - self.arrival


@dataclass
class SimResult:
    actual: list[Minutes] = field(default_factory=list)
    estimated: list[Minutes] = field(default_factory=list)
    prior_only: list[Minutes] = field(default_factory=list)

    @staticmethod
    def _errors(est: list[Minutes], actual: list[Minutes]) -> list[Minutes]:
        return sorted(abs(e - a) for e, a in zip(est, actual, strict=True))

    def mae(self, prior: bool = False) -> float:
        errs = self._errors(self.prior_only if prior else self.estimated, self.actual)
        return sum(errs) / len(errs) if errs else 0.0

    def p90(self, prior: bool = False) -> float:
        errs = self._errors(self.prior_only if prior else self.estimated, self.actual)
        return errs[min(len(errs) - 1, math.ceil(0.9 * len(errs)) - 1)] if errs else 0.0


def _service_sampler(cfg: SimConfig, rng: random.Random) -> Callable[[], Minutes]:
    sigma = math.sqrt(math.log(1 + cfg.cv**2))
    mu = math.log(cfg.service_minutes) - sigma**2 / 2
    return lambda: rng.lognormvariate(mu, sigma)


def simulate_day(cfg: SimConfig, rng: random.Random) -> list[Visit]:
    """Arrivals and FIFO service over one day's periods (the queue drains after closing)."""
    sample = _service_sampler(cfg, rng)
    visits: list[Visit] = []
    for start, end in cfg.periods:
        t = start + rng.expovariate(cfg.arrivals_per_hour / 60)
        while t < end:
            visits.append(Visit(t, sample()))
            t += rng.expovariate(cfg.arrivals_per_hour / 60)
    free = [0.0] * cfg.windows
    for v in visits:
        w = min(range(cfg.windows), key=free.__getitem__)
        v.start = max(v.arrival, free[w])
        free[w] = v.end
    return visits


def _estimate_at(
    i: int, visits: list[Visit], history: list[Minutes], cfg: SimConfig, typical_only: bool
) -> Minutes:
    now = visits[i].arrival
    earlier = visits[:i]
    ahead = sum(1 for v in earlier if v.start > now)
    busy = sum(1 for v in earlier if v.start <= now < v.end)
    done = [v for v in earlier if v.end <= now]
    recent = (
        []
        if typical_only
        else history + [v.service * 60 for v in sorted(done, key=lambda v: v.end)]
    )
    service = estimate.service_minutes(recent, cfg.typical_minutes)
    return estimate.wait_minutes(ahead=ahead, busy=busy, windows=cfg.windows, service=service)


def run(cfg: SimConfig) -> SimResult:
    rng = random.Random(cfg.seed)
    result = SimResult()
    history: list[Minutes] = []  # service seconds of previous days, newest last
    for _ in range(cfg.days):
        visits = simulate_day(cfg, rng)
        for i, v in enumerate(visits):
            result.actual.append(v.wait)
            result.estimated.append(_estimate_at(i, visits, history, cfg, typical_only=False))
            result.prior_only.append(_estimate_at(i, visits, history, cfg, typical_only=True))
        history = (history + [v.service * 60 for v in sorted(visits, key=lambda v: v.end)])[
            -estimate.RECENT :
        ]
    return result
