"""The benchmark harness: every figure next to a baseline measured in the same run, one table, one JSON.

    python -m bench            # the full run (several minutes)
    python -m bench --quick    # the same areas at a smaller scale, under a minute
    python -m bench --json bench/results/latest.json --only ingest scheduler

Absolute times drift on shared machines, so each area measures its own baseline in the same run and
the targets that matter are ratios against it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import Figure, machine, migrate, migrated_sqlite

AREAS = ("rubric", "ingest", "slack", "discord", "scheduler", "growth")
ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def postgres() -> Iterator[str | None]:
    """An admin URL for a PostgreSQL server: PRACTICE_BOT_BENCH_POSTGRES_URL, or a throwaway local one."""
    given = os.environ.get("PRACTICE_BOT_BENCH_POSTGRES_URL")
    if given:
        yield given
        return
    from tests.support.postgres import start_temporary_postgres  # noqa: PLC0415 - only when PostgreSQL is used

    try:
        server = start_temporary_postgres()
    except (RuntimeError, OSError) as error:
        print(f"  PostgreSQL figures skipped: {error}")
        yield None
        return
    try:
        yield server.url
    finally:
        server.stop()


@contextlib.asynccontextmanager
async def databases(admin_url: str | None, tag: str) -> AsyncIterator[list[tuple[str, str]]]:
    """A fresh, migrated SQLite and (when available) PostgreSQL database: [(name, url)]."""
    async with migrated_sqlite(tag) as (sqlite_url, _):
        urls = [("sqlite", sqlite_url)]
        if admin_url:
            from tests.conftest import create_database  # noqa: PLC0415 - only when PostgreSQL is used

            urls.append(("postgres", await migrate(await create_database(admin_url, f"bench_{tag}_{os.getpid()}"))))
        yield urls


# -- areas -------------------------------------------------------------------------------------------


def bench_rubric(quick: bool) -> list[Figure]:
    with tempfile.TemporaryDirectory() as directory:
        output = Path(directory) / "rubric.json"
        command = [sys.executable, "-m", "bench.rubric", "--json", str(output), *(["--quick"] if quick else [])]
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
        data = json.loads(output.read_text())
    baseline = reference_rate()
    return [
        Figure(
            "rubric",
            "answers/s, 400 words, one core",
            data["answers_per_second"],
            "answers/s",
            baseline,
            target=">= 5,000",
            holds=data["answers_per_second"] >= 5000,
            detail={"baseline": "a fixed pure-Python text workload on the same answers (machine speed)"},
        ),
        Figure("rubric", "p50 latency, 400 words", data["p50_ms"], "ms"),
        Figure("rubric", "p99 latency, 400 words", data["p99_ms"], "ms", target="< 2 ms", holds=data["p99_ms"] < 2),
    ]


def reference_rate() -> float:
    """A fixed text workload as a machine-speed yardstick: lower-case, split, count words, one regex."""
    import re  # noqa: PLC0415

    from bench.ingest import ANSWER  # noqa: PLC0415

    text = " ".join([ANSWER] * 3)
    pattern = re.compile(r"\d[\d,.]*\s?(?:%|ms|hours?|minutes?)")
    runs, started = 0, time.perf_counter()
    while time.perf_counter() - started < 0.5:
        words = text.lower().split()
        sum(len(word) for word in words)
        pattern.findall(text)
        runs += 1
    return runs / (time.perf_counter() - started)


async def bench_ingest(admin_url: str | None, quick: bool) -> list[Figure]:
    from bench.ingest import compare, figures  # noqa: PLC0415
    from bot.questions import load_catalog  # noqa: PLC0415

    catalog = load_catalog()
    per_round, rounds = (40, 3) if quick else (150, 7)
    result: list[Figure] = []
    async with databases(admin_url, "ingest") as urls:
        for name, url in urls:
            measured = await compare(url, catalog, per_round=per_round, rounds=rounds)
            result += figures(name, measured, targets=name == "sqlite")
    return result


async def bench_scheduler(admin_url: str | None, quick: bool) -> list[Figure]:
    from bench.scheduler import populate, tick_once  # noqa: PLC0415
    from bot.questions import load_catalog  # noqa: PLC0415

    catalog = load_catalog()
    channels, due = (20_000, 2_000) if quick else (100_000, 10_000)
    result: list[Figure] = []
    async with databases(admin_url, "scheduler") as urls:
        for name, url in urls:
            await populate(url, catalog, channels=channels, due=due)
            tick = await tick_once(url, catalog, channels=channels, due=due)
            result.append(
                Figure(
                    "scheduler",
                    f"tick: find and claim {due:,} due of {channels:,} ({name})",
                    tick.claim_seconds,
                    "s",
                    target="< 1 s" if name == "sqlite" and not quick else None,
                    holds=tick.claim_seconds < 1 if name == "sqlite" and not quick else None,
                    detail={"whole_tick_seconds": round(tick.seconds, 3), "posted": tick.posted},
                )
            )
            result.append(Figure("scheduler", f"whole tick incl. posting and receipts ({name})", tick.seconds, "s"))
            if name == "sqlite":
                memory = measure_memory(url)
                result.append(
                    Figure(
                        "scheduler",
                        f"resident memory with {channels:,} channels configured",
                        memory["rss_mb"],
                        "MB",
                        target="< 200 MB",
                        holds=memory["rss_mb"] < 200,
                        detail=memory,
                    )
                )
    return result


def measure_memory(url: str) -> dict[str, float]:
    """The bot's own process (packs, store, engine) after a tick over the configured channels."""
    command = [sys.executable, "-m", "bench.memory", url]
    completed = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
    return dict(json.loads(completed.stdout))


