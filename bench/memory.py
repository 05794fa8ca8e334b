"""Resident memory of the bot with many channels configured, measured in a process of its own.

    python -m bench.memory DATABASE_URL

The database already holds the channels (bench.scheduler.populate). This process makes the daily
ones due again, builds the bot exactly as ``practice-bot run`` does (packs, store, engine), runs one
tick through a stubbed platform edge, and prints its resident and peak memory as JSON.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
from datetime import timedelta

from sqlalchemy import delete, update

from bench.common import rss_mb
from bench.ingest import StubOutbox
from bench.scheduler import NOW
from bot.clock import ManualClock
from bot.config import Settings
from bot.refs import Platform
from bot.runtime import build_app
from bot.store.database import create_engine
from bot.store.models import Channel, Post


async def rearm(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(delete(Post))
            await connection.execute(
                update(Channel).where(Channel.schedule == "0 9 * * *").values(next_due_at=NOW - timedelta(seconds=5))
            )
    finally:
        await engine.dispose()


async def main(url: str) -> None:
    await rearm(url)
    before = rss_mb()
    app = await build_app(Settings.from_env({"DATABASE_URL": url}), clock=ManualClock(NOW))
    try:
        dispatcher = app.dispatcher(StubOutbox())
        handled = await dispatcher.tick(Platform.SLACK)
        print(
            json.dumps(
                {
                    "rss_mb": round(rss_mb(), 1),
                    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                    "rss_before_app_mb": round(before, 1),
                    "tick_handled": handled,
                }
            )
        )
    finally:
        await app.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
