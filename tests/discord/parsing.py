"""Gateway payloads turned into discord.py objects by discord.py's own parsers, without a connection.

Translation tests hand ``translate`` exactly what the client hands it: the objects discord.py builds
from a dispatch. The payloads follow the shapes in Discord's API reference.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import discord
from discord.http import HTTPClient
from discord.state import ConnectionState

from adapters.discord.client import intents

BOT_ID = 1100000000000000001
GUILD_ID = 1100000000000000002
CHANNEL_ID = 1100000000000000003
THREAD_ID = 1100000000000000004  # the question message's id as well
OTHER_THREAD_ID = 1100000000000000005
ALICE_ID = 1100000000000000010
APPLICATION_ID = BOT_ID


def user(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": name.capitalize(),
        "avatar": None,
        "public_flags": 0,
    }
    if bot:
        data["bot"] = True
    return data


def thread(thread_id: int, owner_id: int) -> dict[str, Any]:
    return {
        "id": str(thread_id),
        "type": 11,
        "guild_id": str(GUILD_ID),
        "parent_id": str(CHANNEL_ID),
        "owner_id": str(owner_id),
        "name": "Stripe · screen · 23 Nov",
        "last_message_id": None,
        "message_count": 0,
        "member_count": 1,
        "rate_limit_per_user": 0,
        "flags": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 10080,
            "archive_timestamp": "2026-11-23T09:00:00.000000+00:00",
            "locked": False,
        },
    }


def guild() -> dict[str, Any]:
    text_channel = {
        "id": str(CHANNEL_ID),
        "type": 0,
        "guild_id": str(GUILD_ID),
        "name": "practice",
        "position": 0,
        "permission_overwrites": [],
        "parent_id": None,
        "nsfw": False,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }
    return {
        "id": str(GUILD_ID),
        "name": "Interview club",
        "icon": None,
        "owner_id": str(ALICE_ID),
        "features": [],
        "roles": [
            {
                "id": str(GUILD_ID),
                "name": "@everyone",
                "permissions": "0",
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            }
        ],
        "emojis": [],
        "stickers": [],
        "member_count": 2,
        "large": False,
        "unavailable": False,
        "members": [],
        "channels": [text_channel],
        "threads": [thread(THREAD_ID, BOT_ID), thread(OTHER_THREAD_ID, ALICE_ID)],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def message(message_id: int, channel_id: int, author: dict[str, Any], content: str, **extra: Any) -> dict[str, Any]:
    data = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "guild_id": str(GUILD_ID),
        "author": author,
        "member": {
            "roles": [],
            "joined_at": "2026-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "nick": None,
        },
        "content": content,
        "timestamp": "2026-11-23T09:30:00.000000+00:00",
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "type": 0,
        "flags": 0,
        "components": [],
    }
    data.update(extra)
    return data


class Gateway:
    """discord.py's connection state, fed payloads by hand; collects what it dispatches."""

    def __init__(self) -> None:
        self.dispatched: list[tuple[str, tuple[Any, ...]]] = []
        self.state: ConnectionState[Any] = ConnectionState(
            dispatch=lambda name, *args: self.dispatched.append((name, args)),
            handlers={},
            hooks={},
            http=HTTPClient(asyncio.get_running_loop()),
            intents=intents(),
            max_messages=None,
            member_cache_flags=discord.MemberCacheFlags.none(),
            chunk_guilds_at_startup=False,
        )
        self.state._get_client = lambda: SimpleNamespace(user=self.state.user)
        self.state._get_websocket = lambda *args, **kwargs: None
        self.feed(
            "READY",
            {
                "v": 10,
                "user": user(BOT_ID, "practice-bot", bot=True),
                "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
                "session_id": "session",
                "resume_gateway_url": "wss://gateway.example",
                "application": {"id": str(APPLICATION_ID), "flags": 0},
            },
        )
        self.feed("GUILD_CREATE", guild())

    def feed(self, kind: str, data: dict[str, Any]) -> Any:
        """Parse one dispatch; returns the first argument of what discord.py dispatched for it."""
        before = len(self.dispatched)
        self.state.parsers[kind](data)
        produced = [args for name, args in self.dispatched[before:] if name not in {"connect", "socket_event_type"}]
        return produced[0][0] if produced and produced[0] else None

    def channel(self, channel_id: int) -> object:
        found = self.state._get_guild(GUILD_ID)
        assert found is not None
        return found.get_channel_or_thread(channel_id)
