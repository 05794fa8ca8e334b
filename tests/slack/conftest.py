"""The Slack adapter under test: real slack-bolt and slack-sdk, a real store, only Slack itself faked.

``slack_bot`` serves the adapter's HTTP mode on a free loopback port (as ``practice-bot run slack
--http`` does) against the fake Web API at ``SLACK_API_URL``; tests send it signed requests and
watch what reaches the fake. The engine's clock is a ``ManualClock``: tests travel in time and run the
scheduler's tick themselves instead of sleeping.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from adapters.slack.app import SlackService
from adapters.slack.settings import SlackSettings
from bot.clock import ManualClock
from bot.config import Settings
from bot.runtime import BotApp, build_app
from tests.slack import payloads
from tests.slack.fake_slack import BOT_TOKEN, TEAM_ID, FakeSlack

CHANNEL = "C0PREP"
ADMIN, PRIYA, MARCO, LENA = "U0ADMIN", "U0PRIYA", "U0MARCO", "U0LENA"


@pytest_asyncio.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    fake.add_user(ADMIN, "Ana", admin=True)
    fake.add_user(PRIYA, "Priya")
    fake.add_user(MARCO, "Marco")
    fake.add_user(LENA, "Lena")
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "slack.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@dataclass
class Delivery:
    status: int
    body: str
    acked_at: float


@dataclass
class SlackBot:
    """A running adapter and a way to talk to it as Slack does."""

    service: SlackService
    app: BotApp
    fake: FakeSlack
    clock: ManualClock
    url: str
    session: aiohttp.ClientSession
    response_urls: dict[str, str] = field(default_factory=dict)

    async def post(self, body: str, *, content_type: str, headers: dict[str, str] | None = None) -> Delivery:
        signed = {"Content-Type": content_type, **payloads.sign(body), **(headers or {})}
        async with self.session.post(self.url, data=body.encode(), headers=signed) as response:
            text = await response.text()
            return Delivery(response.status, text, time.monotonic())

    async def send_event(self, envelope: dict[str, Any], *, retry_num: int | None = None) -> Delivery:
        headers = (
            {} if retry_num is None else {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        )
        return await self.post(json.dumps(envelope), content_type="application/json", headers=headers)

    async def event(self, event: dict[str, Any], **kwargs: Any) -> Delivery:
        delivery = await self.send_event(payloads.envelope(event, **kwargs))
        await self.settle()
        return delivery

    async def command(
        self, name: str, text: str, *, user: str, channel: str = CHANNEL, team: str = TEAM_ID
    ) -> Delivery:
        url = self.fake.response_url()
        fields = payloads.command(name, text, user=user, channel=channel, response_url=url, team=team)
        delivery = await self.post(payloads.form_body(fields), content_type="application/x-www-form-urlencoded")
        self.response_urls[fields["trigger_id"]] = url
        await self.settle()
        return delivery

    async def settle(self) -> None:
        """Wait until every request's deferred work (scoring, storing, posting) is done."""
        await self.service.work.idle()

    async def tick(self) -> int:
        return await self.service.tick()


BotFactory = Callable[..., Awaitable[SlackBot]]


@pytest_asyncio.fixture
async def make_slack_bot(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[BotFactory]:
    started: list[SlackBot] = []

    async def make(
        database_url: str,
        *,
        pace_seconds: float = 0.0,
        env: dict[str, str] | None = None,
        clock: ManualClock | None = None,
    ) -> SlackBot:
        environment = {
            "DATABASE_URL": database_url,
            "PRACTICE_BOT_DATA_DIR": str(tmp_path / "data"),
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": payloads.SIGNING_SECRET,
            "SLACK_API_URL": fake_slack.api_url,
            **(env or {}),
        }
        environment = {key: value for key, value in environment.items() if value}
        # A Monday morning, 07:00 UTC.
        clock = clock or ManualClock(datetime(2026, 11, 23, 7, 0, tzinfo=UTC))
        app = await build_app(Settings.from_env(environment), clock=clock)
        settings = SlackSettings.from_env(environment, http=True)
        service = await SlackService.create(app, settings, pace_seconds=pace_seconds)
        port = await service.start_http("127.0.0.1", 0)
        bot = SlackBot(
            service, app, fake_slack, clock, f"http://127.0.0.1:{port}/slack/events", aiohttp.ClientSession()
        )
        started.append(bot)
        return bot

    yield make
    for bot in started:
        await bot.session.close()
        await bot.service.close()
        await bot.app.close()


@pytest_asyncio.fixture
async def slack_bot(make_slack_bot: BotFactory, sqlite_url: str) -> SlackBot:
    return await make_slack_bot(sqlite_url)
