"""``practice-bot run slack --http --port N``, the real process, serving the whole loop against the fake Slack.

The process gets only what a deployment gets: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL and
DATABASE_URL. It runs on the system clock, so the test moves time the only way another process allows:
it moves the channel's next due instant and the question's close instant into the past in the shared
database, and the scheduler's tick (every 0.2 s here) does the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import socket
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
from sqlalchemy import func, select, update

from bot.store.database import create_engine
from bot.store.models import Channel, Post, Vote
from tests.slack import payloads
from tests.slack.conftest import ADMIN, CHANNEL, LENA, MARCO, PRIYA
from tests.slack.fake_slack import BOT_TOKEN, FakeSlack
from tests.slack.helpers import MARCO_ANSWER, PRIYA_ANSWER, message_text, only_question, replies_to_commands

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class BotProcess:
    """The running bot; its log (stderr) is read continuously, so a chatty log can never block it."""

    def __init__(self, process: asyncio.subprocess.Process, url: str) -> None:
        self.process = process
        self.url = url
        self.log: list[str] = []
        self._new_line = asyncio.Event()
        self._reader = asyncio.create_task(self._read_log())

    async def _read_log(self) -> None:
        assert self.process.stderr is not None
        async for line in self.process.stderr:
            self.log.append(line.decode())
            self._new_line.set()
        self._new_line.set()

    async def wait_for_log(self, text: str, timeout: float = 30.0) -> None:
        async with asyncio.timeout(timeout):
            while not any(text in line for line in self.log):
                if self._reader.done():
                    raise AssertionError("the bot exited early:\n" + "".join(self.log))
                self._new_line.clear()
                await self._new_line.wait()

    async def stop(self) -> int:
        """SIGTERM, as a service manager stops it; returns the exit status once its log is read to the end."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            status = await asyncio.wait_for(self.process.wait(), 15)
        except TimeoutError:
            self.process.kill()
            status = await self.process.wait()
        await self._reader
        return status


@pytest_asyncio.fixture
async def bot_process(fake_slack: FakeSlack, sqlite_url: str, tmp_path: Path) -> AsyncIterator[BotProcess]:
    port = _free_port()
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "DISCORD_", "PRACTICE_BOT_"))
    }
    env |= {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": payloads.SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.api_url,
        "DATABASE_URL": sqlite_url,
        "PRACTICE_BOT_DATA_DIR": str(tmp_path / "data"),
        "PRACTICE_BOT_TICK_SECONDS": "0.2",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", "slack", "--http", "--host", "127.0.0.1", "--port", str(port),
        cwd=ROOT, env=env, stderr=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    bot = BotProcess(process, f"http://127.0.0.1:{port}/slack/events")
    try:
        await bot.wait_for_log("serving Slack requests")
        yield bot
    finally:
        await bot.stop()


async def _send(session: aiohttp.ClientSession, url: str, body: str, content_type: str) -> int:
    headers = {"Content-Type": content_type, **payloads.sign(body)}
    async with session.post(url, data=body.encode(), headers=headers) as response:
        return response.status


@pytest.mark.slow
async def test_practice_bot_run_slack_http_serves_the_loop(
    bot_process: BotProcess, fake_slack: FakeSlack, sqlite_url: str
) -> None:
    fake = fake_slack
    database = create_engine(sqlite_url)
    session = aiohttp.ClientSession()

    async def command(text: str, user: str) -> None:
        fields = payloads.command("/practice", text, user=user, channel=CHANNEL, response_url=fake.response_url())
        replies = len(fake.calls_to("response_url"))
        assert (
            await _send(session, bot_process.url, payloads.form_body(fields), "application/x-www-form-urlencoded")
            == 200
        )
        await fake.wait_for(lambda: len(fake.calls_to("response_url")) > replies)

    async def event(event: dict[str, object]) -> None:
        body = json.dumps(payloads.envelope(event))
        assert await _send(session, bot_process.url, body, "application/json") == 200

    async def until(query_result: object, expected: object) -> None:
        async with asyncio.timeout(10):
            while True:
                async with database.connect() as connection:
                    if (await connection.execute(query_result)).scalar_one() == expected:  # type: ignore[arg-type]
                        return
                await asyncio.sleep(0.05)

    try:
        await command("setup time=09:00 tz=UTC days=daily", ADMIN)
        assert "Set-up saved" in replies_to_commands(fake)[-1]

        # The question falls due: the process's own tick posts it.
        async with database.begin() as connection:
            await connection.execute(update(Channel).values(next_due_at=datetime.now(UTC) - timedelta(minutes=1)))
        await fake.wait_for(lambda: len(fake.calls_to("chat.postMessage")) == 1)
        question = only_question(fake, CHANNEL)

        answers = (("1700004000.000100", PRIYA, PRIYA_ANSWER), ("1700004001.000100", MARCO, MARCO_ANSWER))
        for ts, user, text in answers:
            await event(payloads.message(channel=CHANNEL, user=user, text=text, ts=ts, thread_ts=question.ts))
        await fake.wait_for(lambda: len(fake.thread(CHANNEL, question.ts)) == 2)
        assert "Feedback on your answer" in message_text(fake.thread(CHANNEL, question.ts)[0])

        for voter, ts, author in (
            (MARCO, answers[0][0], PRIYA),
            (LENA, answers[0][0], PRIYA),
            (PRIYA, answers[1][0], MARCO),
        ):
            await event(payloads.reaction(added=True, user=voter, name="+1", channel=CHANNEL, ts=ts, item_user=author))
        await until(select(func.count()).select_from(Vote), 3)

        # The answer window ends: the tick posts the wrap-up in the thread.
        async with database.begin() as connection:
            await connection.execute(update(Post).values(closes_at=datetime.now(UTC) - timedelta(seconds=1)))
        await fake.wait_for(lambda: len(fake.thread(CHANNEL, question.ts)) == 3)
        wrap_up = message_text(fake.thread(CHANNEL, question.ts)[-1])
        assert "Community pick" in wrap_up
        assert "@Priya with 2 votes" in wrap_up

        await command("leaderboard", LENA)
        board = replies_to_commands(fake)[-1]
        assert re.search(r"@Priya — \d+ points, 1 answered, 2 votes", board)
        assert re.search(r"@Marco — \d+ points, 1 answered, 1 vote\b", board)
    finally:
        await session.close()
        await database.dispose()

    assert await bot_process.stop() == 0
    log = "".join(bot_process.log)
    assert "running on slack" in log
    for secret in (BOT_TOKEN, payloads.SIGNING_SECRET, PRIYA_ANSWER[:40]):
        assert secret not in log  # no tokens and no members' text
