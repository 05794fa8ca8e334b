from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.scheduling import (
    ScheduleError,
    describe_schedule,
    local_date,
    next_due,
    normalise_cron,
    parse_days,
    schedule_at,
)
from bot.scheduling.cron import parse_time


def test_crontab_weekdays_count_from_sunday() -> None:
    # Standard crontab: 1-5 is Monday to Friday, 0 and 7 are Sunday.
    assert normalise_cron("0 9 * * 1-5") == "0 9 * * mon,tue,wed,thu,fri"
    assert normalise_cron("30 7 * * 0,6") == "30 7 * * sat,sun"
    assert normalise_cron("0 9 * * 7") == "0 9 * * sun"
    assert normalise_cron("0 9 * * sun-tue") == "0 9 * * mon,tue,sun"
    assert normalise_cron("0 9 * * */2") == "0 9 * * tue,thu,sat,sun"
    assert normalise_cron("0 9 * * *") == "0 9 * * *"


def test_a_weekday_cron_fires_on_weekdays_only() -> None:
    schedule = normalise_cron("0 9 * * 1-5")
    saturday = datetime(2026, 11, 21, 12, tzinfo=UTC)
    first = next_due(schedule, "UTC", saturday)
    assert first == datetime(2026, 11, 23, 9, tzinfo=UTC)  # Monday, not Saturday or Sunday


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("0 9,17 * * *", "once a day"),
        ("*/5 9 * * *", "once a day"),
        ("0 9 * *", "5 fields"),
        ("0 25 * * *", "hour 0-23"),
        ("0 9 1 * 1", "not both"),
        ("0 9 * * 8", "not a weekday"),
        ("0 9 * * 5-1", "backwards"),
    ],
)
def test_bad_cron_expressions_are_refused_with_the_reason(expression: str, reason: str) -> None:
    with pytest.raises(ScheduleError, match=reason):
        normalise_cron(expression)


def test_days_and_times_people_type() -> None:
    assert parse_days("mon-fri") == ("mon", "tue", "wed", "thu", "fri")
    assert parse_days("Mon, Wed, Fri") == ("mon", "wed", "fri")
    assert parse_days("weekends") == ("sat", "sun")
    assert parse_days("fri-mon") == ("mon", "fri", "sat", "sun")
    assert parse_time("9:30") == (9, 30)
    assert parse_time("09:05") == (9, 5)
    assert parse_time("7pm") == (19, 0)
    assert parse_time("12am") == (0, 0)
    for bad in ("25:00", "9:75", "noon", "13pm"):
        with pytest.raises(ScheduleError):
            parse_time(bad)
    with pytest.raises(ScheduleError, match="not a weekday"):
        parse_days("funday")


def test_schedule_follows_the_channel_zone_across_daylight_saving() -> None:
    schedule = schedule_at("09:00", parse_days("daily"))
    before = next_due(schedule, "Europe/Berlin", datetime(2026, 3, 28, 12, tzinfo=UTC))
    after = next_due(schedule, "Europe/Berlin", datetime(2026, 3, 29, 12, tzinfo=UTC))
    assert before == datetime(2026, 3, 29, 7, tzinfo=UTC)  # 09:00 CEST on the day clocks go forward
    assert after == datetime(2026, 3, 30, 7, tzinfo=UTC)
    winter = next_due(schedule, "Europe/Berlin", datetime(2026, 10, 24, 12, tzinfo=UTC))
    assert winter == datetime(2026, 10, 25, 8, tzinfo=UTC)  # 09:00 CET once clocks went back


def test_a_time_that_happens_twice_posts_once_that_day() -> None:
    # 02:30 happens twice in Berlin on 25 October 2026; the day after the first firing is next.
    schedule = schedule_at("02:30", parse_days("daily"))
    first = next_due(schedule, "Europe/Berlin", datetime(2026, 10, 24, 12, tzinfo=UTC))
    assert first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    following = next_due(schedule, "Europe/Berlin", first, past_local_date=local_date(first, "Europe/Berlin"))
    assert following == datetime(2026, 10, 26, 1, 30, tzinfo=UTC)


def test_a_time_that_does_not_exist_moves_forward() -> None:
    # 02:30 does not exist in Berlin on 29 March 2026: the post goes out at 03:30 local instead.
    schedule = schedule_at("02:30", parse_days("daily"))
    due = next_due(schedule, "Europe/Berlin", datetime(2026, 3, 28, 12, tzinfo=UTC))
    assert due == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert local_date(due, "Europe/Berlin") == date(2026, 3, 29)


def test_descriptions_read_well() -> None:
    assert describe_schedule(normalise_cron("0 9 * * 1-5"), "Europe/Berlin") == "09:00 Monday to Friday (Europe/Berlin)"
    assert describe_schedule(schedule_at("7:15", parse_days("daily")), "UTC") == "07:15 every day (UTC)"
    assert describe_schedule(schedule_at("8:00", parse_days("mon,thu")), "UTC") == "08:00 on Mon, Thu (UTC)"
