"""The fake's REST routes: the calls the bot makes, answered with Discord's shapes and status codes."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote

from aiohttp import web

from tests.discord.fake.objects import (
    DM,
    GUILD_TEXT,
    PUBLIC_THREAD,
    REPLY,
    Call,
    Channel,
    Json,
    Message,
    User,
    iso,
    pings,
)
from tests.discord.fake.validation import (
    DiscordError,
    attachments,
    command_problems,
    json_response,
    not_found,
    validate_message,
)

EPHEMERAL = 1 << 6


class Rest:
    """Mixed into ``FakeDiscord``: the REST half of the fake."""

    def _routes(self) -> list[tuple[str, re.Pattern[str], Callable[..., Awaitable[Any]]]]:
        table: list[tuple[str, str, Callable[..., Awaitable[Any]]]] = [
            ("GET", r"/users/@me", self._get_me),
            ("GET", r"/oauth2/applications/@me", self._get_application),
            ("GET", r"/gateway/bot", self._get_gateway_bot),
            ("GET", r"/applications/(\d+)/commands", self._get_commands),
            ("PUT", r"/applications/(\d+)/commands", self._put_commands),
            ("POST", r"/channels/(\d+)/messages", self._create_message),
            ("GET", r"/channels/(\d+)/messages", self._list_messages),
            ("GET", r"/channels/(\d+)/messages/(\d+)", self._get_message),
            ("PATCH", r"/channels/(\d+)/messages/(\d+)", self._edit_message),
            ("DELETE", r"/channels/(\d+)/messages/(\d+)", self._delete_message),
            ("POST", r"/channels/(\d+)/messages/(\d+)/threads", self._start_thread),
            ("GET", r"/channels/(\d+)/messages/(\d+)/reactions/([^/]+)", self._reaction_users),
            ("GET", r"/channels/(\d+)", self._get_channel),
            ("PATCH", r"/channels/(\d+)", self._edit_channel),
            ("PUT", r"/channels/(\d+)/thread-members/(\d+)", self._add_thread_member),
            ("POST", r"/users/@me/channels", self._open_dm),
            ("POST", r"/interactions/(\d+)/([^/]+)/callback", self._interaction_callback),
            ("PATCH", r"/webhooks/(\d+)/([^/]+)/messages/@original", self._edit_original),
            ("DELETE", r"/webhooks/(\d+)/([^/]+)/messages/@original", self._delete_original),
            ("POST", r"/webhooks/(\d+)/([^/]+)", self._followup),
        ]
        return [(method, re.compile(pattern), handler) for method, pattern, handler in table]

    async def _read_body(self, request: web.Request) -> tuple[Any, list[tuple[str, bytes]]]:
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            files = [(str(part.filename), part.file.read()) for key, part in form.items() if key.startswith("files[")]  # type: ignore[union-attr]
            return json.loads(str(form["payload_json"])), files
        raw = await request.read()
        return (json.loads(raw) if raw else None), []

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + unquote(request.match_info["tail"])
        body, files = await self._read_body(request)
        call = Call(request.method, path, dict(request.query), body, [name for name, _ in files], time.monotonic())
        self.calls.append(call)
        try:
            response = await self._handle(request, path, body, files)
        except DiscordError as error:
            response = json_response({"message": error.message, "code": error.code}, status=error.status)
        call.status = response.status
        await self._notify()
        return response

    async def _handle(
        self, request: web.Request, path: str, body: Any, files: list[tuple[str, bytes]]
    ) -> web.StreamResponse:
        open_route = path.startswith(("/interactions/", "/webhooks/"))
        if not open_route and request.headers.get("Authorization") != f"Bot {self.TOKEN}":
            return json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        rule = self._injected(request.method, path)
        if rule is not None:
            return json_response(rule.body, status=rule.status, headers=rule.headers)
        for method, pattern, handler in self._routes():
            match = pattern.fullmatch(path)
            if match and method == request.method:
                result = await handler(*match.groups(), body=body, files=files, query=request.query)
                headers = {
                    "X-RateLimit-Limit": "50",
                    "X-RateLimit-Remaining": "49",
                    "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
                    "X-RateLimit-Reset-After": "1.000",
                    "X-RateLimit-Bucket": f"fake-{method}-{pattern.pattern}",
                }
                if result is None:
                    return web.Response(status=204, headers=headers)
                return json_response(result, headers=headers)
        return json_response({"message": "404: Not Found", "code": 0}, status=404)

    async def _get_me(self, **_: Any) -> Json:
        return {**self.bot.payload(), "verified": True, "mfa_enabled": False, "flags": 0, "locale": "en-US"}

    async def _get_application(self, **_: Any) -> Json:
        return {
            "id": str(self.application_id),
            "name": "practice-bot",
            "icon": None,
            "description": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.owner.payload(),
            "verify_key": "0" * 64,
            "team": None,
            "flags": 1 << 19,  # message content intent enabled (limited)
            "summary": "",
            "bot": self.bot.payload(),
        }

    async def _get_gateway_bot(self, **_: Any) -> Json:
        return {
            "url": self.gateway_url,
            "shards": 1,
            "session_start_limit": {
                "total": 1000,
                "remaining": self.session_starts_left - len(self.identifies),
                "reset_after": self.session_starts_reset_ms,
                "max_concurrency": 1,
            },
        }

    async def _get_commands(self, application_id: str, **_: Any) -> list[Json]:
        return self.commands

    async def _put_commands(self, application_id: str, *, body: Any, **_: Any) -> list[Json]:
        if int(application_id) != self.application_id:
            raise not_found("Application", 10002)
        errors = [problem for command in body for problem in command_problems(command)]
        if errors:
            raise DiscordError(400, 50035, "Invalid Form Body: " + "; ".join(errors))
        existing = {command["name"]: command["id"] for command in self.commands}
        self.commands = [
            {
                **command,
                "id": existing.get(command["name"], str(self.ids())),
                "application_id": application_id,
                "version": str(self.ids()),
            }
            for command in body
        ]
        return self.commands

    def _channel_or_404(self, channel_id: str) -> Channel:
        channel = self.channels.get(int(channel_id))
        if channel is None:
            raise not_found("Channel", 10003)
        return channel

    def _message_or_404(self, channel_id: str, message_id: str) -> Message:
        self._channel_or_404(channel_id)
        message = self.messages[int(channel_id)].get(int(message_id))
        if message is None:
            raise not_found("Message", 10008)
        return message

    def _bot_message(self, channel: Channel, body: Json, files: list[tuple[str, bytes]]) -> Message:
        validate_message(body, files)
        reference = body.get("message_reference")
        replied_author = None
        kind = 0
        if reference:
            referenced = self.messages.get(channel.id, {}).get(int(reference["message_id"]))
            if referenced is None and not reference.get("fail_if_not_exists", True):
                reference = None
            elif referenced is None:
                raise DiscordError(400, 50035, "Invalid Form Body: Unknown message")
            else:
                replied_author = referenced.author.id
                kind = REPLY
                reference = {"message_id": str(referenced.id), "channel_id": str(channel.id), "type": 0}
        message = Message(
            self.ids(),
            channel.id,
            channel.guild_id,
            self.bot,
            body.get("content", ""),
            embeds=list(body.get("embeds", [])),
            attachments=attachments(files, self.ids),
            type=kind,
            flags=int(body.get("flags", 0)),
            reference=reference,
            nonce=body.get("nonce"),
        )
        message.pinged = pings(message.content, body.get("allowed_mentions"), replied_author=replied_author)
        return message

    async def _create_message(self, channel_id: str, *, body: Json, files: list[tuple[str, bytes]], **_: Any) -> Json:
        channel = self._channel_or_404(channel_id)
        if channel.type == DM and channel.recipient is not None and not channel.recipient.accepts_dms:
            raise DiscordError(403, 50007, "Cannot send messages to this user")
        if channel.is_thread and channel.archived and channel.locked:
            raise DiscordError(403, 50013, "Missing Permissions")
        nonce = body.get("nonce")
        if nonce and body.get("enforce_nonce"):
            for existing in self.messages[channel.id].values():
                if existing.author.id == self.bot.id and existing.nonce == nonce:
                    return existing.payload(bot_id=self.bot.id)
        was_archived = channel.archived
        self._thread_receives(channel)
        message = self._bot_message(channel, body, files)
        self.messages[channel.id][message.id] = message
        if was_archived and not channel.archived:
            await self._dispatch("THREAD_UPDATE", {**self._thread_payload(channel), "guild_id": str(channel.guild_id)})
        if channel.type != DM:
            await self._dispatch("MESSAGE_CREATE", message.payload(bot_id=self.bot.id, gateway=True))
        return message.payload(bot_id=self.bot.id)

    async def _list_messages(self, channel_id: str, *, query: Any, **_: Any) -> list[Json]:
        self._channel_or_404(channel_id)
        limit = max(1, min(100, int(query.get("limit", 50))))
        ordered = self.channel_messages(int(channel_id))
        if "after" in query:
            chosen = [m for m in ordered if m.id > int(query["after"])][:limit]
        else:
            before = int(query.get("before", 1 << 63))
            chosen = [m for m in ordered if m.id < before][-limit:]
        return [message.payload(bot_id=self.bot.id) for message in reversed(chosen)]

    async def _get_message(self, channel_id: str, message_id: str, **_: Any) -> Json:
        return self._message_or_404(channel_id, message_id).payload(bot_id=self.bot.id)

    def _refuse_if_archived(self, channel: Channel) -> None:
        if channel.is_thread and channel.archived:
            raise DiscordError(400, 50083, "Thread is archived")

    async def _edit_message(
        self, channel_id: str, message_id: str, *, body: Json, files: list[tuple[str, bytes]], **_: Any
    ) -> Json:
        message = self._message_or_404(channel_id, message_id)
        if message.author.id != self.bot.id:
            raise DiscordError(403, 50005, "Cannot edit a message authored by another user")
        self._refuse_if_archived(self.channels[int(channel_id)])
        validate_message({"content": "x", **body}, files)
        if "content" in body:
            message.content = body["content"] or ""
        if "embeds" in body:
            message.embeds = list(body["embeds"])
        message.edited_timestamp = iso()
        message.pinged |= pings(message.content, body.get("allowed_mentions"), replied_author=None)
        if message.guild_id is not None:  # the bot asks for no direct-message intents
            await self._dispatch("MESSAGE_UPDATE", message.payload(bot_id=self.bot.id, gateway=True))
        return message.payload(bot_id=self.bot.id)

    async def _delete_message(self, channel_id: str, message_id: str, **_: Any) -> None:
        message = self._message_or_404(channel_id, message_id)
        self._refuse_if_archived(self.channels[int(channel_id)])
        del self.messages[int(channel_id)][message.id]
        if message.guild_id is not None:  # the bot asks for no direct-message intents
            data = {"id": message_id, "channel_id": channel_id, "guild_id": str(message.guild_id)}
            await self._dispatch("MESSAGE_DELETE", data)

    async def _start_thread(self, channel_id: str, message_id: str, *, body: Json, **_: Any) -> Json:
        parent = self._channel_or_404(channel_id)
        self._message_or_404(channel_id, message_id)
        if parent.type != GUILD_TEXT:
            raise DiscordError(400, 50024, "Cannot execute action on this channel type")
        if int(message_id) in self.channels:
            raise DiscordError(400, 160004, "A thread has already been created for this message")
        name = str(body.get("name", ""))
        if not 1 <= len(name) <= 100:
            raise DiscordError(400, 50035, "Invalid Form Body: name")
        thread = Channel(
            int(message_id),
            parent.guild_id,
            name,
            type=PUBLIC_THREAD,
            parent_id=parent.id,
            owner_id=self.bot.id,
            auto_archive_duration=int(body.get("auto_archive_duration", 1440)),
        )
        self.channels[thread.id] = thread
        self.messages[thread.id] = {}
        member = {"id": str(thread.id), "user_id": str(self.bot.id), "join_timestamp": iso(), "flags": 1}
        payload = {**self._thread_payload(thread), "newly_created": True, "member": member}
        await self._dispatch("THREAD_CREATE", payload)
        return self._thread_payload(thread)

    async def _reaction_users(
        self, channel_id: str, message_id: str, emoji: str, *, query: Any, **_: Any
    ) -> list[Json]:
        message = self._message_or_404(channel_id, message_id)
        _, users = message.reactions.get(emoji, (None, []))
        after = int(query.get("after", 0))
        limit = max(1, min(100, int(query.get("limit", 25))))
        return [self.users[user_id].payload() for user_id in sorted(users) if user_id > after][:limit]

    async def _get_channel(self, channel_id: str, **_: Any) -> Json:
        channel = self._channel_or_404(channel_id)
        return self._thread_payload(channel) if channel.is_thread else channel.payload()

    async def _edit_channel(self, channel_id: str, *, body: Json, **_: Any) -> Json:
        channel = self._channel_or_404(channel_id)
        if "archived" in body and channel.is_thread:
            if channel.locked and not body["archived"]:
                raise DiscordError(403, 50013, "Missing Permissions")
            channel.archived = bool(body["archived"])
            await self._dispatch("THREAD_UPDATE", {**self._thread_payload(channel), "guild_id": str(channel.guild_id)})
        return self._thread_payload(channel)

    async def _add_thread_member(self, thread_id: str, user_id: str, **_: Any) -> None:
        thread = self._channel_or_404(thread_id)
        if not thread.is_thread or int(user_id) not in self.users:
            raise DiscordError(400, 50035, "Invalid Form Body")
        self._refuse_if_archived(thread)

    async def _open_dm(self, *, body: Json, **_: Any) -> Json:
        user = self.users.get(int(body["recipient_id"]))
        if user is None:
            raise not_found("User", 10013)
        for channel in self.channels.values():
            if channel.type == DM and channel.recipient is user:
                return channel.payload()
        channel = Channel(self.ids(), None, "", type=DM, recipient=user)
        self.channels[channel.id] = channel
        self.messages[channel.id] = {}
        return channel.payload()

    def dm_messages(self, user: User) -> list[Message]:
        channel = next((c for c in self.channels.values() if c.type == DM and c.recipient is user), None)
        return [] if channel is None else self.channel_messages(channel.id)