async def bench_growth(admin_url: str | None, quick: bool) -> list[Figure]:
    from bench.growth import ingest_growth, tick_growth  # noqa: PLC0415

    result = await ingest_growth(quick=quick)
    result += await tick_growth(quick=quick)
    return result


def bench_platform(module: str, quick: bool) -> list[Figure]:
    """A platform's benchmark, imported only when it runs (it loads that platform's libraries and fakes)."""
    figures: list[Figure] = importlib.import_module(f"bench.{module}").run(quick=quick)
    return figures


# -- output ------------------------------------------------------------------------------------------


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if value < 10 else f"{value:.1f}"


def table(figures: list[Figure]) -> str:
    rows = [("area", "figure", "value", "unit", "baseline", "ratio", "target", "holds")]
    for figure in figures:
        ratio = figure.ratio
        rows.append(
            (
                figure.area,
                figure.name,
                _fmt(figure.value),
                figure.unit,
                _fmt(figure.baseline),
                "" if ratio is None else f"{ratio:.2f}",
                figure.target or "",
                "" if figure.holds is None else ("yes" if figure.holds else "NO"),
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(widths[index]) for index, cell in enumerate(row)) for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def to_json(figures: list[Figure], *, quick: bool, argv: list[str], seconds: float) -> dict[str, Any]:
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python -m bench " + " ".join(argv),
        "quick": quick,
        "seconds": round(seconds, 1),
        "machine": machine(),
        "figures": [
            {
                "area": f.area,
                "name": f.name,
                "value": f.value,
                "unit": f.unit,
                "baseline": f.baseline,
                "ratio": f.ratio,
                "target": f.target,
                "holds": f.holds,
                "detail": f.detail,
            }
            for f in figures
        ],
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller scale, under a minute")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "latest.json", help="where to write")
    parser.add_argument("--only", nargs="+", choices=AREAS, help="run only these areas")
    args = parser.parse_args(argv)
    areas = args.only or list(AREAS)
    started = time.perf_counter()
    figures: list[Figure] = []

    def report(area: str, produce: Callable[[], list[Figure]]) -> None:
        print(f"== {area}", flush=True)
        figures.extend(produce())

    with postgres() as admin_url:
        steps: dict[str, Callable[[], list[Figure]]] = {
            "rubric": lambda: bench_rubric(args.quick),
            "ingest": lambda: asyncio.run(bench_ingest(admin_url, args.quick)),
            "slack": lambda: bench_platform("slack_ack", args.quick),
            "discord": lambda: bench_platform("discord_dispatch", args.quick),
            "scheduler": lambda: asyncio.run(bench_scheduler(admin_url, args.quick)),
            "growth": lambda: asyncio.run(bench_growth(admin_url, args.quick)),
        }
        for area in areas:
            report(area, steps[area])
    seconds = time.perf_counter() - started
    print()
    print(table(figures))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(to_json(figures, quick=args.quick, argv=argv, seconds=seconds), indent=2) + "\n")
    print(f"\n{len(figures)} figures in {seconds:.0f} s; written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
