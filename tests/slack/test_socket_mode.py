"""Socket Mode: the same app over Slack's websocket (the fake's), each envelope acknowledged before its work."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from adapters.slack.app import SlackService
from adapters.slack.settings import SlackSettings
from bot.clock import ManualClock
from bot.config import ConfigError, Settings
from bot.runtime import BotApp, build_app
from tests.slack import payloads
from tests.slack.conftest import ADMIN, CHANNEL, PRIYA
from tests.slack.fake_slack import APP_TOKEN, BOT_TOKEN, FakeSlack
from tests.slack.helpers import PRIYA_ANSWER, message_text, only_question, replies_to_commands


@pytest_asyncio.fixture
async def bot_app(sqlite_url: str, tmp_path: Path) -> AsyncIterator[BotApp]:
    settings = Settings.from_env({"DATABASE_URL": sqlite_url, "PRACTICE_BOT_DATA_DIR": str(tmp_path)})
    app = await build_app(settings, clock=ManualClock(datetime(2026, 11, 23, 7, 0, tzinfo=UTC)))
    yield app
    await app.close()


def _settings(fake: FakeSlack, app_token: str = APP_TOKEN) -> SlackSettings:
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": app_token, "SLACK_API_URL": fake.api_url}
    return SlackSettings.from_env(env, http=False)


def _envelope(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "envelope_id": f"env-{payloads.next_id()}",
        "type": kind,
        "payload": payload,
        "accepts_response_payload": kind != "events_api",
        "retry_attempt": 0,
        "retry_reason": "",
    }


async def _acknowledged(fake: FakeSlack, envelope_id: str) -> float:
    def acked() -> bool:
        return any(ack.get("envelope_id") == envelope_id for _, ack in fake.socket_acks)

    await fake.wait_for(acked)
    return next(at for at, ack in fake.socket_acks if ack.get("envelope_id") == envelope_id)


async def test_socket_mode_serves_commands_and_answers(fake_slack: FakeSlack, bot_app: BotApp) -> None:
    fake = fake_slack
    service = await SlackService.create(bot_app, _settings(fake), pace_seconds=0.0)
    try:
        await service.start_socket_mode()
        await fake.wait_for(lambda: fake.socket_connected)
        assert [call.token for call in fake.calls_to("apps.connections.open")] == [APP_TOKEN]

        command = payloads.command("/practice", "post", user=ADMIN, channel=CHANNEL, response_url=fake.response_url())
        envelope = _envelope("slash_commands", command)
        sent = await fake.send_envelope(envelope)
        acked_at = await _acknowledged(fake, envelope["envelope_id"])
        await service.work.idle()
        first_call = next(call for call in fake.calls if call.at >= sent)
        assert acked_at < first_call.at  # users.info (the admin check) only after the ack
        question = only_question(fake, CHANNEL)

        answer = payloads.message(
            channel=CHANNEL, user=PRIYA, text=PRIYA_ANSWER, ts="1700005000.000100", thread_ts=question.ts
        )
        envelope = _envelope("events_api", payloads.envelope(answer))
        sent = await fake.send_envelope(envelope)
        acked_at = await _acknowledged(fake, envelope["envelope_id"])
        await service.work.idle()
        assert acked_at < next(call.at for call in fake.calls if call.at >= sent)
        [feedback] = fake.thread(CHANNEL, question.ts)
        assert "Feedback on your answer" in message_text(feedback)

        help_envelope = _envelope(
            "slash_commands",
            payloads.command("/practice", "help", user=PRIYA, channel=CHANNEL, response_url=fake.response_url()),
        )
        await fake.send_envelope(help_envelope)
        await _acknowledged(fake, help_envelope["envelope_id"])
        await service.work.idle()
        assert "For everyone" in replies_to_commands(fake)[-1]
    finally:
        await service.close()


async def test_a_refused_app_token_stops_the_start_with_its_name(fake_slack: FakeSlack, bot_app: BotApp) -> None:
    service = await SlackService.create(bot_app, _settings(fake_slack, app_token="xapp-1-A0-9-revoked"))
    try:
        with pytest.raises(ConfigError, match=r"^SLACK_APP_TOKEN: Slack refused the app-level token \(invalid_auth\)"):
            await service.start_socket_mode()
    finally:
        await service.close()


async def test_a_refused_bot_token_stops_the_start_with_its_name(fake_slack: FakeSlack, bot_app: BotApp) -> None:
    settings = SlackSettings.from_env(
        {"SLACK_BOT_TOKEN": "xoxb-0-0-revoked", "SLACK_APP_TOKEN": APP_TOKEN, "SLACK_API_URL": fake_slack.api_url},
        http=False,
    )
    started = time.monotonic()
    with pytest.raises(ConfigError, match=r"^SLACK_BOT_TOKEN: Slack refused the token \(invalid_auth\)"):
        await SlackService.create(bot_app, settings)
    assert time.monotonic() - started < 5
