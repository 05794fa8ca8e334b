"""Slash commands: acknowledged before any engine work, private answers, mocks, export, permissions."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import pytest

from bot.events import Event
from tests.discord.conftest import Bot, Server
from tests.discord.fake import MANAGE_GUILD, MEMBER_PERMISSIONS, Interaction, Message

ANSWER = (
    "At my last company I led the migration of our billing system. The situation was a monolith that "
    "failed nightly; my task was to split invoicing out. I planned a strangler rollout, measured error "
    "rates daily, and we cut incidents by 60% in a quarter. I learned to agree rollback criteria first."
)


def _text(message: Message) -> str:
    parts = [message.content]
    for embed in message.embeds:
        parts += [embed.get("title", ""), embed.get("description", ""), embed.get("footer", {}).get("text", "")]
        parts += [f"{f['name']} {f['value']}" for f in embed.get("fields", [])]
    return "\n".join(parts)


class GatedEngine:
    """Holds every event at the engine's door until the test lets it in, noting what Discord had seen by then."""

    def __init__(self, bot: Bot, interaction: Callable[[], Interaction | None]) -> None:
        self.bot = bot
        self.interaction = interaction
        self.entered = asyncio.Event()
        self.release = asyncio.Event()
        self.acknowledged_on_entry: float | None = None
        self.store_used_before_ack = False
        engine = bot.app.engine
        self._handle = engine.handle
        engine.handle = self.handle  # type: ignore[method-assign]
        store = bot.app.store
        self._transaction = store.transaction
        store.transaction = self.transaction  # type: ignore[method-assign]

    def transaction(self, *args: Any, **kwargs: Any) -> Any:
        current = self.interaction()
        if current is not None and current.acknowledged_at is None:
            self.store_used_before_ack = True
        return self._transaction(*args, **kwargs)

    async def handle(self, event: Event) -> Any:
        current = self.interaction()
        self.acknowledged_on_entry = current.acknowledged_at if current else None
        self.entered.set()
        await self.release.wait()
        return await self._handle(event)


@pytest.mark.parametrize(
    ("name", "subcommand", "admin", "options"),
    [
        ("practice-admin", "post", True, {}),
        ("practice-admin", "setup", True, {"time": "07:30"}),
        ("practice", "stats", False, {}),
        ("mock", None, False, {"company": "stripe"}),
    ],
)
async def test_an_interaction_is_acknowledged_before_any_engine_or_store_work(
    bot: Bot, server: Server, name: str, subcommand: str | None, admin: bool, options: dict[str, object]
) -> None:
    fake = bot.fake
    current: list[Interaction] = []
    gate = GatedEngine(bot, lambda: current[0] if current else None)
    permissions = MEMBER_PERMISSIONS | (MANAGE_GUILD if admin else 0)
    sent = time.monotonic()
    current.append(
        await fake.slash(server.alice, server.channel.id, name, subcommand, permissions=permissions, **options)
    )
    interaction = current[0]

    # The engine is held shut: the adapter must answer Discord without it.
    await asyncio.wait_for(gate.entered.wait(), 5)
    assert interaction.callback == {"type": 5, "data": {"flags": 64}}
    assert gate.acknowledged_on_entry is not None, "the engine got the event before Discord got an answer"
    assert not gate.store_used_before_ack
    assert gate.acknowledged_on_entry - sent < 3.0, "Discord allows 3 seconds"

    gate.release.set()
    await bot.settle()
    answered = interaction.private_messages()
    assert interaction.original_deleted or answered, "the deferred reply is never left thinking"


async def test_autocomplete_answers_from_the_loaded_packs_without_the_engine(bot: Bot, server: Server) -> None:
    fake = bot.fake
    called: list[Event] = []
    handle = bot.app.engine.handle

    async def spy(event: Event) -> Any:
        called.append(event)
        return await handle(event)

    bot.app.engine.handle = spy  # type: ignore[method-assign]
    typed = await fake.autocomplete(server.alice, server.channel.id, "mock", None, "company", company="str")
    await asyncio.wait_for(typed.answered.wait(), 3)
    assert typed.callback is not None and typed.callback["type"] == 8
    assert typed.choices[0]["value"] == "stripe"

    rounds = await fake.autocomplete(server.alice, server.channel.id, "mock", None, "round", company="stripe", round="")
    await asyncio.wait_for(rounds.answered.wait(), 3)
    offered = {choice["value"] for choice in rounds.choices}
    assert offered == {r.value for r in bot.app.catalog.pack("stripe").rounds}  # type: ignore[union-attr]

    zones = await fake.autocomplete(server.admin, server.channel.id, "practice-admin", "setup", "tz", tz="berl")
    await asyncio.wait_for(zones.answered.wait(), 3)
    assert zones.choices[0]["value"] == "Europe/Berlin"
    assert called == []


