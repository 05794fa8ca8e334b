"""The Discord adapter's settings, read once from the environment at start-up and refused with a reason."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bot.config import ConfigError

TOKEN = "DISCORD_TOKEN"  # noqa: S105 - the variable's name, not a token
API_URL = "DISCORD_API_URL"

# A bot token is three base64url segments separated by dots (user id, timestamp, HMAC).
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$")


@dataclass(frozen=True, slots=True)
class DiscordSettings:
    token: str = field(repr=False)
    # Replaces https://discord.com/api/v10 for REST and gateway discovery (tests, proxies); ``None`` for Discord.
    api_base: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> DiscordSettings:
        return cls(token=_token(env), api_base=_api_base(env))


def _token(env: Mapping[str, str]) -> str:
    raw = env.get(TOKEN, "")
    token = raw.strip()
    if not token:
        raise ConfigError(
            f"{TOKEN}: not set; copy the bot token from the Discord Developer Portal (your application -> Bot -> Reset Token)"
        )
    if token.lower().startswith("bot "):
        raise ConfigError(f"{TOKEN}: give the token alone, without the 'Bot ' prefix")
    if any(character.isspace() for character in token):
        raise ConfigError(f"{TOKEN}: contains whitespace; paste the token exactly as the Developer Portal shows it")
    if not _TOKEN_SHAPE.match(token):
        raise ConfigError(
            f"{TOKEN}: does not look like a bot token (three dot-separated parts); "
            "an application id or client secret is not the bot token"
        )
    return token


def _api_base(env: Mapping[str, str]) -> str | None:
    raw = (env.get(API_URL) or "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ConfigError(f"{API_URL}: expected an http(s) URL such as https://proxy.example/api/v10, got {raw!r}")
    if parts.query or parts.fragment:
        raise ConfigError(f"{API_URL}: must be a base URL without a query or fragment, got {raw!r}")
    return raw.rstrip("/")
