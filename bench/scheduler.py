"""The scheduler tick at scale: many configured channels, some of them due, one tick claims them all.

Setup writes the channels straight into the database (that is not what is measured). The tick is
the production path: find every due channel, choose each one's question, claim the posts through the
unique constraint, deliver them through a stubbed platform edge, and record the receipts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select

from bench.ingest import StubOutbox
from bot.clock import ManualClock
from bot.engine import Deps, Dispatcher, Engine, EngineConfig
from bot.questions import Catalog
from bot.refs import Platform
from bot.store.database import create_engine
from bot.store.models import Channel, Post, Workspace
from bot.store.sql import SqlStore

NOW = datetime(2026, 11, 23, 9, 0, 30, tzinfo=UTC)
CHANNELS_PER_WORKSPACE = 100
ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Europe/Stockholm")


@dataclass
class TickResult:
    posted: int
    claim_seconds: float  # find every due channel and claim its post
    seconds: float  # the whole tick: claim, post through the stubbed edge, record the receipts


async def populate(url: str, catalog: Catalog, *, channels: int, due: int) -> None:
    """``channels`` channels across workspaces of 100; the first ``due`` are due now, the rest later."""
    engine = create_engine(url)
    packs = list(catalog.packs)
    try:
        async with engine.begin() as connection:
            workspaces = (channels + CHANNELS_PER_WORKSPACE - 1) // CHANNELS_PER_WORKSPACE
            await connection.execute(
                insert(Workspace),
                [{"platform": "slack", "external_id": f"T{n:06d}", "created_at": NOW} for n in range(workspaces)],
            )
            keys = dict((await connection.execute(select(Workspace.external_id, Workspace.id))).tuples().all())
            batch: list[dict[str, object]] = []
            for number in range(channels):
                zone = ZONES[number % len(ZONES)]
                batch.append(
                    {
                        "workspace_id": keys[f"T{number // CHANNELS_PER_WORKSPACE:06d}"],
                        "platform": "slack",
                        "external_id": f"C{number:07d}",
                        "timezone": zone,
                        "schedule": "0 9 * * *" if number < due else "0 10 * * *",
                        "packs": packs,
                        "answer_window_minutes": 1440,
                        "vote_emojis": ["+1", "fire"],
                        "feedback_visibility": "thread",
                        "enabled": True,
                        # Due ones are due a few seconds ago; the others later today or tomorrow.
                        "next_due_at": NOW - timedelta(seconds=5 + number % 20)
                        if number < due
                        else NOW + timedelta(hours=1 + number % 20),
                        "created_at": NOW,
                        "updated_at": NOW,
                    }
                )
                if len(batch) == 5_000:
                    await connection.execute(insert(Channel), batch)
                    batch = []
            if batch:
                await connection.execute(insert(Channel), batch)
    finally:
        await engine.dispose()


async def tick_once(url: str, catalog: Catalog, *, channels: int, due: int) -> TickResult:
    store = SqlStore(create_engine(url))
    try:
        clock = ManualClock(NOW)
        engine = Engine(Deps(store=store, catalog=catalog, clock=clock, config=EngineConfig(tick_batch=max(due, 1))))
        dispatcher = Dispatcher(engine, StubOutbox())
        started = time.perf_counter()
        claimed = await engine.claim_due_posts(Platform.SLACK)
        claim_seconds = time.perf_counter() - started
        await dispatcher._post_all(claimed)
        handled = len(claimed) + await dispatcher.tick(Platform.SLACK)
        seconds = time.perf_counter() - started
        async with store.engine.connect() as connection:
            posted = int((await connection.execute(select(func.count()).select_from(Post))).scalar_one())
        assert handled == posted == due, (handled, posted, due)
        return TickResult(posted, claim_seconds, seconds)
    finally:
        await store.close()
