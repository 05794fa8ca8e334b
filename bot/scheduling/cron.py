"""Daily schedules as cron expressions, evaluated in the channel's own time zone.

Schedules are stored as five-field cron text with weekday *names*. Standard crontab counts weekdays
from Sunday = 0, while APScheduler 3.x counts from Monday = 0; writing names removes the ambiguity, so
numeric weekdays typed by members are read with crontab's meaning and converted on the way in.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# crontab numbering: 0 and 7 are Sunday.
_CRONTAB_DAY = {0: "sun", 1: "mon", 2: "tue", 3: "wed", 4: "thu", 5: "fri", 6: "sat", 7: "sun"}
_DAY_WORDS = {
    "daily": WEEKDAYS,
    "everyday": WEEKDAYS,
    "every day": WEEKDAYS,
    "all": WEEKDAYS,
    "*": WEEKDAYS,
    "weekdays": WEEKDAYS[:5],
    "workdays": WEEKDAYS[:5],
    "weekends": WEEKDAYS[5:],
}
_TIME = re.compile(r"^(\d{1,2})(?::|\.|h)?(\d{2})?\s*(am|pm)?$")
_SINGLE = re.compile(r"^\d{1,2}$")


class ScheduleError(ValueError):
    """A schedule, day list, time or zone that cannot be used; the message says why."""


def _day_index(token: str) -> int:
    token = token.strip().lower()[:3]
    if token not in WEEKDAYS:
        raise ScheduleError(f"{token!r} is not a weekday (use mon, tue, wed, thu, fri, sat, sun)")
    return WEEKDAYS.index(token)


def parse_days(text: str) -> tuple[str, ...]:
    """``mon-fri``, ``mon,wed,fri``, ``weekdays``, ``daily`` -> weekday names in week order."""
    key = " ".join(text.strip().lower().split())
    if key in _DAY_WORDS:
        return _DAY_WORDS[key]
    chosen: set[int] = set()
    for part in re.split(r"[,\s]+", key):
        if not part:
            continue
        if "-" in part:
            start, _, end = part.partition("-")
            first, last = _day_index(start), _day_index(end)
            span = range(first, last + 1) if first <= last else [*range(first, 7), *range(last + 1)]
            chosen.update(span)
        else:
            chosen.add(_day_index(part))
    if not chosen:
        raise ScheduleError("no days given (for example mon-fri, mon,wed,fri or daily)")
    return tuple(WEEKDAYS[index] for index in sorted(chosen))


def parse_time(text: str) -> tuple[int, int]:
    match = _TIME.match(text.strip().lower())
    if not match:
        raise ScheduleError(f"{text!r} is not a time of day (use 24-hour HH:MM such as 09:30)")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if match.group(3):
        if not 1 <= hour <= 12:
            raise ScheduleError(f"{text!r} is not a time of day")
        hour = hour % 12 + (12 if match.group(3) == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ScheduleError(f"{text!r} is not a time of day (use 24-hour HH:MM such as 09:30)")
    return hour, minute


def _days_field(days: tuple[str, ...]) -> str:
    return "*" if set(days) == set(WEEKDAYS) else ",".join(days)


def schedule_at(time_of_day: str, days: tuple[str, ...]) -> str:
    hour, minute = parse_time(time_of_day)
    return f"{minute} {hour} * * {_days_field(days)}"


def _crontab_weekdays(field: str) -> str:
    """Expand a crontab weekday field (Sunday = 0 or 7, names allowed, ranges and steps) to names."""
    chosen: set[str] = set()
    for item in field.lower().split(","):
        spec, _, step_text = item.partition("/")
        step = int(step_text) if step_text.isdigit() and int(step_text) > 0 else None
        if step_text and step is None:
            raise ScheduleError(f"weekday step {item!r} is not a positive number")
        if spec == "*":
            numbers = list(range(7))
        elif "-" in spec:
            start, _, end = spec.partition("-")
            first, last = _crontab_number(start), _crontab_number(end)
            if first > last:
                raise ScheduleError(f"weekday range {spec!r} runs backwards")
            numbers = list(range(first, last + 1))
        else:
            numbers = [_crontab_number(spec)]
        chosen.update(_CRONTAB_DAY[number] for number in numbers[:: step or 1])
    return _days_field(tuple(day for day in WEEKDAYS if day in chosen))


def _crontab_number(token: str) -> int:
    if token.isdigit() and int(token) <= 7:
        return int(token)
    names = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
    if token[:3] in names:
        return names.index(token[:3])
    raise ScheduleError(f"{token!r} is not a weekday (0-7 or sun..sat)")


def normalise_cron(expression: str) -> str:
    """Validate a five-field crontab expression for a once-a-day post and store it with day names."""
    fields = expression.split()
    if len(fields) != 5:
        raise ScheduleError(f"a cron expression has 5 fields (minute hour day month weekday), got {len(fields)}")
    minute, hour, day, month, weekday = fields
    if not (_SINGLE.match(minute) and _SINGLE.match(hour)):
        raise ScheduleError("the question posts once a day: the cron expression must name one minute and one hour")
    if int(minute) > 59 or int(hour) > 23:
        raise ScheduleError("minute must be 0-59 and hour 0-23")
    if day != "*" and weekday != "*":
        raise ScheduleError("set the day of month or the weekday, not both (cron and this bot read both differently)")
    normalised = f"{int(minute)} {int(hour)} {day} {month} {_crontab_weekdays(weekday)}"
    try:
        _trigger(normalised, "UTC")
    except ValueError as error:
        raise ScheduleError(f"invalid cron expression: {error}") from None
    return normalised


@lru_cache(maxsize=4096)
def _trigger(schedule: str, timezone: str) -> CronTrigger:
    minute, hour, day, month, weekday = schedule.split()
    return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=weekday, timezone=ZoneInfo(timezone))


def local_date(instant: datetime, timezone: str) -> date:
    return instant.astimezone(ZoneInfo(timezone)).date()


@lru_cache(maxsize=65_536)
def next_due(schedule: str, timezone: str, after: datetime, *, past_local_date: date | None = None) -> datetime | None:
    """The first instant at or after ``after`` when the schedule fires, as UTC.

    ``past_local_date`` skips any firing whose local date is on or before it: on the night clocks go
    back a wall-clock time can happen twice, and a channel must still get one post that day.
    Cached: a tick asks the same question for every channel that shares a schedule and a due instant.
    """
    trigger = _trigger(schedule, timezone)
    if past_local_date is not None:
        zone = ZoneInfo(timezone)
        next_midnight = datetime.combine(past_local_date + timedelta(days=1), time(0, 0), zone)
        after = max(after, next_midnight.astimezone(UTC))
    candidate: datetime | None = trigger.get_next_fire_time(None, after)
    return None if candidate is None else candidate.astimezone(UTC)


def describe_schedule(schedule: str, timezone: str) -> str:
    """``09:00 on mon-fri (Europe/Berlin)``, for set-up confirmations."""
    minute, hour, day, month, weekday = schedule.split()
    when = f"{int(hour):02d}:{int(minute):02d}"
    if weekday == "*" and day == "*" and month == "*":
        days = "every day"
    elif weekday == ",".join(WEEKDAYS[:5]):
        days = "Monday to Friday"
    elif weekday != "*":
        days = "on " + ", ".join(name.capitalize() for name in weekday.split(","))
    else:
        days = f"on day {day} of month {month}"
    return f"{when} {days} ({timezone})"
