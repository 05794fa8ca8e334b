"""A separate scheduler process for the exactly-once test: ticks against a shared database, reports posts.

Usage: python -m tests.support.tick_worker DATABASE_URL INSTANT GO_FILE TICKS
Waits until GO_FILE exists (so two workers start together), ticks TICKS times at INSTANT, and prints
{"posted": [post ids...]} as JSON.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from datetime import datetime
from pathlib import Path

from bot.clock import ManualClock
from bot.effects import PostQuestion
from bot.engine import Deps, Dispatcher, Engine
from bot.questions.loader import load_packs, pack_files
from bot.refs import Platform
from bot.store.database import create_engine
from bot.store.sql import SqlStore
from tests.support.outbox import RecordingOutbox

PACKS = Path(__file__).resolve().parents[1] / "fixtures" / "packs"


async def main(url: str, instant: str, go_file: str, ticks: int) -> None:
    store = SqlStore(create_engine(url, pool_size=4))
    outbox = RecordingOutbox()
    engine = Engine(
        Deps(store=store, catalog=load_packs(pack_files([PACKS])), clock=ManualClock(datetime.fromisoformat(instant)))
    )
    dispatcher = Dispatcher(engine, outbox)
    while not Path(go_file).exists():
        time.sleep(0.005)
    for _ in range(ticks):
        await dispatcher.tick(Platform.SLACK)
    await store.close()
    print(json.dumps({"posted": [effect.post_id for effect in outbox.of(PostQuestion)]}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
