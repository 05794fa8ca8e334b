"""Fixtures for the Discord adapter: the fake Discord, a server with members, and the bot connected to it."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio

from adapters.discord.app import DiscordService
from adapters.discord.deliver import RetryPolicy
from adapters.discord.identify import IdentifyPolicy
from adapters.discord.settings import DiscordSettings
from bot.clock import ManualClock
from bot.config import Settings
from bot.engine.core import StoredAnswer
from bot.refs import Platform, ThreadRef
from bot.runtime import BotApp, build_app
from tests.discord.fake import MANAGE_GUILD, MEMBER_PERMISSIONS, Channel, FakeDiscord, Guild, Interaction, User

# Quick re-identify after an invalid session (Discord asks for 1-5 s; tests need not wait).
FAST_IDENTIFY = IdentifyPolicy(reidentify_jitter=(0.0, 0.0))


@pytest.fixture(autouse=True)
def no_gateway_left_running() -> Iterator[None]:
    """A test must close every gateway connection it opens: discord.py heartbeats from a thread of its own."""
    yield
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        alive = [thread.name for thread in threading.enumerate() if thread.name.startswith("keep-alive-handler")]
        if not alive:
            return
        time.sleep(0.01)  # a stopped heartbeat thread needs a moment to exit
    pytest.fail(f"a discord.py heartbeat thread outlived its test: {alive}")


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@dataclass
class Server:
    guild: Guild
    channel: Channel
    admin: User
    alice: User
    bob: User
    carol: User


@pytest.fixture
def server(fake: FakeDiscord) -> Server:
    guild = fake.add_guild("Interview club")
    return Server(
        guild=guild,
        channel=fake.add_channel(guild, "practice"),
        admin=fake.add_user("ada"),
        alice=fake.add_user("alice"),
        bob=fake.add_user("bob"),
        carol=fake.add_user("carol"),
    )


def environment(fake: FakeDiscord, data_dir: Path) -> dict[str, str]:
    return {
        "DATABASE_URL": f"sqlite:///{data_dir / 'bot.db'}",
        "PRACTICE_BOT_DATA_DIR": str(data_dir),
        "PRACTICE_BOT_TICK_SECONDS": "3600",
        "DISCORD_TOKEN": fake.TOKEN,
        "DISCORD_API_URL": fake.api_base,
    }


@pytest_asyncio.fixture
async def bot_app(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[BotApp]:
    settings = Settings.from_env(environment(fake, tmp_path))
    app = await build_app(settings, clock=ManualClock(datetime(2026, 11, 23, 8, 0, tzinfo=UTC)))
    try:
        yield app
    finally:
        await app.close()


@dataclass
class Bot:
    """The adapter connected to the fake, with helpers that wait on real signals, never on time."""

    fake: FakeDiscord
    service: DiscordService
    task: asyncio.Task[None]

    @property
    def app(self) -> BotApp:
        return self.service.app

    @property
    def clock(self) -> ManualClock:
        clock = self.app.clock
        assert isinstance(clock, ManualClock)
        return clock

    async def settle(self) -> None:
        """Everything the fake has dispatched so far was read by the client and fully processed."""
        await self.fake.sync()
        await self.service.idle()

    async def command(
        self,
        user: User,
        channel: Channel,
        name: str,
        subcommand: str | None = None,
        *,
        admin: bool = False,
        **options: object,
    ) -> Interaction:
        permissions = MEMBER_PERMISSIONS | (MANAGE_GUILD if admin else 0)
        interaction = await self.fake.slash(user, channel.id, name, subcommand, permissions=permissions, **options)
        await self.settle()
        return interaction

    async def post_question(self, admin: User, channel: Channel) -> Channel:
        """``/practice-admin post``: returns the question's thread."""
        before = {thread.id for thread in self.fake.threads(channel.id)}
        await self.command(admin, channel, "practice-admin", "post", admin=True)
        created = [thread for thread in self.fake.threads(channel.id) if thread.id not in before]
        assert len(created) == 1, "posting did not start exactly one thread"
        return created[0]

    async def tick(self) -> int:
        handled = await self.service.dispatcher.tick(Platform.DISCORD)
        await self.settle()
        return handled

    async def stored_answers(self, thread: Channel) -> list[StoredAnswer]:
        ref = ThreadRef(translate_channel(thread), str(thread.id))
        return await self.app.engine.thread_answers(ref)


def translate_channel(channel: Channel):  # type: ignore[no-untyped-def]
    from adapters.discord.translate import channel_ref

    assert channel.guild_id is not None
    return channel_ref(channel.guild_id, channel.id)


async def start_bot(fake: FakeDiscord, app: BotApp, *, retry: RetryPolicy | None = None) -> Bot:
    service = DiscordService(
        app, DiscordSettings.from_env(app.settings.env), identify_policy=FAST_IDENTIFY, retry=retry
    )
    identified = len(fake.identifies)
    task = asyncio.create_task(service.serve())
    try:
        await fake.wait_sessions(identified + 1)
    except TimeoutError:
        if task.done():
            task.result()  # surface the bot's own error
        raise
    bot = Bot(fake, service, task)
    await bot.settle()
    return bot


async def stop_bot(bot: Bot) -> None:
    bot.task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await bot.task


@pytest_asyncio.fixture
async def bot(fake: FakeDiscord, server: Server, bot_app: BotApp) -> AsyncIterator[Bot]:
    running = await start_bot(fake, bot_app)
    try:
        yield running
    finally:
        await stop_bot(running)
