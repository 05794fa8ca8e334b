"""``check()`` refuses missing or malformed Slack settings, naming the variable and the reason."""

from __future__ import annotations

import pytest

from adapters.slack.app import PLATFORM
from adapters.slack.settings import DEFAULT_API_URL, SlackSettings
from bot.config import ConfigError
from bot.platforms import RunOptions, choose, discover
from tests.slack.fake_slack import APP_TOKEN, BOT_TOKEN
from tests.slack.payloads import SIGNING_SECRET

SOCKET = RunOptions(http=False)
HTTP = RunOptions(http=True, port=8080)


def test_socket_mode_needs_the_bot_and_app_tokens() -> None:
    settings = SlackSettings.from_env({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": APP_TOKEN}, http=False)
    assert (settings.http, settings.bot_token, settings.app_token, settings.api_url) == (
        False,
        BOT_TOKEN,
        APP_TOKEN,
        DEFAULT_API_URL,
    )
    assert BOT_TOKEN not in repr(settings)
    assert APP_TOKEN not in repr(settings)


def test_http_mode_with_one_workspace_or_the_oauth_install_flow() -> None:
    one = SlackSettings.from_env(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": "http://127.0.0.1:9/api",
        },
        http=True,
    )
    assert (one.multi_workspace, one.api_url) == (False, "http://127.0.0.1:9/api/")
    many = SlackSettings.from_env(
        {
            "SLACK_CLIENT_ID": "1234.5678",
            "SLACK_CLIENT_SECRET": "abcdef0123456789abcd",
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        },
        http=True,
    )
    assert many.multi_workspace
    assert many.oauth is not None
    assert "abcdef0123456789abcd" not in repr(many.oauth)
    assert SIGNING_SECRET not in repr(many)


@pytest.mark.parametrize(
    ("env", "options", "variable", "reason"),
    [
        ({"SLACK_BOT_TOKEN": BOT_TOKEN}, SOCKET, "SLACK_APP_TOKEN", "Socket Mode needs an app-level token"),
        ({"SLACK_APP_TOKEN": APP_TOKEN}, SOCKET, "SLACK_BOT_TOKEN", "needs the bot token"),
        ({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": "xoxb-wrong-kind"}, SOCKET, "SLACK_APP_TOKEN", "xapp-"),
        ({"SLACK_BOT_TOKEN": "xoxp-a-user-token", "SLACK_APP_TOKEN": APP_TOKEN}, SOCKET, "SLACK_BOT_TOKEN", "xoxb-"),
        (
            {
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_APP_TOKEN": APP_TOKEN,
                "SLACK_CLIENT_ID": "1.2",
                "SLACK_CLIENT_SECRET": "s" * 20,
            },
            SOCKET,
            "SLACK_CLIENT_ID",
            "needs HTTP mode",
        ),
        ({"SLACK_BOT_TOKEN": BOT_TOKEN}, HTTP, "SLACK_SIGNING_SECRET", "verifies every request"),
        (
            {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": "not a secret!"},
            HTTP,
            "SLACK_SIGNING_SECRET",
            "signing secret",
        ),
        ({"SLACK_SIGNING_SECRET": SIGNING_SECRET}, HTTP, "SLACK_BOT_TOKEN", "or SLACK_CLIENT_ID"),
        (
            {"SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_CLIENT_ID": "1234.5678"},
            HTTP,
            "SLACK_CLIENT_SECRET",
            "needs the secret",
        ),
        (
            {"SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_CLIENT_ID": "app", "SLACK_CLIENT_SECRET": "s" * 20},
            HTTP,
            "SLACK_CLIENT_ID",
            "digits.digits",
        ),
        (
            {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": "slack.com/api"},
            HTTP,
            "SLACK_API_URL",
            "http(s) base URL",
        ),
    ],
)
def test_missing_and_malformed_settings_are_refused_by_name(
    env: dict[str, str], options: RunOptions, variable: str, reason: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        PLATFORM.check(env, options)
    message = str(refused.value)
    assert message.startswith(f"{variable}: ")
    assert reason in message
    for secret in (BOT_TOKEN, APP_TOKEN, SIGNING_SECRET):
        assert secret not in message


def test_slack_is_discovered_and_chosen_from_its_credentials() -> None:
    plugins = discover()
    assert plugins["slack"] is PLATFORM
    assert choose(plugins, None, {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": APP_TOKEN}) is PLATFORM
    assert not PLATFORM.configured({})
    assert PLATFORM.interactive is False