async def test_setup_is_refused_at_runtime_without_manage_server(bot: Bot, server: Server) -> None:
    # Discord hides /practice-admin from members without Manage Server, but a server can override that.
    attempt = await bot.command(server.alice, server.channel, "practice-admin", "setup", admin=False, time="06:00")
    assert attempt.original is not None and "Only admins" in _text(attempt.original)
    shown = await bot.command(server.admin, server.channel, "practice-admin", "setup", admin=True)
    assert shown.original is not None and "06:00" not in _text(shown.original)

    registered = {command["name"]: command for command in bot.fake.commands}
    assert registered["practice-admin"]["default_member_permissions"] == str(MANAGE_GUILD)
    assert registered["practice"]["default_member_permissions"] is None


async def test_a_mock_interview_runs_in_its_own_thread(bot: Bot, server: Server) -> None:
    fake = bot.fake
    start = await bot.command(server.alice, server.channel, "mock", company="stripe", round="behavioural")
    [intro] = fake.bot_messages(server.channel.id)
    assert intro.embeds[0]["title"].startswith("Mock interview")
    [thread] = fake.threads(server.channel.id)
    assert thread.id == intro.id
    assert any(
        c.method == "PUT" and c.path == f"/channels/{thread.id}/thread-members/{server.alice.id}" for c in fake.calls
    )
    assert start.original is not None and f"<#{thread.id}>" in start.original.content
    assert start.original.flags & 64

    await fake.member_says(thread.id, server.alice, ANSWER)
    await bot.settle()
    replies = fake.bot_messages(thread.id)
    assert replies, "the mock answered in its thread"

    # Someone else's message in the mock thread is not taken as the candidate's answer.
    await fake.member_says(thread.id, server.bob, "Can I try answering this one as well please?")
    await bot.settle()
    assert any("mock" in _text(m).lower() for m in fake.dm_messages(server.bob))

    await bot.command(server.alice, server.channel, "mock", company="stop")
    debrief = fake.bot_messages(thread.id)[-1]
    assert "Debrief" in debrief.embeds[0]["title"]


async def test_export_arrives_as_a_private_file_and_forget_needs_confirming(bot: Bot, server: Server) -> None:
    fake = bot.fake
    await bot.command(server.admin, server.channel, "practice-admin", "post", admin=True)
    [thread] = fake.threads(server.channel.id)
    await fake.member_says(thread.id, server.alice, ANSWER)
    await bot.settle()

    export = await bot.command(server.alice, server.channel, "practice", "export")
    assert export.original is not None and export.original.flags & 64
    [attachment] = export.original.attachments
    assert attachment["filename"].endswith(".json")
    data = json.loads(attachment["data"])
    assert ANSWER in json.dumps(data)
    upload = next(c for c in fake.calls if c.method == "PATCH" and c.files)
    assert upload.body["attachments"] == [{"id": 0, "filename": attachment["filename"]}]

    unconfirmed = await bot.command(server.alice, server.channel, "practice", "forget")
    assert unconfirmed.original is not None and "Forget me" in _text(unconfirmed.original)
    assert len(await bot.stored_answers(thread)) == 1
    await bot.command(server.alice, server.channel, "practice", "forget", confirm=True)
    assert await bot.stored_answers(thread) == []


async def test_help_is_private_and_names_the_discord_commands(bot: Bot, server: Server) -> None:
    shown = await bot.command(server.bob, server.channel, "practice", "help")
    assert shown.original is not None and shown.original.flags & 64
    text = _text(shown.original)
    assert "/practice leaderboard" in text
    assert "/practice-admin setup" in text
