from __future__ import annotations

from datetime import timedelta

import pytest

from bot.channel_settings import FeedbackVisibility, SettingsError, apply_options, default_settings
from bot.questions import Catalog


def test_options_apply_together(catalog: Catalog) -> None:
    base = default_settings(catalog)
    updated = apply_options(
        base,
        {
            "time": "08:30",
            "days": "mon,wed",
            "tz": "America/New_York",
            "packs": "acme",
            "window": "12h",
            "votes": "thumbsup,🔥",
            "feedback": "private",
        },
        catalog,
    )
    assert updated.schedule == "30 8 * * mon,wed"
    assert updated.timezone == "America/New_York"
    assert updated.packs == ("acme",)
    assert updated.answer_window == timedelta(hours=12)
    assert updated.vote_emojis == ("+1", "fire")
    assert updated.feedback is FeedbackVisibility.PRIVATE


def test_time_alone_keeps_the_days(catalog: Catalog) -> None:
    base = apply_options(default_settings(catalog), {"days": "tue"}, catalog)
    assert apply_options(base, {"time": "10:00"}, catalog).schedule == "0 10 * * tue"


def test_every_bad_option_is_named_and_nothing_changes(catalog: Catalog) -> None:
    base = default_settings(catalog)
    with pytest.raises(SettingsError) as refused:
        apply_options(
            base,
            {
                "tz": "Mars/Olympus",
                "packs": "acme,nope",
                "window": "3w",
                "votes": "<!channel>",
                "feedback": "loud",
                "colour": "red",
                "time": "25:00",
            },
            catalog,
        )
    reasons = " | ".join(refused.value.reasons)
    for expected in (
        "tz:",
        "packs: unknown nope",
        "window:",
        "votes:",
        "feedback:",
        "unknown option 'colour'",
        "time:",
    ):
        assert expected in reasons
    assert base == default_settings(catalog)


def test_window_limits(catalog: Catalog) -> None:
    base = default_settings(catalog)
    assert apply_options(base, {"window": "90m"}, catalog).answer_window == timedelta(minutes=90)
    for too_far in ("5m", "8d"):
        with pytest.raises(SettingsError, match="outside 15m to 7d"):
            apply_options(base, {"window": too_far}, catalog)


def test_cron_and_time_cannot_both_be_given(catalog: Catalog) -> None:
    with pytest.raises(SettingsError, match="not both"):
        apply_options(default_settings(catalog), {"cron": "0 9 * * *", "time": "09:00"}, catalog)
