"""Start-up: configuration checks, where the gateway is found, intents, and pacing of session starts."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import discord.http
import pytest

from adapters.discord.app import PLATFORM, DiscordService, supervise
from adapters.discord.identify import IdentifyPolicy, ledger_path
from adapters.discord.settings import DiscordSettings
from bot.config import ConfigError
from bot.platforms import RunOptions
from bot.runtime import BotApp
from tests.discord.conftest import Server, start_bot, stop_bot
from tests.discord.fake import FakeDiscord

VALID = "MTAxNTQzODk0NjM1MTY4Nzc0NA.GxYzAb.fAkE-tOkEn-FoR-tEsTs-OnLy-0123456789"


@pytest.mark.parametrize(
    ("env", "named", "reason"),
    [
        ({}, "DISCORD_TOKEN", "not set"),
        ({"DISCORD_TOKEN": "   "}, "DISCORD_TOKEN", "not set"),
        ({"DISCORD_TOKEN": "Bot " + VALID}, "DISCORD_TOKEN", "without the 'Bot ' prefix"),
        ({"DISCORD_TOKEN": VALID[:20] + " " + VALID[20:]}, "DISCORD_TOKEN", "whitespace"),
        ({"DISCORD_TOKEN": "1234567890123456789"}, "DISCORD_TOKEN", "does not look like a bot token"),
        ({"DISCORD_TOKEN": VALID, "DISCORD_API_URL": "ftp://proxy/api"}, "DISCORD_API_URL", "http(s) URL"),
        ({"DISCORD_TOKEN": VALID, "DISCORD_API_URL": "not a url"}, "DISCORD_API_URL", "http(s) URL"),
        (
            {"DISCORD_TOKEN": VALID, "DISCORD_API_URL": "https://proxy/api/v10?x=1"},
            "DISCORD_API_URL",
            "without a query",
        ),
    ],
)
def test_check_refuses_missing_or_malformed_settings_naming_the_variable(
    env: dict[str, str], named: str, reason: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        PLATFORM.check(env, RunOptions())
    assert str(refused.value).startswith(named + ":")
    assert reason in str(refused.value)
    assert VALID not in str(refused.value), "a token never appears in a message"


def test_check_accepts_a_token_and_normalises_the_base_url() -> None:
    PLATFORM.check({"DISCORD_TOKEN": VALID}, RunOptions())
    settings = DiscordSettings.from_env(
        {"DISCORD_TOKEN": f" {VALID}\n", "DISCORD_API_URL": "http://127.0.0.1:9/api/v10/"}
    )
    assert settings.token == VALID and settings.api_base == "http://127.0.0.1:9/api/v10"
    assert VALID not in repr(settings)
    assert PLATFORM.configured({"DISCORD_TOKEN": VALID}) and not PLATFORM.configured({})
    with pytest.raises(ConfigError, match="--http"):
        PLATFORM.check({"DISCORD_TOKEN": VALID}, RunOptions(http=True))


async def test_the_gateway_comes_from_the_configured_base_with_the_bots_intents(
    fake: FakeDiscord, server: Server, bot_app: BotApp
) -> None:
    bot = await start_bot(fake, bot_app)
    try:
        lookup = next(i for i, call in enumerate(fake.calls) if call.path == "/gateway/bot")
        assert all(call.path != "/gateway" for call in fake.calls[:lookup])
        [dialled] = fake.gateway_urls
        assert dialled.startswith("/gateway?") and "v=10" in dialled and "encoding=json" in dialled
        assert "compress=zlib-stream" in dialled, "discord.py's transport compression is spoken by the fake"
        guilds, guild_messages, reactions, content = 1 << 0, 1 << 9, 1 << 10, 1 << 15
        assert fake.intents == guilds | guild_messages | reactions | content
    finally:
        await stop_bot(bot)
    # The base is per client: discord.py's global default is untouched.
    assert discord.http.Route.BASE == "https://discord.com/api/v10"


async def test_a_disabled_message_content_intent_is_explained(
    fake: FakeDiscord, server: Server, bot_app: BotApp
) -> None:
    fake.message_content_enabled = False
    service = DiscordService(bot_app, DiscordSettings.from_env(bot_app.settings.env))
    with pytest.raises(ConfigError, match="Message Content intent"):
        await asyncio.wait_for(service.serve(), 10)


async def test_a_refused_token_is_a_configuration_error(fake: FakeDiscord, server: Server, bot_app: BotApp) -> None:
    settings = DiscordSettings(token=VALID.replace("fAkE", "bAdD"), api_base=fake.api_base)
    with pytest.raises(ConfigError, match="DISCORD_TOKEN: Discord refused"):
        await asyncio.wait_for(DiscordService(bot_app, settings).serve(), 10)


async def test_quick_restarts_back_off_from_a_ledger_kept_across_processes(
    fake: FakeDiscord, server: Server, bot_app: BotApp
) -> None:
    policy = IdentifyPolicy(free_starts=2, first_delay=0.25, reidentify_jitter=(0.0, 0.0))
    waits = []
    for _ in range(3):  # three "processes" in a row, each with a fresh service reading the ledger
        service = DiscordService(bot_app, DiscordSettings.from_env(bot_app.settings.env), identify_policy=policy)
        task = asyncio.create_task(service.serve())
        await fake.wait_sessions(len(fake.identifies) + 1)
        waits.append(service.gate.last_wait)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert waits[:2] == [0.0, 0.0], "the first starts were not held up"
    assert 0.0 < waits[2] <= 0.25
    _, second, third = fake.identifies
    assert third - second >= 0.25 - 0.01, "the third quick start waited its turn"
    recorded = json.loads(ledger_path(bot_app.settings.data_dir).read_text())["session_starts"]
    assert len(recorded) == 3


async def test_a_nearly_spent_daily_budget_waits_for_its_refill(
    fake: FakeDiscord, server: Server, bot_app: BotApp
) -> None:
    fake.session_starts_left, fake.session_starts_reset_ms = 5, 300
    policy = IdentifyPolicy(reserve=10, reidentify_jitter=(0.0, 0.0))
    service = DiscordService(bot_app, DiscordSettings.from_env(bot_app.settings.env), identify_policy=policy)
    task = asyncio.create_task(service.serve())
    try:
        await fake.wait_sessions(1)
        asked = next(call.at for call in fake.calls if call.path == "/gateway/bot")
        assert fake.identifies[0] - asked >= 0.3 - 0.02
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def test_supervise_restarts_after_a_failure_with_growing_waits_and_stops_on_configuration() -> None:
    waits: list[float] = []
    outcomes: list[BaseException | None] = [RuntimeError("boom"), OSError("reset"), None]

    async def serve() -> None:
        outcome = outcomes.pop(0)
        if outcome is not None:
            raise outcome

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    await supervise(serve, sleep=sleep)
    assert waits == [5.0, 10.0]

    async def misconfigured() -> None:
        raise ConfigError("DISCORD_TOKEN: refused")

    with pytest.raises(ConfigError):
        await supervise(misconfigured, sleep=sleep)


def test_an_unreadable_ledger_is_ignored(tmp_path: Path) -> None:
    from adapters.discord.identify import IdentifyLedger

    path = tmp_path / "ledger.json"
    path.write_text("{not json")
    ledger = IdentifyLedger(path)
    assert ledger.starts == []
    now = datetime(2026, 11, 23, tzinfo=UTC)
    ledger.record(now - timedelta(hours=25))
    ledger.record(now)
    assert IdentifyLedger(path).starts == [now], "starts older than a day are dropped"


def test_debug_logging_of_the_bot_does_not_turn_on_discord_py_payload_logs() -> None:
    import logging

    from adapters.discord.app import keep_library_logs_free_of_payloads

    root = logging.getLogger()
    library = logging.getLogger("discord")
    saved = (root.level, library.level)
    try:
        root.setLevel(logging.DEBUG)
        library.setLevel(logging.NOTSET)
        keep_library_logs_free_of_payloads()
        assert not library.isEnabledFor(logging.DEBUG)
        assert logging.getLogger("discord.http").isEnabledFor(logging.INFO)
    finally:
        root.setLevel(saved[0])
        library.setLevel(saved[1])
