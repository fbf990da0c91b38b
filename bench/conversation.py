"""Whole-stack benchmark: simulated citizens talk to the running assistant over HTTP.

    .venv/bin/python bench/conversation.py --url http://127.0.0.1:8000 --citizens 20 \
        --pid APP_PID --pid RASA_PID

Each citizen holds one conversation through ``POST /api/v1/chat`` (app → Rasa → custom
actions → database): a guide question, materials, fee, where, "帮我约明天上午" with the
appointment form (clicking the offered buttons), the waiver check with consent, then
cancelling. All citizens run at once; between two turns a citizen reads and types for
``--think`` seconds on average (uniform ±50 %; 0 hammers the stack closed-loop).

Prints the turn latency (p50, p99, max), turns per second, how many turns were answered in
degraded mode, and for each process given with ``--pid`` its resident memory at the end and
at its peak (the kernel's high-water mark, VmHWM, since the process started; children
included) and the CPU time it spent per turn (where a turn's cost goes: on two cores, the CPU
per turn of all processes bounds the turns per second the machine can serve).
``scripts/bench_conversation.sh`` starts a fresh stack on free ports and runs this against it.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

import httpx
import psutil

OPENING = [
    "身份证丢了怎么补办",
    "孩子出生了怎么上户口",
    "想办港澳通行证",
    "结婚登记怎么办",
    "社保卡丢了",
    "我想办居住证",
]
FOLLOW_UPS = ["要带什么材料", "多少钱", "在哪办"]
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(n: int) -> str:
    """A valid (fictitious) resident ID number: 城区, born between 1980 and 2019, check digit."""
    born = date(1980, 1, 1) + timedelta(days=373 * (n % 40))  # born 1980–2019: a real date
    first17 = f"441502{born:%Y%m%d}{100 + n % 900:03d}"
    return (
        first17
        + "10X98765432"[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]
    )


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    degraded: int = 0
    errors: int = 0
    booked: int = 0


async def citizen(client: httpx.AsyncClient, n: int, stats: Stats, think: float = 0.0) -> None:
    sender = f"bench-{n}-{random.randrange(10**9)}"

    async def say(text: str | None = None, payload: str | None = None) -> list[dict]:
        if think:
            await asyncio.sleep(random.uniform(0.5, 1.5) * think)
        body = {"sender_id": sender, "channel": "web", "text": text or "", "payload": payload}
        started = time.perf_counter()
        r = await client.post("/api/v1/chat", json=body)
        stats.latencies.append((time.perf_counter() - started) * 1000)
        if r.status_code != 200:
            stats.errors += 1
            return []
        turn = r.json()
        stats.degraded += turn["degraded"]
        return turn["replies"]

    await say(random.choice(OPENING))
    for q in FOLLOW_UPS:
        await say(q)
    replies = await say("帮我约明天上午")
    answers = {"姓名": "陈晓明", "手机": f"139{n:08d}", "身份证号码": id_number(n)}
    for _ in range(8):  # the appointment form: click a button, or type what is asked
        buttons = [b for r in replies for b in r["buttons"]]
        texts = " ".join(r["text"] or "" for r in replies)
        if any(r["card"] and r["card"]["kind"] == "booking" for r in replies):
            stats.booked += 1
            break
        if buttons:
            replies = await say(payload=random.choice(buttons[:4])["payload"])
            continue
        wanted = next((v for k, v in answers.items() if k in texts), None)
        if wanted is None:
            break
        replies = await say(wanted)
    replies = await say("我能免交哪些")
    if any("同意" in (r["text"] or "") for r in replies):
        await say(payload="/affirm")
    await say("取消预约")


def rss(pid: int) -> tuple[int, int]:
    """Resident memory of the process and its children now and at its peak, in bytes. The
    kernel keeps the peak (VmHWM), so nothing samples during the run: sampling every 100 ms
    through psutil cost ~9 ms of CPU each time, on the cores under test."""
    now = peak = 0
    for p in [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]:
        with open(f"/proc/{p.pid}/status") as status:
            fields = dict(line.split(":", 1) for line in status)
        kib = {k: int(fields[k].split()[0]) for k in ("VmRSS", "VmHWM")}
        now, peak = now + kib["VmRSS"] * 1024, peak + kib["VmHWM"] * 1024
    return now, peak


def cpu_seconds(pid: int) -> float:
    p = psutil.Process(pid)
    total = sum(p.cpu_times()[:2])
    return total + sum(sum(c.cpu_times()[:2]) for c in p.children(recursive=True))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="http://127.0.0.1:8000")
    ap.add_argument("--citizens", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=1, help="conversations per citizen")
    ap.add_argument("--think", type=float, default=1.0, help="mean seconds between turns")
    ap.add_argument("--pid", type=int, action="append", default=[], help="a process to measure")
    args = ap.parse_args()
    stats = Stats()
    limits = httpx.Limits(max_connections=args.citizens + 5)
    async with httpx.AsyncClient(base_url=args.url, timeout=30, limits=limits) as client:
        await citizen(client, 999, Stats())  # warm-up: first parse, first queries
        cpu_before = {pid: cpu_seconds(pid) for pid in args.pid}
        started, own_cpu = time.perf_counter(), time.process_time()
        for r in range(args.rounds):
            await asyncio.gather(
                *(
                    citizen(client, r * args.citizens + i, stats, args.think)
                    for i in range(args.citizens)
                )
            )
        wall = time.perf_counter() - started
        own_cpu = time.process_time() - own_cpu
        cpu = {pid: cpu_seconds(pid) - before for pid, before in cpu_before.items()}
    memory = {pid: rss(pid) for pid in args.pid}
    lat = stats.latencies
    print(
        f"citizens {args.citizens} x {args.rounds} conversation(s), think {args.think} s: "
        f"{len(lat)} turns in "
        f"{wall:.1f} s ({len(lat) / wall:.1f} turns/s); bookings made {stats.booked}"
    )
    print(
        f"turn latency ms: p50 {statistics.median(lat):.0f}  p90 {pct(lat, 0.9):.0f}  "
        f"p99 {pct(lat, 0.99):.0f}  max {max(lat):.0f}"
    )
    print(f"degraded turns {stats.degraded}, HTTP errors {stats.errors}")
    print(f"this client: CPU {1000 * own_cpu / max(1, len(lat)):.1f} ms per turn (same cores)")
    for pid, (now, peak) in memory.items():
        name = " ".join(psutil.Process(pid).cmdline()[1:4])
        print(
            f"pid {pid} ({name}): RSS {now / 2**20:.0f} MiB (peak {peak / 2**20:.0f}), "
            f"CPU {1000 * cpu[pid] / max(1, len(lat)):.1f} ms per turn"
        )


if __name__ == "__main__":
    asyncio.run(main())
