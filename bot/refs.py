"""Small typed references to things that live on a chat platform.

Identity is always one of these values, never a raw platform payload. Slack: workspace = team id,
message id = ``ts``, thread id = ``thread_ts``. Discord: workspace = guild id, message id = snowflake,
and a thread started from a message is its own channel whose id equals that message's id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Platform(StrEnum):
    SLACK = "slack"
    DISCORD = "discord"
    CONSOLE = "console"


@dataclass(frozen=True, slots=True)
class WorkspaceRef:
    """A Slack team, a Discord guild, or the local console: the unit of tenancy."""

    platform: Platform
    workspace_id: str


@dataclass(frozen=True, slots=True)
class ChannelRef:
    platform: Platform
    workspace_id: str
    channel_id: str

    @property
    def workspace(self) -> WorkspaceRef:
        return WorkspaceRef(self.platform, self.workspace_id)


@dataclass(frozen=True, slots=True)
class ThreadRef:
    """Where replies to a post go.

    ``channel`` is the channel the thread's messages live in: the parent channel on Slack
    (replies carry ``thread_ts``), the thread channel itself on Discord.
    """

    channel: ChannelRef
    thread_id: str


@dataclass(frozen=True, slots=True)
class MessageRef:
    """A message, named by the channel it lives in and its id; ``thread_id`` when it is a reply."""

    channel: ChannelRef
    message_id: str
    thread_id: str | None = None

    @property
    def thread(self) -> ThreadRef | None:
        return None if self.thread_id is None else ThreadRef(self.channel, self.thread_id)


@dataclass(frozen=True, slots=True)
class UserRef:
    platform: Platform
    workspace_id: str
    user_id: str
    # Presentation only: two refs to the same user are equal whatever name each carries.
    display_name: str | None = field(default=None, compare=False)
    is_bot: bool = field(default=False, compare=False)

    @property
    def workspace(self) -> WorkspaceRef:
        return WorkspaceRef(self.platform, self.workspace_id)

    @property
    def label(self) -> str:
        return self.display_name or self.user_id
