"""The app manifests create an app with exactly what the adapter needs, in either mode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from adapters.slack.oauth import REDIRECT_PATH
from adapters.slack.server import EVENTS_PATH
from adapters.slack.settings import BOT_SCOPES
from adapters.slack.translate import HANDLED_EVENTS, is_mock_command

MANIFESTS = Path(__file__).resolve().parents[2] / "adapters" / "slack"
SOCKET = MANIFESTS / "manifest.yaml"
HTTP = MANIFESTS / "manifest-http.yaml"
# The message event arrives through one subscription per kind of conversation the bot reads replies in.
MESSAGE_SUBSCRIPTIONS = {"message.channels", "message.groups", "message.im"}


def _load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


def _without_urls(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: _without_urls(item)
            for key, item in value.items()
            if key not in {"url", "request_url", "redirect_urls", "socket_mode_enabled"}
        }
    if isinstance(value, list):
        return [_without_urls(item) for item in value]
    return value


@pytest.mark.parametrize("path", [SOCKET, HTTP], ids=["socket", "http"])
def test_a_manifest_asks_for_the_scopes_events_and_commands_the_adapter_uses(path: Path) -> None:
    manifest = _load(path)
    assert manifest["oauth_config"]["scopes"]["bot"] == sorted(BOT_SCOPES)
    assert "user" not in manifest["oauth_config"]["scopes"]

    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    subscribed = {name.split(".")[0] for name in events}
    assert subscribed == set(HANDLED_EVENTS)  # every handled event, and nothing the adapter would ignore
    assert {name for name in events if name.startswith("message.")} == MESSAGE_SUBSCRIPTIONS

    commands = {command["command"]: command for command in manifest["features"]["slash_commands"]}
    assert set(commands) == {"/practice", "/mock"}
    assert is_mock_command("/mock") and not is_mock_command("/practice")
    assert all(command["description"] and command["usage_hint"] for command in commands.values())
    assert all(command["should_escape"] is False for command in commands.values())

    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True
    assert manifest["features"]["bot_user"]["display_name"]
    assert len(manifest["display_information"]["description"]) <= 140


def test_socket_mode_needs_no_urls_and_http_mode_points_every_request_at_one_path() -> None:
    socket, http = _load(SOCKET), _load(HTTP)
    assert socket["settings"]["socket_mode_enabled"] is True
    assert http["settings"]["socket_mode_enabled"] is False
    assert not any(key in str(socket) for key in ("'url'", "'request_url'", "'redirect_urls'"))

    urls = [command["url"] for command in http["features"]["slash_commands"]]
    urls += [http["settings"]["event_subscriptions"]["request_url"], http["settings"]["interactivity"]["request_url"]]
    assert all(url.startswith("https://") and url.endswith(EVENTS_PATH) for url in urls)
    assert [url.endswith(REDIRECT_PATH) for url in http["oauth_config"]["redirect_urls"]] == [True]

    # Apart from the URLs and the mode, the two manifests are the same app.
    assert _without_urls(socket) == _without_urls(http)
