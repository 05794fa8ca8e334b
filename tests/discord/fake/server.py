"""A fake Discord on a loopback port: the REST routes the bot uses and a gateway speaking protocol v10.

The real discord.py client connects to it. It keeps a small world (guilds, channels, threads, messages,
reactions, interactions), answers with Discord's response shapes and status codes, records every REST
call, and lets tests act as members (post, edit, delete, react, run slash commands), inject 429s and
errors, and break the gateway connection with or without a resumable session.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
import secrets
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tests.discord.fake.gateway import Connection, Gateway, Session
from tests.discord.fake.interactions import Interactions
from tests.discord.fake.objects import (
    ALL_PERMISSIONS,
    MEMBER_PERMISSIONS,
    REPLY,
    Call,
    Channel,
    Guild,
    Interaction,
    Json,
    Message,
    Rule,
    Snowflakes,
    User,
    emoji_key,
    emoji_object,
    iso,
    member_payload,
)
from tests.discord.fake.rest import Rest

log = logging.getLogger(__name__)

API = "/api/v10"
INTERACTION_DEADLINE = 3.0


class FakeDiscord(Gateway, Rest, Interactions):
    TOKEN = "MTAxNTQzODk0NjM1MTY4Nzc0NA.GxYzAb.fAkE-tOkEn-FoR-tEsTs-OnLy-0123456789"

    def __init__(self) -> None:
        self.ids = Snowflakes()
        self.bot = User(self.ids(), "practice-bot", bot=True)
        self.owner = User(self.ids(), "owner")
        self.application_id = self.bot.id
        self.users: dict[int, User] = {self.bot.id: self.bot}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, dict[int, Message]] = {}
        self.commands: list[Json] = []
        self.calls: list[Call] = []
        self.rules: list[Rule] = []
        self.interactions: dict[str, Interaction] = {}
        self.sessions: dict[str, Session] = {}
        self.session: Session | None = None
        self.connections: list[Connection] = []
        self.identifies: list[float] = []
        self.resumes: list[tuple[str, bool]] = []  # (session id, accepted)
        self.gateway_urls: list[str] = []  # every websocket URL the client dialled, with its query
        self.message_content_enabled = True
        # What GET /gateway/bot reports of the daily session-start budget.
        self.session_starts_left = 1000
        self.session_starts_reset_ms = 86_400_000
        self.interaction_deadline = INTERACTION_DEADLINE
        self.heartbeat_interval_ms = 41_250
        self._open = asyncio.Event()
        self._open.set()
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- server lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        for connection in list(self.connections):
            await connection.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, condition: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Wait until ``condition()`` is truthy (re-checked on every call or dispatch); returns its value."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(condition), timeout)
        return condition()

    # -- the world -------------------------------------------------------------------------------------

    def add_user(self, name: str, *, accepts_dms: bool = True) -> User:
        user = User(self.ids(), name, accepts_dms=accepts_dms)
        self.users[user.id] = user
        return user

    def add_guild(self, name: str = "Study group") -> Guild:
        guild = Guild(self.ids(), name)
        self.guilds[guild.id] = guild
        return guild

    def add_channel(self, guild: Guild, name: str = "practice") -> Channel:
        channel = Channel(self.ids(), guild.id, name)
        self.channels[channel.id] = channel
        self.messages[channel.id] = {}
        guild.channels.append(channel.id)
        return channel

    def channel_messages(self, channel_id: int) -> list[Message]:
        return sorted(self.messages.get(channel_id, {}).values(), key=lambda message: message.id)

    def bot_messages(self, channel_id: int) -> list[Message]:
        return [message for message in self.channel_messages(channel_id) if message.author.id == self.bot.id]

    def threads(self, parent_id: int) -> list[Channel]:
        return [channel for channel in self.channels.values() if channel.parent_id == parent_id]

    def all_bot_messages(self) -> list[Message]:
        found = [m for messages in self.messages.values() for m in messages.values() if m.author.id == self.bot.id]
        found += [m for i in self.interactions.values() for m in i.private_messages()]
        return found

    def guild_payload(self, guild: Guild) -> Json:
        channels = [self.channels[channel_id] for channel_id in guild.channels]
        threads = [c for c in self.channels.values() if c.guild_id == guild.id and c.is_thread and not c.archived]
        everyone = {
            "id": str(guild.id),
            "name": "@everyone",
            "color": 0,
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": 0,
            "permissions": str(MEMBER_PERMISSIONS),
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }
        return {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.ids()),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": "en-US",
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "vanity_url_code": None,
            "application_id": None,
            "features": [],
            "roles": [everyone],
            "emojis": [],
            "stickers": [],
            "joined_at": iso(),
            "large": False,
            "unavailable": False,
            "member_count": 3,
            "voice_states": [],
            "members": [member_payload(self.bot)],
            "channels": [channel.payload() for channel in channels],
            "threads": [self._thread_payload(thread) for thread in threads],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    def _thread_payload(self, thread: Channel) -> Json:
        return thread.payload(message_count=len(self.messages.get(thread.id, {})))

    # -- acting as members -----------------------------------------------------------------------------

    def _thread_receives(self, channel: Channel) -> None:
        """A message in an archived, unlocked thread reopens it, as on Discord."""
        if channel.is_thread and channel.archived and not channel.locked:
            channel.archived = False

    async def member_says(self, channel_id: int, user: User, content: str, *, reply_to: int | None = None) -> Message:
        channel = self.channels[channel_id]
        was_archived = channel.archived
        self._thread_receives(channel)
        message = Message(self.ids(), channel_id, channel.guild_id, user, content)
        if reply_to is not None:
            message.type = REPLY
            message.reference = {"message_id": str(reply_to), "channel_id": str(channel_id), "type": 0}
        self.messages[channel_id][message.id] = message
        if was_archived and not channel.archived:
            await self._dispatch("THREAD_UPDATE", {**self._thread_payload(channel), "guild_id": str(channel.guild_id)})
        await self._dispatch("MESSAGE_CREATE", message.payload(bot_id=self.bot.id, gateway=True))
        return message

    async def member_edits(self, channel_id: int, message_id: int, content: str) -> Message:
        message = self.messages[channel_id][message_id]
        message.content = content
        message.edited_timestamp = iso()
        await self._dispatch("MESSAGE_UPDATE", message.payload(bot_id=self.bot.id, gateway=True))
        return message

    async def member_deletes(self, channel_id: int, message_id: int) -> None:
        message = self.messages[channel_id].pop(message_id)
        data = {"id": str(message_id), "channel_id": str(channel_id), "guild_id": str(message.guild_id)}
        await self._dispatch("MESSAGE_DELETE", data)

    async def moderator_bulk_deletes(self, channel_id: int, message_ids: list[int]) -> None:
        channel = self.channels[channel_id]
        for message_id in message_ids:
            self.messages[channel_id].pop(message_id)
        data = {"ids": [str(m) for m in message_ids], "channel_id": str(channel_id), "guild_id": str(channel.guild_id)}
        await self._dispatch("MESSAGE_DELETE_BULK", data)

    async def react(self, channel_id: int, message_id: int, user: User, emoji: str | Json, *, add: bool = True) -> None:
        message = self.messages[channel_id][message_id]
        partial = emoji_object(emoji)
        key = emoji_key(partial)
        _, users = message.reactions.setdefault(key, (partial, []))
        if add == (user.id in users):
            return  # Discord sends nothing for a reaction that is already there (or not there)
        if add:
            users.append(user.id)
        else:
            users.remove(user.id)
        data: Json = {
            "user_id": str(user.id),
            "channel_id": str(channel_id),
            "message_id": str(message_id),
            "guild_id": str(message.guild_id),
            "emoji": partial,
            "burst": False,
            "type": 0,
        }
        if add:
            data.update(member=member_payload(user), message_author_id=str(message.author.id), burst_colors=[])
        await self._dispatch("MESSAGE_REACTION_ADD" if add else "MESSAGE_REACTION_REMOVE", data)

    async def moderator_clears_reactions(self, channel_id: int, message_id: int) -> None:
        message = self.messages[channel_id][message_id]
        message.reactions.clear()
        data = {"channel_id": str(channel_id), "message_id": str(message_id), "guild_id": str(message.guild_id)}
        await self._dispatch("MESSAGE_REACTION_REMOVE_ALL", data)

    async def archive(self, thread_id: int, *, locked: bool = False) -> None:
        thread = self.channels[thread_id]
        thread.archived, thread.locked, thread.archived_at = True, locked, iso()
        await self._dispatch("THREAD_UPDATE", {**self._thread_payload(thread), "guild_id": str(thread.guild_id)})

    async def remove_bot(self, guild: Guild) -> None:
        """The bot was kicked (or the server deleted): GUILD_DELETE without ``unavailable``."""
        del self.guilds[guild.id]
        await self._dispatch("GUILD_DELETE", {"id": str(guild.id)})

    def _interaction(
        self, kind: int, user: User, channel_id: int, data: Json, permissions: int
    ) -> tuple[Interaction, Json]:
        channel = self.channels[channel_id]
        assert channel.guild_id is not None
        interaction = Interaction(
            id=self.ids(),
            token=secrets.token_urlsafe(48),
            type=kind,
            user=user,
            channel_id=channel_id,
            guild_id=channel.guild_id,
            created_at=time.monotonic(),
            data=data,
        )
        self.interactions[interaction.token] = interaction
        payload = {
            "id": str(interaction.id),
            "application_id": str(self.application_id),
            "type": kind,
            "data": data,
            "guild_id": str(channel.guild_id),
            "guild": {"id": str(channel.guild_id), "locale": "en-US", "features": []},
            "channel_id": str(channel_id),
            "channel": channel.payload(),
            "member": member_payload(user, permissions=permissions),
            "token": interaction.token,
            "version": 1,
            "app_permissions": str(ALL_PERMISSIONS),
            "locale": "en-GB",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(channel.guild_id)},
            "context": 0,
            "attachment_size_limit": 10_485_760,
        }
        return interaction, payload

    def _command_data(self, name: str, subcommand: str | None, options: dict[str, Any], focused: str | None) -> Json:
        registered = next((command for command in self.commands if command["name"] == name), None)
        values = []
        for key, value in options.items():
            kind = 5 if isinstance(value, bool) else 4 if isinstance(value, int) else 3
            option: Json = {"name": key, "type": kind, "value": value}
            if key == focused:
                option["focused"] = True
            values.append(option)
        top = [{"name": subcommand, "type": 1, "options": values}] if subcommand else values
        return {"id": registered["id"] if registered else str(self.ids()), "name": name, "type": 1, "options": top}

    async def slash(
        self,
        user: User,
        channel_id: int,
        name: str,
        subcommand: str | None = None,
        *,
        permissions: int = MEMBER_PERMISSIONS,
        **options: Any,
    ) -> Interaction:
        """A member runs a slash command (INTERACTION_CREATE, type 2)."""
        data = self._command_data(name, subcommand, options, None)
        interaction, payload = self._interaction(2, user, channel_id, data, permissions)
        await self._dispatch("INTERACTION_CREATE", payload)
        return interaction

    async def autocomplete(
        self, user: User, channel_id: int, name: str, subcommand: str | None, focused: str, **options: Any
    ) -> Interaction:
        data = self._command_data(name, subcommand, options, focused)
        interaction, payload = self._interaction(4, user, channel_id, data, MEMBER_PERMISSIONS)
        await self._dispatch("INTERACTION_CREATE", payload)
        return interaction

    # -- injected failures -----------------------------------------------------------------------------

    def rate_limit(
        self, method: str, path: str, *, retry_after: float = 0.25, times: int = 1, is_global: bool = False
    ) -> None:
        """The next ``times`` matching requests get a 429 with Discord's headers and body."""
        reset = time.time() + retry_after
        headers = {
            "Retry-After": str(math.ceil(retry_after)),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{reset:.3f}",
            "X-RateLimit-Reset-After": f"{retry_after:.3f}",
            "X-RateLimit-Bucket": "fake-" + secrets.token_hex(8),
            "X-RateLimit-Scope": "global" if is_global else "user",
            "Via": "1.1 google",
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": is_global, "code": 0}
        self.rules.append(Rule(method, re.compile(path), times, 429, body, headers))

    def fail(self, method: str, path: str, *, status: int, code: int, message: str, times: int = 1) -> None:
        self.rules.append(Rule(method, re.compile(path), times, status, {"message": message, "code": code}))

    def _injected(self, method: str, path: str) -> Rule | None:
        for rule in self.rules:
            if rule.times > 0 and rule.method == method and rule.pattern.fullmatch(path):
                rule.times -= 1
                return rule
        return None
