"""The Slack adapter's settings, read once at start-up from the environment and refused with a reason.

Two ways to run:

- Socket Mode (the default): ``SLACK_BOT_TOKEN`` and ``SLACK_APP_TOKEN``; no public URL needed.
- HTTP mode (``--http``): ``SLACK_SIGNING_SECRET`` plus either ``SLACK_BOT_TOKEN`` (one workspace) or
  ``SLACK_CLIENT_ID`` and ``SLACK_CLIENT_SECRET`` (the OAuth install flow, any number of workspaces).

``SLACK_API_URL`` replaces the Web API base URL (a proxy, or the fake Slack the tests run).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.config import ConfigError

DEFAULT_API_URL = "https://slack.com/api/"

# What the app asks for when a workspace installs it; the manifests list the same (a test keeps them equal).
BOT_SCOPES = (
    "channels:history",
    "channels:join",
    "chat:write",
    "commands",
    "files:write",
    "groups:history",
    "im:history",
    "im:write",
    "reactions:read",
    "users:read",
)

_BOT_TOKEN = re.compile(r"^xoxb-[A-Za-z0-9-]+$")
_APP_TOKEN = re.compile(r"^xapp-[A-Za-z0-9-]+$")
_SECRET = re.compile(r"^[A-Za-z0-9]{16,128}$")
_CLIENT_ID = re.compile(r"^[0-9]+\.[0-9]+$")


@dataclass(frozen=True, slots=True)
class OAuthSettings:
    client_id: str
    client_secret: str = ""
    redirect_uri: str | None = None

    def __repr__(self) -> str:  # the secret never reaches a log line or a traceback
        return f"OAuthSettings(client_id={self.client_id!r}, redirect_uri={self.redirect_uri!r})"


@dataclass(frozen=True, slots=True)
class SlackSettings:
    http: bool
    api_url: str = DEFAULT_API_URL
    bot_token: str | None = None
    app_token: str | None = None
    signing_secret: str = ""
    oauth: OAuthSettings | None = None

    def __repr__(self) -> str:
        mode = "http" if self.http else "socket"
        workspaces = "oauth" if self.oauth else "single"
        return f"SlackSettings(mode={mode}, workspaces={workspaces}, api_url={self.api_url!r})"

    @property
    def multi_workspace(self) -> bool:
        return self.oauth is not None

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, http: bool) -> SlackSettings:
        """The settings for one run, or ``ConfigError`` naming the first variable that is missing or malformed."""

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        api_url = _api_url(get("SLACK_API_URL"))
        bot_token = get("SLACK_BOT_TOKEN")
        if bot_token is not None and not _BOT_TOKEN.match(bot_token):
            raise ConfigError("SLACK_BOT_TOKEN: expected a bot token starting with xoxb- (OAuth & Permissions page)")
        oauth = _oauth(get("SLACK_CLIENT_ID"), get("SLACK_CLIENT_SECRET"), get("SLACK_REDIRECT_URI"))
        if not http:
            if oauth is not None:
                raise ConfigError(
                    "SLACK_CLIENT_ID: the OAuth install flow serves web pages, so it needs HTTP mode "
                    "(practice-bot run slack --http); unset SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for Socket Mode"
                )
            app_token = get("SLACK_APP_TOKEN")
            if app_token is None:
                raise ConfigError(
                    "SLACK_APP_TOKEN: Socket Mode needs an app-level token (xapp-...) with the "
                    "connections:write scope; or run HTTP mode with --http and SLACK_SIGNING_SECRET"
                )
            if not _APP_TOKEN.match(app_token):
                raise ConfigError("SLACK_APP_TOKEN: expected an app-level token starting with xapp-")
            if bot_token is None:
                raise ConfigError("SLACK_BOT_TOKEN: Socket Mode needs the bot token (xoxb-...) of the installed app")
            return cls(http=False, api_url=api_url, bot_token=bot_token, app_token=app_token)
        secret = get("SLACK_SIGNING_SECRET")
        if secret is None:
            raise ConfigError("SLACK_SIGNING_SECRET: HTTP mode verifies every request with the app's signing secret")
        if not _SECRET.match(secret):
            raise ConfigError("SLACK_SIGNING_SECRET: expected the signing secret from the app's Basic Information page")
        if bot_token is None and oauth is None:
            raise ConfigError(
                "SLACK_BOT_TOKEN: HTTP mode needs a bot token (one workspace) or SLACK_CLIENT_ID and "
                "SLACK_CLIENT_SECRET (the OAuth install flow)"
            )
        if bot_token is not None and oauth is not None:
            raise ConfigError(
                "SLACK_BOT_TOKEN: set either a bot token (one workspace) or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET "
                "(installs through OAuth), not both"
            )
        return cls(http=True, api_url=api_url, bot_token=bot_token, signing_secret=secret, oauth=oauth)


def _api_url(raw: str | None) -> str:
    if raw is None:
        return DEFAULT_API_URL
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(f"SLACK_API_URL: expected an http(s) base URL such as {DEFAULT_API_URL}, got {raw!r}")
    return raw if raw.endswith("/") else raw + "/"


def _oauth(client_id: str | None, client_secret: str | None, redirect_uri: str | None) -> OAuthSettings | None:
    if client_id is None and client_secret is None:
        return None
    if client_id is None:
        raise ConfigError("SLACK_CLIENT_ID: SLACK_CLIENT_SECRET is set, so the OAuth install flow needs the client id")
    if client_secret is None:
        raise ConfigError("SLACK_CLIENT_SECRET: SLACK_CLIENT_ID is set, so the OAuth install flow needs the secret")
    if not _CLIENT_ID.match(client_id):
        raise ConfigError(
            "SLACK_CLIENT_ID: expected the client id from the app's Basic Information page (digits.digits)"
        )
    if not _SECRET.match(client_secret):
        raise ConfigError("SLACK_CLIENT_SECRET: expected the client secret from the app's Basic Information page")
    if redirect_uri is not None:
        parts = urlsplit(redirect_uri)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ConfigError(
                f"SLACK_REDIRECT_URI: expected an https URL ending in /slack/oauth_redirect, got {redirect_uri!r}"
            )
    return OAuthSettings(client_id=client_id, client_secret=client_secret, redirect_uri=redirect_uri)
