"""Shared helpers for the benchmark harness: timing, percentiles, databases, the results table."""

from __future__ import annotations

import contextlib
import os
import platform
import resource
import shutil
import statistics
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Figure:
    """One measured figure, with the baseline it is compared to when it has one."""

    area: str
    name: str
    value: float
    unit: str
    baseline: float | None = None
    target: str | None = None
    holds: bool | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.value / self.baseline  # type: ignore[operator]


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def rss_mb() -> float:
    """Resident memory of this process now, in MB (Linux /proc)."""
    with contextlib.suppress(OSError), open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
    }


@contextlib.contextmanager
def scratch_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="practice-bot-bench-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


async def migrate(url: str) -> str:
    """Bring the database at ``url`` to the latest revision; returns ``url``."""
    # Imported here: the rubric benchmark shares this module and must not load the store.
    from bot.store.database import create_engine  # noqa: PLC0415
    from bot.store.migrate import upgrade  # noqa: PLC0415

    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    return url


@contextlib.asynccontextmanager
async def migrated_sqlite(name: str) -> AsyncIterator[tuple[str, Path]]:
    """A fresh SQLite database at the latest revision in a scratch directory: (url, directory)."""
    with scratch_dir() as directory:
        yield await migrate(f"sqlite+aiosqlite:///{directory / f'{name}.db'}"), directory


def median(samples: list[float]) -> float:
    return statistics.median(samples) if samples else float("nan")
