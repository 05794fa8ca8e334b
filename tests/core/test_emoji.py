from __future__ import annotations

import pytest

from bot.emoji import canonical, is_valid_name


@pytest.mark.parametrize(
    ("seen", "name"),
    [
        ("+1", "+1"),
        ("thumbsup", "+1"),
        (":thumbsup:", "+1"),
        ("+1::skin-tone-4", "+1"),
        ("👍", "+1"),
        ("👍🏽", "+1"),
        ("🔥", "fire"),
        ("❤️", "heart"),
        ("FIRE", "fire"),
        ("partyparrot", "partyparrot"),
    ],
)
def test_slack_names_and_discord_characters_meet(seen: str, name: str) -> None:
    assert canonical(seen) == name


def test_markup_is_not_an_emoji_name() -> None:
    assert not is_valid_name("<!channel>")
    assert not is_valid_name("@everyone")
    assert is_valid_name("fire")
