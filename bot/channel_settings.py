"""A channel's set-up: when it gets a question, from which packs, how answers are judged and voted.

Changes arrive as ``key=value`` options from ``/practice setup``. They are validated together and
applied all at once: one bad value refuses the whole change and the stored settings stay as they were.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import emoji
from bot.questions import Catalog
from bot.scheduling import ScheduleError, normalise_cron, parse_days, schedule_at

MIN_WINDOW = timedelta(minutes=15)
MAX_WINDOW = timedelta(days=7)
MAX_VOTE_EMOJIS = 5
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(m|min|mins|minutes?|h|hrs?|hours?|d|days?)$")


class FeedbackVisibility(StrEnum):
    THREAD = "thread"
    PRIVATE = "private"


@dataclass(frozen=True, slots=True)
class ChannelSettings:
    schedule: str
    timezone: str
    packs: tuple[str, ...]
    answer_window: timedelta
    vote_emojis: tuple[str, ...]
    feedback: FeedbackVisibility
    enabled: bool = True


def default_settings(catalog: Catalog, timezone: str = "UTC") -> ChannelSettings:
    return ChannelSettings(
        schedule=schedule_at("09:00", parse_days("mon-fri")),
        timezone=timezone,
        packs=tuple(catalog.packs),
        answer_window=timedelta(hours=24),
        vote_emojis=("+1", "fire"),
        feedback=FeedbackVisibility.THREAD,
    )


class SettingsError(ValueError):
    """One or more options were refused; ``reasons`` has one line per refused option."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = tuple(reasons)
        super().__init__("; ".join(reasons))


OPTION_HELP = {
    "time": "time of day in 24-hour HH:MM, e.g. time=09:30",
    "days": "weekdays, e.g. days=mon-fri, days=mon,wed,fri or days=daily",
    "cron": 'a five-field cron expression instead of time and days, e.g. cron="0 9 * * 1-5"',
    "tz": "an IANA time zone, e.g. tz=Europe/Berlin",
    "packs": "question packs, e.g. packs=stripe,klarna",
    "window": "how long answers are open before the wrap-up, e.g. window=24h (15m to 7d)",
    "votes": "emoji that count as votes, e.g. votes=+1,fire (up to 5)",
    "feedback": "where feedback goes: feedback=thread or feedback=private",
    "enabled": "enabled=yes to post on schedule, enabled=no to pause",
}
_ALIASES = {"timezone": "tz", "zone": "tz", "pack": "packs", "emoji": "votes", "vote": "votes", "schedule": "cron"}


def parse_duration(text: str) -> timedelta:
    match = _DURATION.match(text.strip().lower())
    if not match:
        raise ValueError(f"{text!r} is not a duration (use minutes, hours or days such as 90m, 24h, 2d)")
    amount, unit = float(match.group(1)), match.group(2)[0]
    return {"m": timedelta(minutes=amount), "h": timedelta(hours=amount), "d": timedelta(days=amount)}[unit]


def format_duration(value: timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    if minutes % (24 * 60) == 0:
        return f"{minutes // (24 * 60)}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


def _bool(text: str) -> bool:
    value = text.strip().lower()
    if value in {"yes", "y", "on", "true", "1", "enabled"}:
        return True
    if value in {"no", "n", "off", "false", "0", "disabled", "paused"}:
        return False
    raise ValueError(f"{text!r} is not yes or no")


def _zone(value: str) -> dict[str, object]:
    zone = value.strip()
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{zone!r} is not an IANA time zone (e.g. Europe/Berlin, America/New_York)") from None
    return {"timezone": zone}


def _packs(value: str, catalog: Catalog) -> dict[str, object]:
    names = tuple(dict.fromkeys(p.strip().lower() for p in re.split(r"[,\s]+", value) if p.strip()))
    if not names:
        raise ValueError("name at least one pack")
    missing = [name for name in names if catalog.pack(name) is None]
    if missing:
        raise ValueError(f"unknown {', '.join(missing)} (known: {', '.join(catalog.packs)})")
    return {"packs": names}


def _window(value: str) -> dict[str, object]:
    window = parse_duration(value)
    if not MIN_WINDOW <= window <= MAX_WINDOW:
        raise ValueError(f"{value!r} is outside 15m to 7d")
    return {"answer_window": window}


def _votes(value: str) -> dict[str, object]:
    raw = [part for part in re.split(r"[,\s]+", value) if part]
    bad = [part for part in raw if not emoji.is_valid_name(part)]
    if bad or not raw:
        raise ValueError(f"{', '.join(bad) or 'nothing'} is not an emoji name (e.g. +1, fire, star)")
    names = tuple(dict.fromkeys(emoji.canonical(part) for part in raw))
    if len(names) > MAX_VOTE_EMOJIS:
        raise ValueError(f"at most {MAX_VOTE_EMOJIS} emoji")
    return {"vote_emojis": names}


def _feedback(value: str) -> dict[str, object]:
    try:
        return {"feedback": FeedbackVisibility(value.strip().lower())}
    except ValueError:
        raise ValueError(f"{value!r} must be thread or private") from None


def apply_options(current: ChannelSettings, options: Mapping[str, str], catalog: Catalog) -> ChannelSettings:
    """The settings with every option applied, or ``SettingsError`` naming each refused option."""
    given = {_ALIASES.get(key.strip().lower(), key.strip().lower()): value for key, value in options.items()}
    reasons = [
        f"unknown option {key!r} (options: {', '.join(OPTION_HELP)})" for key in sorted(set(given) - set(OPTION_HELP))
    ]
    changes: dict[str, object] = {}
    if "cron" in given and ({"time", "days"} & set(given)):
        reasons.append("give either cron= or time=/days=, not both")
    elif "cron" in given:
        try:
            changes["schedule"] = normalise_cron(given["cron"])
        except ScheduleError as error:
            reasons.append(f"cron: {error}")
    elif {"time", "days"} & set(given):
        reasons.extend(_time_and_days(current, given, changes))
    parsers: dict[str, Callable[[str], dict[str, object]]] = {
        "tz": _zone,
        "packs": lambda value: _packs(value, catalog),
        "window": _window,
        "votes": _votes,
        "feedback": _feedback,
        "enabled": lambda value: {"enabled": _bool(value)},
    }
    for key, parse in parsers.items():
        if key not in given:
            continue
        try:
            changes.update(parse(given[key]))
        except ValueError as error:
            reasons.append(f"{key}: {error}")
    if reasons:
        raise SettingsError(reasons)
    return replace(current, **changes)  # type: ignore[arg-type]


def _time_and_days(current: ChannelSettings, options: Mapping[str, str], changes: dict[str, object]) -> list[str]:
    minute, hour, _, _, weekday = current.schedule.split()
    time_text = options.get("time", f"{int(hour):02d}:{int(minute):02d}")
    try:
        days = parse_days(options["days"]) if "days" in options else parse_days(weekday.replace("*", "daily"))
    except ScheduleError as error:
        return [f"days: {error}"]
    try:
        changes["schedule"] = schedule_at(time_text, days)
    except ScheduleError as error:
        return [f"time: {error}"]
    return []
