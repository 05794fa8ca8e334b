"""/practice help names the set-up commands as each platform registers them (the adapter says where)."""

from __future__ import annotations

from bot.documents import plain_text
from bot.effects import SendEphemeral
from bot.events import CommandInvoked
from bot.refs import ChannelRef, Platform, UserRef
from tests.support.harness import Harness


async def _help(harness: Harness, platform: Platform, subcommand: str = "help") -> str:
    channel = ChannelRef(platform, "W1", "C1")
    event = CommandInvoked(
        event_id=harness.event_id(),
        at=harness.now,
        channel=channel,
        user=UserRef(platform, "W1", "U1"),
        subcommand=subcommand,
        # As the Discord adapter translates its commands: set-up lives under a command of its own there.
        **({"admin_command": "/practice-admin"} if platform is Platform.DISCORD else {}),
    )
    [reply] = await harness.dispatcher.process(event)
    assert isinstance(reply, SendEphemeral)
    return plain_text(reply.content)


async def test_help_names_the_set_up_commands_of_each_platform(harness: Harness) -> None:
    slack = await _help(harness, Platform.SLACK)
    discord = await _help(harness, Platform.DISCORD)
    assert "/practice setup" in slack and "/practice-admin" not in slack
    assert "/practice-admin setup" in discord and "/practice-admin pause, /practice-admin resume" in discord
    assert "/practice leaderboard" in discord  # what every member runs stays under /practice


async def test_an_unknown_subcommand_gets_the_same_platform_specific_help(harness: Harness) -> None:
    text = await _help(harness, Platform.DISCORD, subcommand="frobnicate")
    assert "“frobnicate” is not a command I know" in text
    assert "/practice-admin post" in text
