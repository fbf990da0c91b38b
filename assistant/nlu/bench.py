"""Benchmark: latency per question, index build time and resident memory.

Measured for the bundled KB and for a KB scaled to thousands of guides synthesised from real
service item names (``shared/kb/scale_item_names.txt``): each synthetic guide gets aliases,
example questions, situations with cues and materials derived from its name, so that the
index is as dense as a real one and questions meet many near neighbours (the same item name
recurs with 变更 / 注销 / 延续… variants, as real catalogues have).
"""

from __future__ import annotations

import gc
import re
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import psutil

from assistant.kb import schema
from assistant.kb.snapshot import KbSnapshot
from assistant.nlu.engine import Resources
from assistant.nlu.kbsource import snapshot_of
from assistant.nlu.runtime import NluPipeline, build_pipeline, release_free_memory

VARIANTS = ("", "变更", "注销", "延续", "补办", "换发", "新办", "迁入", "迁出", "备案")
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_SUFFIXES = ("审批", "许可", "核准", "备案", "登记", "办理", "确认", "申请", "认定", "核发")


@dataclass
class Figures:
    label: str
    guides: int
    build_seconds: float
    build_cpu_seconds: float
    p50_ms: float
    p99_ms: float
    cpu_p50_ms: float
    cpu_p99_ms: float
    rss_mb: float
    pipeline_mb: float  # resident growth from just before the build to after the questions

    def line(self) -> str:
        return (
            f"{self.label:<16} guides={self.guides:<5} build={self.build_seconds:5.2f} s "
            f"(cpu {self.build_cpu_seconds:5.2f} s)  "
            f"p50={self.p50_ms:6.2f} ms  p99={self.p99_ms:6.2f} ms  "
            f"(cpu p50={self.cpu_p50_ms:5.2f} p99={self.cpu_p99_ms:5.2f})  "
            f"rss={self.rss_mb:6.1f} MB (pipeline +{self.pipeline_mb:5.1f} MB)"
        )


def machine_note() -> str:
    """How fast this machine runs plain Python now (a shared or throttled core is slower), and
    whether imports were compiled from source (no byte-code cache: more resident memory)."""
    started = time.process_time()
    total = 0
    for i in range(2_000_000):
        total += i * i % 7
    loop = time.process_time() - started
    note = f"calibration: a 2M-step Python loop took {loop:.2f} s of CPU"
    note += " (an unloaded modern core: ~0.15 s)"
    if sys.dont_write_bytecode:
        note += (
            "\nnote: byte-code caching is off (PYTHONDONTWRITEBYTECODE; no cache is written even"
            " to a PYTHONPYCACHEPREFIX while it is set): resident memory includes compiling"
            " imports from source"
        )
    return note


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 1e6


