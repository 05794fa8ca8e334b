"""Settings, read once at start-up from the environment and refused with a reason when wrong."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PREFIX = "PRACTICE_BOT_"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class ConfigError(ValueError):
    """A setting has a value the bot cannot run with; the message names the setting and the reason."""


def _default_data_dir(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_DATA_HOME") or str(Path(env.get("HOME", "~")).expanduser() / ".local" / "share")
    return Path(base) / "practice-bot"


def normalise_database_url(url: str) -> str:
    """Accept the URLs people paste and pick the asyncio driver for them."""
    url = url.strip()
    for plain, driver in (
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgresql+psycopg2://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url.removeprefix(plain)
    if url.startswith(("postgresql+asyncpg://", "sqlite+aiosqlite://")):
        return url
    scheme = url.split("://", 1)[0] if "://" in url else url
    raise ConfigError(f"DATABASE_URL: unsupported database {scheme!r}; use sqlite:///PATH or postgresql://...")


def _number(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}: expected a number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name}: must be between {low:g} and {high:g}, got {raw!r}")
    return value


def _timezone(env: Mapping[str, str]) -> str:
    name = env.get(PREFIX + "TIMEZONE") or env.get("TZ") or _system_zone() or "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{PREFIX}TIMEZONE: {name!r} is not an IANA time zone such as Europe/Berlin") from None
    return name


def _system_zone() -> str | None:
    try:
        target = os.readlink("/etc/localtime")
    except OSError:
        return None
    marker = "zoneinfo/"
    return target.split(marker, 1)[1] if marker in target else None


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    data_dir: Path
    extra_question_dirs: tuple[Path, ...] = ()
    tick_seconds: float = 20.0
    grace: timedelta = timedelta(hours=2)
    log_level: str = "INFO"
    console_timezone: str = "UTC"
    console_user: str = "you"
    # The whole environment, for platform adapters to read their own settings from at start-up.
    env: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def is_embedded_database(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        data_dir = Path(env.get(PREFIX + "DATA_DIR") or _default_data_dir(env)).expanduser()
        raw_url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'practice-bot.db'}"
        log_level = (env.get(PREFIX + "LOG_LEVEL") or "INFO").upper()
        if log_level not in LOG_LEVELS:
            raise ConfigError(f"{PREFIX}LOG_LEVEL: expected one of {', '.join(LOG_LEVELS)}, got {log_level!r}")
        extra = env.get(PREFIX + "QUESTIONS_DIR", "")
        return cls(
            database_url=normalise_database_url(raw_url),
            data_dir=data_dir,
            extra_question_dirs=tuple(Path(part).expanduser() for part in extra.split(os.pathsep) if part),
            tick_seconds=_number(env, PREFIX + "TICK_SECONDS", 20.0, 0.05, 3600),
            grace=timedelta(minutes=_number(env, PREFIX + "GRACE_MINUTES", 120, 0, 7 * 24 * 60)),
            log_level=log_level,
            console_timezone=_timezone(env),
            console_user=env.get(PREFIX + "CONSOLE_USER") or env.get("USER") or "you",
            env=dict(env),
        )
