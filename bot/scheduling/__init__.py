"""Time: schedule maths on APScheduler's CronTrigger, and the interval tick that drives the engine.

This package is the only place in ``bot/`` that imports APScheduler.
"""

from bot.scheduling.cron import (
    ScheduleError,
    describe_schedule,
    local_date,
    next_due,
    normalise_cron,
    parse_days,
    schedule_at,
)

__all__ = [
    "ScheduleError",
    "describe_schedule",
    "local_date",
    "next_due",
    "normalise_cron",
    "parse_days",
    "schedule_at",
]
