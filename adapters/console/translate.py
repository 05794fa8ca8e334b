"""Typed console input -> console commands and platform-neutral events. Pure functions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from bot.command_text import parse_command_text
from bot.events import (
    AnswerDeleted,
    AnswerEdited,
    AnswerPosted,
    CommandInvoked,
    MockRequested,
    ReactionAdded,
    ReactionRemoved,
)
from bot.refs import ChannelRef, MessageRef, Platform, ThreadRef, UserRef

WORKSPACE_ID = "console"
CHANNEL = ChannelRef(Platform.CONSOLE, WORKSPACE_ID, "practice")


def member(name: str) -> UserRef:
    key = "".join(ch for ch in name.strip().lower() if ch.isalnum() or ch in "-_.")[:40] or "you"
    return UserRef(Platform.CONSOLE, WORKSPACE_ID, key, display_name=key)


def new_id() -> str:
    return uuid.uuid4().hex[:16]


@dataclass(frozen=True, slots=True)
class ConsoleCommand:
    name: str
    args: tuple[str, ...]
    options: dict[str, str]
    raw: str


def parse_command(line: str) -> ConsoleCommand | None:
    """``/react 2 fire`` -> ConsoleCommand; ``None`` when the line is answer text."""
    stripped = line.strip()
    if not stripped.startswith("/") or len(stripped) == 1:
        return None
    name, options, args = parse_command_text(stripped[1:])
    return ConsoleCommand(name, args, options, stripped[1:].partition(" ")[2])


def answer_event(*, text: str, thread: ThreadRef, author: UserRef, at: datetime, message_id: str) -> AnswerPosted:
    message = MessageRef(thread.channel, message_id, thread.thread_id)
    return AnswerPosted(event_id=f"post:{message_id}", at=at, message=message, author=author, text=text)


def edit_event(*, text: str, message: MessageRef, author: UserRef, at: datetime) -> AnswerEdited:
    return AnswerEdited(event_id=f"edit:{new_id()}", at=at, message=message, author=author, text=text)


def delete_event(*, message: MessageRef, at: datetime) -> AnswerDeleted:
    return AnswerDeleted(event_id=f"delete:{new_id()}", at=at, message=message)


def reaction_event(
    *, add: bool, message: MessageRef, user: UserRef, emoji: str, at: datetime
) -> ReactionAdded | ReactionRemoved:
    kind = ReactionAdded if add else ReactionRemoved
    return kind(event_id=f"reaction:{new_id()}", at=at, message=message, user=user, emoji=emoji)


def mock_event(command: ConsoleCommand, *, user: UserRef, at: datetime) -> MockRequested:
    company = command.args[0] if command.args else None
    round_ = " ".join(command.args[1:]) or None
    return MockRequested(event_id=f"mock:{new_id()}", at=at, channel=CHANNEL, user=user, company=company, round=round_)


def practice_event(command: ConsoleCommand, *, user: UserRef, at: datetime) -> CommandInvoked:
    """``/setup time=08:00`` or ``/practice setup time=08:00``: everyone on the console is an admin."""
    if command.name == "practice":
        subcommand, options, args = parse_command_text(command.raw)
    else:
        subcommand, options, args = command.name, command.options, command.args
    return CommandInvoked(
        event_id=f"command:{new_id()}",
        at=at,
        channel=CHANNEL,
        user=user,
        subcommand=subcommand,
        options=options,
        args=args,
        is_admin=True,
    )