def read_item_names(path: Path) -> list[tuple[str, str]]:
    """``(department, name)`` pairs of a tab-separated file (``#`` lines are comments)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        dept, _, name = line.partition("\t")
        if name.strip():
            out.append((dept.strip() or "区政务服务中心", name.strip()))
    return out


def short_name(name: str) -> str:
    core = _BRACKETS.sub("", name)
    for suffix in _SUFFIXES:
        if core.endswith(suffix) and len(core) > len(suffix) + 2:
            return core[: -len(suffix)]
    return core


def synthetic_guide(i: int, dept: str, base: str, variant: str) -> schema.Guide:
    name = (f"{base}（{variant}）" if variant else base)[:80]
    short = short_name(base)[:30]
    what = f"{short}{variant}" if variant else short
    data = {
        "name": name[:80],
        "slug": f"synthetic-{i}",
        "code": f"SYN{i:010d}",
        "item_type": schema.ItemType.permit,
        "department": dept[:80],
        "service_object": [schema.ServiceObject.person],
        "service_group": "general",
        "levels": [schema.HallLevel.district],
        "summary": f"{dept}依申请办理{name}。申请人提交材料，窗口审核后办结。",
        "legal_basis": ["《政务服务事项管理办法》"],
        "acceptance_conditions": [f"符合{short}的办理条件。"],
        "situations": [
            schema.Situation(
                key="first",
                name=f"首次办理{what}",
                cues=["第一次", "首次", f"新办{short}"],
                materials=["id", "form"],
                default=True,
            ),
            schema.Situation(
                key="again",
                name=f"再次办理{what}",
                cues=["再次", "重新办", f"{short}过期"],
                materials=["id", "form", "proof"],
            ),
        ],
        "materials": [
            schema.Material(id="id", name="居民身份证"),
            schema.Material(id="form", name=f"{short}申请表", form=schema.MaterialForm.form),
            schema.Material(id="proof", name=f"{short}相关证明材料"),
        ],
        "steps": [schema.Step(name="受理", description="窗口受理申请。")],
        "time_limit": schema.TimeLimit(promised_days=5),
        "fee": schema.Fee(),
        "visits": 1,
        "online": schema.Online(),
        "phone": "0660-12345",
        "aliases": list(dict.fromkeys(a[:80] for a in (f"办理{what}", f"{what}手续") if a != name)),
        "examples": [f"{what}怎么办理", f"{what}需要什么材料", f"在哪里办{what}"],
    }
    return schema.Guide.model_construct(**data)


def scaled_snapshot(
    bundled: KbSnapshot, names: Sequence[tuple[str, str]], total: int
) -> KbSnapshot:
    guides = [g.guide for g in bundled.guides]
    taken = {g.name for g in guides}
    i = 0
    while len(guides) < total and i < len(names) * len(VARIANTS):
        dept, base = names[i % len(names)]
        variant = VARIANTS[i // len(names)]
        i += 1
        guide = synthetic_guide(i, dept, base, variant)
        if guide.name not in taken:
            taken.add(guide.name)
            guides.append(guide)
    return snapshot_of(
        guides,
        [t.theme for t in bundled.themes],
        halls=[h.hall for h in bundled.halls],
        licence_types=bundled.licence_types,
        synonyms=bundled.synonyms,
    )


def measure(
    label: str,
    pipeline: NluPipeline,
    questions: Sequence[str],
    rss_before: float,
    rounds: int = 3,
) -> Figures:
    """Latency of each question; resident memory of the process after the questions, and its
    growth since ``rss_before`` (taken just before the build, garbage collected and free heap
    returned to the OS): the index, its dictionary, what the allocator keeps of the build and
    the caches the questions filled."""
    for q in questions[:20]:  # warm up (first calls fill spaCy's vocabulary)
        pipeline(q)
    wall, cpu = [], []
    for _ in range(rounds):
        for q in questions:
            w0, c0 = time.perf_counter(), time.process_time()
            pipeline(q)
            cpu.append((time.process_time() - c0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)
    n_guides = sum(1 for e in pipeline.engine.index.entries if e.kind == "guide")
    return Figures(
        label,
        n_guides,
        pipeline.build_seconds,
        pipeline.build_cpu_seconds,
        statistics.median(wall),
        float(np.percentile(wall, 99)),
        statistics.median(cpu),
        float(np.percentile(cpu, 99)),
        rss := rss_mb(),
        rss - rss_before,
    )


def settled_rss_mb() -> float:
    """Resident memory once garbage is collected and free heap is handed back to the OS."""
    gc.collect()
    release_free_memory()
    return rss_mb()


def run(
    bundled: KbSnapshot,
    names: Sequence[tuple[str, str]],
    questions: Sequence[str],
    scale: int,
    resources: Resources,
) -> tuple[list[Figures], float]:
    """Figures for the bundled and the scaled KB, and the resident size of the scaled KB's
    snapshot (the benchmark's input, freed after the build)."""
    before = settled_rss_mb()
    small = build_pipeline(bundled, resources)
    figures = [measure("bundled KB", small, questions, before)]
    del small
    empty = settled_rss_mb()
    scaled = scaled_snapshot(bundled, names, scale)
    before = settled_rss_mb()
    big = build_pipeline(scaled, resources)
    del scaled  # the pipeline keeps nothing of the snapshot
    settled_rss_mb()
    scaled_questions = [*questions, *(f"{short_name(n)}怎么办理" for _, n in names[::7])]
    figures.append(measure(f"scaled to {scale}", big, scaled_questions, before))
    return figures, before - empty
