"""The fake Discord's world: users, guilds, channels, threads, messages and reactions, as Discord shapes them.

Payload shapes follow Discord's API reference (v10): the object a REST call returns is the object the
gateway dispatches, plus ``guild_id`` and ``member`` in gateway message events.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000

# Channel and message types.
GUILD_TEXT = 0
DM = 1
PUBLIC_THREAD = 11
DEFAULT = 0
REPLY = 19
THREAD_STARTER = 21

# Permissions.
ALL_PERMISSIONS = (1 << 47) - 1
MANAGE_GUILD = 1 << 5
ADMINISTRATOR = 1 << 3
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 6) | (1 << 16) | (1 << 31) | (1 << 38)  # view, send, react...

Json = dict[str, Any]


class Snowflakes:
    """Increasing snowflakes from the current time, as Discord mints them."""

    def __init__(self) -> None:
        self._counter = itertools.count()
        self._last = 0

    def __call__(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        value = (ms << 22) | (next(self._counter) & 0xFFF)
        self._last = max(self._last + 1, value)
        return self._last


def iso(at: datetime | None = None) -> str:
    return (at or datetime.now(UTC)).isoformat(timespec="microseconds")


@dataclass
class User:
    id: int
    username: str
    bot: bool = False
    accepts_dms: bool = True

    def payload(self) -> Json:
        data: Json = {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.username.capitalize(),
            "avatar": None,
            "public_flags": 0,
        }
        if self.bot:
            data["bot"] = True
        return data


@dataclass
class Channel:
    id: int
    guild_id: int | None
    name: str
    type: int = GUILD_TEXT
    parent_id: int | None = None
    owner_id: int | None = None
    archived: bool = False
    locked: bool = False
    auto_archive_duration: int = 1440
    recipient: User | None = None
    created: str = field(default_factory=iso)
    archived_at: str = field(default_factory=iso)

    @property
    def is_thread(self) -> bool:
        return self.type == PUBLIC_THREAD

    def payload(self, *, message_count: int = 0) -> Json:
        if self.type == DM:
            assert self.recipient is not None
            return {"id": str(self.id), "type": DM, "last_message_id": None, "recipients": [self.recipient.payload()]}
        data: Json = {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
            "nsfw": False,
        }
        if self.is_thread:
            data.update(
                owner_id=str(self.owner_id),
                message_count=message_count,
                member_count=1,
                total_message_sent=message_count,
                thread_metadata={
                    "archived": self.archived,
                    "auto_archive_duration": self.auto_archive_duration,
                    "archive_timestamp": self.archived_at,
                    "locked": self.locked,
                    "create_timestamp": self.created,
                },
            )
        else:
            data.update(
                position=0,
                permission_overwrites=[],
                topic=None,
                default_auto_archive_duration=1440,
                default_thread_rate_limit_per_user=0,
            )
        return data


@dataclass
class Message:
    id: int
    channel_id: int
    guild_id: int | None
    author: User
    content: str = ""
    embeds: list[Json] = field(default_factory=list)
    attachments: list[Json] = field(default_factory=list)
    type: int = DEFAULT
    flags: int = 0
    timestamp: str = field(default_factory=iso)
    edited_timestamp: str | None = None
    reference: Json | None = None
    nonce: str | None = None
    webhook_id: int | None = None
    # emoji key ("👍" or "name:id") -> (emoji object, user ids in the order they reacted)
    reactions: dict[str, tuple[Json, list[int]]] = field(default_factory=dict)
    # What the message pinged, under Discord's mention rules and the request's allowed_mentions.
    pinged: set[str] = field(default_factory=set)

    def payload(self, *, bot_id: int, gateway: bool = False) -> Json:
        data: Json = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "author": self.author.payload(),
            "content": self.content,
            "timestamp": self.timestamp,
            "edited_timestamp": self.edited_timestamp,
            "tts": False,
            "mention_everyone": "everyone" in self.pinged,
            "mentions": [],
            "mention_roles": [],
            "attachments": self.attachments,
            "embeds": self.embeds,
            "pinned": False,
            "type": self.type,
            "flags": self.flags,
            "components": [],
        }
        if self.reactions:
            data["reactions"] = [
                {
                    "count": len(users),
                    "count_details": {"burst": 0, "normal": len(users)},
                    "me": bot_id in users,
                    "me_burst": False,
                    "burst_colors": [],
                    "emoji": emoji,
                }
                for emoji, users in self.reactions.values()
                if users
            ]
        if self.reference is not None:
            data["message_reference"] = self.reference
        if self.nonce is not None:
            data["nonce"] = self.nonce
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        if gateway and self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
            if not self.author.bot:
                data["member"] = member_payload(None)
        return data


def member_payload(user: User | None, *, permissions: int | None = None) -> Json:
    data: Json = {
        "roles": [],
        "joined_at": "2026-01-05T10:00:00.000000+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "nick": None,
        "avatar": None,
        "premium_since": None,
        "communication_disabled_until": None,
    }
    if user is not None:
        data["user"] = user.payload()
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def emoji_key(emoji: Json) -> str:
    return f"{emoji['name']}:{emoji['id']}" if emoji.get("id") else str(emoji["name"])


def emoji_object(emoji: str | Json) -> Json:
    """``"👍"`` or ``{"id": ..., "name": ...}`` (a server's own emoji) as Discord's partial emoji."""
    if isinstance(emoji, str):
        return {"id": None, "name": emoji}
    return {"id": str(emoji["id"]), "name": emoji["name"], "animated": False}


_EVERYONE = re.compile(r"(?<!\\)@(everyone|here)")
_USER = re.compile(r"(?<!\\)<@!?(\d+)>")
_ROLE = re.compile(r"(?<!\\)<@&(\d+)>")


def pings(content: str, allowed: Json | None, *, replied_author: int | None) -> set[str]:
    """What a bot message pings, under Discord's rules: only ``content`` mentions (never embeds), limited
    by ``allowed_mentions``; a missing ``allowed_mentions`` allows every kind."""
    parse = {"everyone", "roles", "users"} if allowed is None else set(allowed.get("parse", []))
    allowed_users = set() if allowed is None else {str(u) for u in allowed.get("users", [])}
    allowed_roles = set() if allowed is None else {str(r) for r in allowed.get("roles", [])}
    result: set[str] = set()
    if "everyone" in parse and _EVERYONE.search(content):
        result.add("everyone")
    for user_id in _USER.findall(content):
        if "users" in parse or user_id in allowed_users:
            result.add(f"user:{user_id}")
    for role_id in _ROLE.findall(content):
        if "roles" in parse or role_id in allowed_roles:
            result.add(f"role:{role_id}")
    replied = True if allowed is None else bool(allowed.get("replied_user", False))
    if replied_author is not None and replied:
        result.add(f"reply:{replied_author}")
    return result


@dataclass
class Call:
    method: str
    path: str  # below /api/v10, decoded
    query: dict[str, str]
    body: Any  # JSON, or a multipart request's payload_json
    files: list[str]
    at: float  # time.monotonic() when it arrived
    status: int = 0


@dataclass
class Rule:
    """An injected answer for matching requests: a 429 or an error, for the next ``times`` matches."""

    method: str
    pattern: re.Pattern[str]
    times: int
    status: int
    body: Json
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Guild:
    id: int
    name: str
    channels: list[int] = field(default_factory=list)


@dataclass
class Interaction:
    id: int
    token: str
    type: int
    user: User
    channel_id: int
    guild_id: int
    created_at: float
    data: Json
    acknowledged_at: float | None = None
    callback: Json | None = None
    original: Message | None = None
    original_deleted: bool = False
    followups: list[Message] = field(default_factory=list)
    answered: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def choices(self) -> list[Json]:
        assert self.callback is not None and self.callback["type"] == 8
        return list(self.callback["data"]["choices"])

    def private_messages(self) -> list[Message]:
        visible = [] if self.original is None or self.original_deleted else [self.original]
        return visible + self.followups
