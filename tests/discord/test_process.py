"""`practice-bot run discord` as a real process, pointed at the fake Discord, serving the whole loop.

The process runs on the real clock; the one thing the test moves in time is the question's closing
instant, which it sets in the past in the bot's own database so the process's tick wraps it up.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import pytest_asyncio

from tests.discord.conftest import Server, environment
from tests.discord.fake import MANAGE_GUILD, MEMBER_PERMISSIONS, FakeDiscord, Message

ROOT = Path(__file__).resolve().parents[2]
ALICE_ANSWER = (
    "Delivered means the merchant answered 2xx within 10 seconds. Retries back off exponentially with jitter "
    "for 3 days; if an endpoint fails over 50% for 30 minutes we pause it and email the merchant, because "
    "hammering a down server costs them more than a delayed event costs us."
)
BOB_ANSWER = "Retry with backoff, sign every event, and let merchants replay from the dashboard with idempotency keys."


def _practice_bot() -> str:
    script = Path(sys.executable).with_name("practice-bot")
    assert script.exists(), "the package's console script is installed in the virtual environment"
    return str(script)


@pytest_asyncio.fixture
async def process(fake: FakeDiscord, server: Server, tmp_path: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    env = {**os.environ, **environment(fake, tmp_path), "PRACTICE_BOT_TICK_SECONDS": "0.2"}
    env.pop("SLACK_BOT_TOKEN", None)
    log = (tmp_path / "process.log").open("wb")
    child = await asyncio.create_subprocess_exec(
        _practice_bot(), "run", "discord", cwd=str(ROOT), env=env, stdout=log, stderr=log
    )
    try:
        yield child
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()
        log.close()


async def eventually(check: Callable[[], object], timeout: float = 15.0) -> None:
    """For state in another process's database: there is no event to await, so look again shortly."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


def _query(database: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(database, timeout=10) as connection:
        return connection.execute(sql).fetchall()


def _text(message: Message) -> str:
    return message.content + "".join(e.get("title", "") + e.get("description", "") for e in message.embeds)


@pytest.mark.slow
async def test_practice_bot_run_discord_serves_the_loop_end_to_end(
    fake: FakeDiscord, server: Server, tmp_path: Path, process: asyncio.subprocess.Process
) -> None:
    database = tmp_path / "bot.db"
    await fake.wait_sessions(1, timeout=30)
    await fake.wait_for(lambda: len(fake.commands) == 3)

    admin = MEMBER_PERMISSIONS | MANAGE_GUILD
    await fake.slash(server.admin, server.channel.id, "practice-admin", "post", permissions=admin)
    [thread] = await fake.wait_for(lambda: fake.threads(server.channel.id))

    alice = await fake.member_says(thread.id, server.alice, ALICE_ANSWER)
    bob = await fake.member_says(thread.id, server.bob, BOB_ANSWER)
    await fake.wait_for(lambda: len([m for m in fake.bot_messages(thread.id) if m.reference]) == 2)
    replied = {m.reference["message_id"] for m in fake.bot_messages(thread.id) if m.reference}
    assert replied == {str(alice.id), str(bob.id)}

    await fake.react(thread.id, alice.id, server.carol, "👍")
    await fake.react(thread.id, alice.id, server.bob, "🔥")
    await eventually(lambda: _query(database, "SELECT count(*) FROM votes") == [(2,)])

    # Time travel for the closing instant only: the process's tick then closes the question.
    _query(database, "UPDATE posts SET closes_at = '2000-01-01 00:00:00.000000' WHERE status = 'posted'")
    wrap_up = await fake.wait_for(
        lambda: next(
            (
                m
                for m in fake.bot_messages(thread.id)
                if m.embeds and m.embeds[0].get("title", "").startswith("Wrap-up")
            ),
            None,
        )
    )
    assert f"<@{server.alice.id}> with 2 votes" in _text(wrap_up)

    board = await fake.slash(server.carol, server.channel.id, "practice", "leaderboard")
    original = await fake.wait_for(lambda: board.original if board.original and board.original.embeds else None)
    assert original.flags & 64 and f"<@{server.alice.id}>" in _text(original)
    assert all(not message.pinged for message in fake.all_bot_messages())

    process.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(process.wait(), 20) == 0
    output = (tmp_path / "process.log").read_text()
    assert "running on discord" in output
    assert fake.TOKEN not in output, "the token never reaches the log"
