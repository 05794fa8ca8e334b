"""Platform-neutral inbound events: what adapters hand to the engine.

``event_id`` is the platform's delivery identity (Slack's ``event_id``, a key an adapter derives for
Discord dispatches or interactions). The store claims it once, so a retried or duplicated delivery is
processed once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from bot.refs import ChannelRef, MessageRef, UserRef, WorkspaceRef


@dataclass(frozen=True, slots=True, kw_only=True)
class AnswerPosted:
    event_id: str
    at: datetime
    message: MessageRef
    author: UserRef
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AnswerEdited:
    event_id: str
    at: datetime
    message: MessageRef
    author: UserRef
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AnswerDeleted:
    event_id: str
    at: datetime
    message: MessageRef


@dataclass(frozen=True, slots=True, kw_only=True)
class ReactionAdded:
    event_id: str
    at: datetime
    message: MessageRef
    user: UserRef
    emoji: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReactionRemoved:
    event_id: str
    at: datetime
    message: MessageRef
    user: UserRef
    emoji: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MockRequested:
    event_id: str
    at: datetime
    channel: ChannelRef
    user: UserRef
    company: str | None
    round: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandInvoked:
    """``/practice <subcommand> key=value ...`` or its Discord/console equivalent.

    ``is_admin`` is the platform's answer to "may this member change the channel's set-up"
    (Slack workspace admin or owner, Discord Manage Server, always true on the console).
    ``admin_command`` is the command the set-up subcommands live under on that platform, for help
    texts: an adapter that registers them apart from ``/practice`` says so here.
    """

    event_id: str
    at: datetime
    channel: ChannelRef
    user: UserRef
    subcommand: str
    options: Mapping[str, str] = field(default_factory=dict)
    args: tuple[str, ...] = ()
    is_admin: bool = False
    admin_command: str = "/practice"


@dataclass(frozen=True, slots=True, kw_only=True)
class HomeOpened:
    event_id: str
    at: datetime
    user: UserRef


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkspaceRemoved:
    """The app was uninstalled or removed from the guild: that workspace's data is purged."""

    event_id: str
    at: datetime
    workspace: WorkspaceRef


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionClosing:
    """Raised by the scheduler tick for a posted question whose answer window has ended."""

    at: datetime
    channel: ChannelRef
    post_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PostRetry:
    """Raised by the scheduler tick for a question the platform refused, while still inside the grace window."""

    at: datetime
    channel: ChannelRef
    post_id: int


Event = (
    AnswerPosted
    | AnswerEdited
    | AnswerDeleted
    | ReactionAdded
    | ReactionRemoved
    | MockRequested
    | CommandInvoked
    | HomeOpened
    | WorkspaceRemoved
    | QuestionClosing
    | PostRetry
)
