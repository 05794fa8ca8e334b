"""Several schedulers ticking against one database post each due question exactly once."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.channel_settings import default_settings
from bot.clock import ManualClock
from bot.effects import PostQuestion
from bot.engine import Deps, Dispatcher, Engine
from bot.questions import Catalog
from bot.refs import ChannelRef, Platform, WorkspaceRef
from bot.scheduling import parse_days, schedule_at
from bot.store.database import create_engine
from bot.store.models import Post
from bot.store.sql import SqlStore
from tests.support.outbox import RecordingOutbox

ROOT = Path(__file__).resolve().parents[2]
DUE = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
CHANNELS = 60


async def configure_due_channels(store: SqlStore, catalog: Catalog, count: int) -> None:
    settings = replace(default_settings(catalog), schedule=schedule_at("09:00", parse_days("daily")))
    for workspace_number in range(3):
        workspace = WorkspaceRef(Platform.SLACK, f"T{workspace_number}")
        async with store.transaction(workspace) as tx:
            for channel_number in range(count // 3):
                channel = ChannelRef(Platform.SLACK, workspace.workspace_id, f"C{channel_number:04d}")
                await tx.save_channel(channel, settings, DUE, DUE - timedelta(days=1))


async def post_count(store: SqlStore) -> tuple[int, int]:
    async with store.engine.connect() as session:
        total = (await session.execute(select(func.count()).select_from(Post))).scalar_one()
        distinct = (await session.execute(select(func.count(func.distinct(Post.channel_id))))).scalar_one()
    return int(total), int(distinct)


async def test_two_schedulers_in_one_process_post_each_due_question_once(
    store: SqlStore, database_url: str, catalog: Catalog
) -> None:
    await configure_due_channels(store, catalog, CHANNELS)
    clock = ManualClock(DUE + timedelta(seconds=5))
    outboxes = [RecordingOutbox(), RecordingOutbox()]
    second_store = SqlStore(create_engine(database_url))
    try:
        dispatchers = [
            Dispatcher(Engine(Deps(store=each_store, catalog=catalog, clock=clock)), outbox)
            for each_store, outbox in zip((store, second_store), outboxes, strict=True)
        ]
        await asyncio.gather(*(dispatcher.tick(Platform.SLACK) for dispatcher in dispatchers for _ in range(2)))
    finally:
        await second_store.close()
    posted = [effect.post_id for outbox in outboxes for effect in outbox.of(PostQuestion)]
    assert len(posted) == CHANNELS and len(set(posted)) == CHANNELS
    assert await post_count(store) == (CHANNELS, CHANNELS)


@pytest.mark.postgres
@pytest.mark.slow
async def test_two_scheduler_processes_on_postgres_post_each_due_question_once(
    postgres_server: str, postgres_template: str, catalog: Catalog, tmp_path: Path
) -> None:
    from tests.conftest import create_database

    url = await create_database(postgres_server, f"procs_{os.getpid()}", postgres_template)
    store = SqlStore(create_engine(url))
    try:
        await configure_due_channels(store, catalog, CHANNELS)
        go = tmp_path / "go"
        command = [
            sys.executable,
            "-m",
            "tests.support.tick_worker",
            url,
            (DUE + timedelta(seconds=5)).isoformat(),
            str(go),
            "3",
        ]
        workers = [
            subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        await asyncio.sleep(1.0)  # let both import and connect
        go.touch()
        outputs = [worker.communicate(timeout=120) for worker in workers]
        for worker, (_, stderr) in zip(workers, outputs, strict=True):
            assert worker.returncode == 0, stderr
        per_worker = [json.loads(stdout)["posted"] for stdout, _ in outputs]
        posted = [post_id for worker_posts in per_worker for post_id in worker_posts]
        print(f"posts per scheduler process: {[len(worker_posts) for worker_posts in per_worker]}")
        assert len(posted) == CHANNELS and len(set(posted)) == CHANNELS
        assert await post_count(store) == (CHANNELS, CHANNELS)
    finally:
        await store.close()
