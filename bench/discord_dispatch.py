"""Discord processing: gateway dispatches of thread messages, through the real discord.py client, to stored answers.

The baseline is a bare discord.py client with an empty ``on_message`` (it only counts) on the same
fake Discord, sent the same messages in the same run. The adapter's figure covers everything an answer
costs: discord.py parsing the dispatch, translation, the engine (dedupe, scoring, storing) and the
feedback reply, which the fake Discord in this same process serves too.

A third client shows the floor under any bot that keeps answers and replies to them: the bare client
plus one raw single-row insert-and-commit (the ingest baseline) and one reply per message. It scores
nothing and checks nothing, so no real bot can be cheaper than it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import discord

from adapters.discord.app import DiscordService
from adapters.discord.client import intents
from adapters.discord.http import ConfiguredHTTPClient
from adapters.discord.identify import IdentifyPolicy
from adapters.discord.settings import DiscordSettings
from bench.common import Figure, migrated_sqlite
from bench.ingest import ANSWER, Baseline
from bot.clock import ManualClock
from bot.config import Settings
from bot.runtime import build_app
from bot.store.database import create_engine
from tests.discord.fake import MANAGE_GUILD, MEMBER_PERMISSIONS, FakeDiscord

MEMBERS = 40


class BareClient(discord.Client):
    """discord.py as it comes, pointed at the fake; ``on_message`` only counts."""

    def __init__(self, api_base: str, expected: int) -> None:
        self._api_base = api_base  # read by _get_state, which Client.__init__ calls
        super().__init__(intents=intents())
        self.received = 0
        self.expected = expected
        self.all_received = asyncio.Event()

    def _get_state(self, **options: Any) -> Any:
        self.http = ConfiguredHTTPClient(self.loop, api_base=self._api_base)  # only to reach the fake
        return super()._get_state(**options)

    async def on_message(self, message: discord.Message) -> None:
        self.received += 1
        if self.received >= self.expected:
            self.all_received.set()


class FloorClient(BareClient):
    """The bare client plus the least work an answer needs: store one row, send one reply."""

    def __init__(self, api_base: str, expected: int, baseline: Baseline) -> None:
        super().__init__(api_base, expected)
        self.baseline = baseline
        self.one_at_a_time = asyncio.Lock()

    async def on_message(self, message: discord.Message) -> None:
        if message.author == self.user:
            return  # its own replies come back through the gateway too
        async with self.one_at_a_time:  # concurrent SQLite writers would only wait on each other's locks
            await self.baseline.insert_answers(1)
        await message.reply("noted")
        await super().on_message(message)


async def _stop(task: asyncio.Task[Any]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def client_seconds(
    client: BareClient, fake: FakeDiscord, channel_id: int, members: list[Any], count: int
) -> float:
    identified = len(fake.identifies)
    task = asyncio.create_task(client.start(fake.TOKEN))
    try:
        await fake.wait_sessions(identified + 1)
        await fake.sync()
        started = time.perf_counter()
        for number in range(count):
            await fake.member_says(channel_id, members[number % len(members)], ANSWER)
        await asyncio.wait_for(client.all_received.wait(), 120)
        return time.perf_counter() - started
    finally:
        await client.close()
        await _stop(task)


async def floor_seconds(fake: FakeDiscord, url: str, channel_id: int, members: list[Any], count: int) -> float:
    engine = create_engine(url)
    baseline = Baseline(engine)
    await baseline.create()
    try:
        return await client_seconds(FloorClient(fake.api_base, count, baseline), fake, channel_id, members, count)
    finally:
        await baseline.drop()
        await engine.dispose()


async def adapter_seconds(
    fake: FakeDiscord, url: str, directory: Path, admin: Any, channel_id: int, members: list[Any], count: int
) -> float:
    environment = {
        "DATABASE_URL": url,
        "PRACTICE_BOT_DATA_DIR": str(directory),
        "PRACTICE_BOT_TICK_SECONDS": "3600",
        "DISCORD_TOKEN": fake.TOKEN,
        "DISCORD_API_URL": fake.api_base,
    }
    app = await build_app(Settings.from_env(environment), clock=ManualClock(datetime(2026, 11, 23, 8, tzinfo=UTC)))
    service = DiscordService(
        app, DiscordSettings.from_env(environment), identify_policy=IdentifyPolicy(reidentify_jitter=(0.0, 0.0))
    )
    identified = len(fake.identifies)
    task = asyncio.create_task(service.serve())
    try:
        await fake.wait_sessions(identified + 1)
        await fake.slash(admin, channel_id, "practice-admin", "post", permissions=MEMBER_PERMISSIONS | MANAGE_GUILD)
        await fake.sync()
        await service.idle()
        [thread] = fake.threads(channel_id)
        for number in range(5):  # warm up: first answers load the rubric's caches
            await fake.member_says(thread.id, members[number], ANSWER)
        await fake.sync()
        await service.idle()
        started = time.perf_counter()
        for number in range(count):
            await fake.member_says(thread.id, members[number % len(members)], ANSWER)
        await fake.sync()
        await service.idle()
        seconds = time.perf_counter() - started
        replies = [m for m in fake.bot_messages(thread.id) if m.reference]
        assert len(replies) == count + 5, f"expected {count + 5} feedback replies, found {len(replies)}"
        return seconds
    finally:
        await _stop(task)
        await app.close()


async def _run(quick: bool) -> list[Figure]:
    count = 100 if quick else 500
    fake = FakeDiscord()
    await fake.start()
    try:
        guild = fake.add_guild("Bench club")
        channel = fake.add_channel(guild, "practice")
        chatter = fake.add_channel(guild, "chatter")
        admin = fake.add_user("ada")
        members = [fake.add_user(f"member{number}") for number in range(MEMBERS)]
        bare = await client_seconds(BareClient(fake.api_base, count), fake, chatter.id, members, count)
        async with migrated_sqlite("discord") as (url, directory):
            floor = await floor_seconds(fake, url, chatter.id, members, count)
            real = await adapter_seconds(fake, url, directory, admin, channel.id, members, count)
    finally:
        await fake.stop()
    bare_cost, floor_cost, real_cost = (seconds / count * 1000 for seconds in (bare, floor, real))
    return [
        Figure(
            "discord",
            "cost per answer: dispatch to stored answer and feedback",
            real_cost,
            "ms",
            bare_cost,
            target="<= 2x bare client",
            holds=real_cost <= 2 * bare_cost,
            detail={
                "answers": count,
                "answers_per_second": round(count / real, 1),
                "bare_messages_per_second": round(count / bare, 1),
            },
        ),
        Figure(
            "discord",
            "floor per answer: bare client + one insert-and-commit + one reply",
            floor_cost,
            "ms",
            bare_cost,
            detail={"answers": count, "adapter_over_floor": round(real_cost / floor_cost, 2)},
        ),
    ]


def run(*, quick: bool) -> list[Figure]:
    return asyncio.run(_run(quick))


if __name__ == "__main__":
    for figure in run(quick=True):
        print(
            figure.name,
            round(figure.value, 3),
            figure.unit,
            "baseline",
            round(figure.baseline or 0, 3),
            "ratio",
            round(figure.ratio or 0, 2),
            figure.detail,
        )
