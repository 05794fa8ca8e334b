"""A fake Slack on a loopback port: the Web API, file uploads, response URLs and the Socket Mode websocket.

It answers the way Slack does (``{"ok": true, ...}`` with the documented response shapes, or
``{"ok": false, "error": "..."}``), enforces the limits Slack enforces (so a message the adapter renders
too large is refused here, as it would be there), records every call with its arrival time, and can
be told to refuse calls or answer HTTP 429 with ``Retry-After``. Only Slack is fake: the adapter's
slack-sdk client talks to it over real HTTP.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

TEAM_ID = "T0PRACTICE"
BOT_TOKEN = "xoxb-1111-2222-practicebottoken"
APP_TOKEN = "xapp-1-A0PRACTICE-3333-practiceapptoken"
BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
APP_ID = "A0PRACTICE"

MAX_TEXT = 40_000
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None
    at: float = field(default_factory=time.monotonic)
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None
    user: str


class InvalidBlocksError(ValueError):
    pass


def _text_object_ok(item: Any, limit: int = 3000) -> bool:
    return isinstance(item, dict) and isinstance(item.get("text"), str) and 0 < len(item["text"]) <= limit


def check_blocks(blocks: list[dict[str, Any]], *, max_blocks: int) -> None:
    """Slack's Block Kit limits for the block types the adapter uses; ``InvalidBlocksError`` as Slack's invalid_blocks."""
    if len(blocks) > max_blocks:
        raise InvalidBlocksError(f"more than {max_blocks} blocks")
    for block in blocks:
        kind = block.get("type")
        if kind == "section":
            text, fields = block.get("text"), block.get("fields")
            if text is None and not fields:
                raise InvalidBlocksError("a section needs text or fields")
            if text is not None and not _text_object_ok(text):
                raise InvalidBlocksError("section text must be 1-3000 characters")
            if fields is not None and (len(fields) > 10 or not all(_text_object_ok(f, 2000) for f in fields)):
                raise InvalidBlocksError("at most 10 fields of 1-2000 characters")
        elif kind == "context":
            elements = block.get("elements") or []
            if not 0 < len(elements) <= 10 or not all(_text_object_ok(e) for e in elements):
                raise InvalidBlocksError("a context holds 1-10 elements of 1-3000 characters")
        elif kind == "header":
            if not _text_object_ok(block.get("text"), 150):
                raise InvalidBlocksError("a header's text is 1-150 characters")
        elif kind != "divider":
            raise InvalidBlocksError(f"block type {kind!r} is not expected from this app")


def all_texts(blocks: list[dict[str, Any]]) -> list[str]:
    """Every text string in a list of blocks (section text, fields, context elements)."""
    texts: list[str] = []
    for block in blocks:
        if isinstance(block.get("text"), dict):
            texts.append(block["text"]["text"])
        texts.extend(item["text"] for item in block.get("fields") or ())
        texts.extend(item["text"] for item in block.get("elements") or ())
    return texts


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.messages: dict[tuple[str, str], Message] = {}
        self.ephemerals: list[dict[str, Any]] = []
        self.views: dict[str, dict[str, Any]] = {}
        self.uploads: dict[str, bytes] = {}
        self.shared_files: list[dict[str, Any]] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, tuple[str, str, str]] = {BOT_TOKEN: (TEAM_ID, BOT_USER_ID, BOT_ID)}
        self.app_tokens = {APP_TOKEN}
        # Public channels the bot is not a member of (chat.postMessage answers not_in_channel until it joins).
        self.outside_channels: set[str] = set()
        self.oauth_codes: dict[str, dict[str, Any]] = {}
        self.latency = 0.0
        self.socket_acks: list[tuple[float, dict[str, Any]]] = []
        self._failures: dict[str, list[tuple[int, dict[str, Any], dict[str, str]]]] = {}
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._sockets: list[web.WebSocketResponse] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- set-up -----------------------------------------------------------------------------------------

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base}/api/"

    def add_user(self, user_id: str, name: str, *, admin: bool = False, owner: bool = False, bot: bool = False) -> None:
        self.users[user_id] = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": name.lower(),
            "real_name": name,
            "deleted": False,
            "is_admin": admin,
            "is_owner": owner,
            "is_primary_owner": owner,
            "is_bot": bot,
            "profile": {"display_name": name, "real_name": name},
        }

    def response_url(self) -> str:
        return f"{self.base}/commands/{TEAM_ID}/{next(self._ids)}/secret"

    def fail(self, method: str, error: str, *, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` are refused with ``error``."""
        self._failures.setdefault(method, []).extend([(200, {"ok": False, "error": error}, {})] * times)

    def rate_limit(self, method: str, *, retry_after: int, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` get HTTP 429 with ``Retry-After``."""
        failure = (429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)})
        self._failures.setdefault(method, []).extend([failure] * times)

    # -- lifecycle --------------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/v1/{file_id}", self._upload)
        app.router.add_post("/commands/{team}/{id}/{secret}", self._response_url)
        app.router.add_get("/link/", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- observing --------------------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def thread(self, channel: str, thread_ts: str) -> list[Message]:
        """The bot's replies in a thread, in the order they were posted."""
        return [m for m in self.messages.values() if m.channel == channel and m.thread_ts == thread_ts]

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(condition), timeout)

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()

    # -- HTTP handlers ----------------------------------------------------------------------------------

    @staticmethod
    async def _arguments(request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            raw = await request.text()
            if request.content_type == "application/json":
                args.update(json.loads(raw or "{}"))
            else:
                args.update(parse_qsl(raw, keep_blank_values=True))
        for key in ("blocks", "view", "files", "users"):
            if isinstance(args.get(key), str) and args[key][:1] in "[{":
                args[key] = json.loads(args[key])
        return args

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._arguments(request)
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ") if header.startswith("Bearer ") else args.pop("token", None)
        call = Call(method, args, token)
        if self.latency:
            await asyncio.sleep(self.latency)
        queued = self._failures.get(method)
        if queued:
            status, body, headers = queued.pop(0)
            call.status, call.response = status, body
            await self._record(call)
            return web.json_response(body, status=status, headers=headers)
        body = self._answer(method, args, token, request)
        call.response = body
        await self._record(call)
        return web.json_response(body)

    def _answer(self, method: str, args: dict[str, Any], token: str | None, request: web.Request) -> dict[str, Any]:
        if method == "oauth.v2.access":
            return self._oauth_access(args, request)
        if method == "apps.connections.open":
            if token not in self.app_tokens:
                return {"ok": False, "error": "invalid_auth"}
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/link/?ticket={next(self._ids)}"}
        if token not in self.tokens:
            return {"ok": False, "error": "not_authed" if not token else "invalid_auth"}
        team, bot_user, bot_id = self.tokens[token]
        handler = self._methods().get(method)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        try:
            result: dict[str, Any] = handler(args, team=team, bot_user=bot_user, bot_id=bot_id)
        except InvalidBlocksError as refusal:
            return {"ok": False, "error": "invalid_blocks", "errors": [str(refusal)]}
        return result

    def _methods(self) -> dict[str, Callable[..., dict[str, Any]]]:
        return {
            "chat.postMessage": self._post_message,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.update": self._update,
            "chat.delete": self._delete,
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "views.publish": self._views_publish,
            "conversations.open": self._conversations_open,
            "conversations.join": self._conversations_join,
            "files.getUploadURLExternal": self._upload_url,
            "files.completeUploadExternal": self._complete_upload,
        }

    def _new_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    def _message_content(self, args: dict[str, Any]) -> tuple[str, list[dict[str, Any]]] | dict[str, Any]:
        text = args.get("text") or ""
        blocks = args.get("blocks") or []
        if not text and not blocks:
            return {"ok": False, "error": "no_text"}
        if len(text) > MAX_TEXT:
            return {"ok": False, "error": "msg_too_long"}
        check_blocks(blocks, max_blocks=MAX_MESSAGE_BLOCKS)
        return text, blocks

    def _channel_problem(self, channel: str | None) -> dict[str, Any] | None:
        if not channel or channel[0] not in "CDG":
            return {"ok": False, "error": "channel_not_found"}
        if channel in self.outside_channels:
            return {"ok": False, "error": "not_in_channel"}
        return None

    def _post_message(self, args: dict[str, Any], *, team: str, bot_user: str, bot_id: str) -> dict[str, Any]:
        channel = args.get("channel")
        problem = self._channel_problem(channel)
        if problem:
            return problem
        assert channel is not None
        content = self._message_content(args)
        if isinstance(content, dict):
            return content
        text, blocks = content
        ts = self._new_ts()
        thread_ts = args.get("thread_ts") or None
        self.messages[(channel, ts)] = Message(channel, ts, text, blocks, thread_ts, bot_user)
        message: dict[str, Any] = {
            "type": "message",
            "user": bot_user,
            "bot_id": bot_id,
            "app_id": APP_ID,
            "team": team,
            "text": text,
            "blocks": blocks,
            "ts": ts,
        }
        if thread_ts:
            message["thread_ts"] = thread_ts
            message["parent_user_id"] = bot_user
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _post_ephemeral(self, args: dict[str, Any], **_: str) -> dict[str, Any]:
        problem = self._channel_problem(args.get("channel"))
        if problem:
            return problem
        if args.get("user") not in self.users:
            return {"ok": False, "error": "user_not_in_channel"}
        content = self._message_content(args)
        if isinstance(content, dict):
            return content
        self.ephemerals.append(args)
        return {"ok": True, "message_ts": self._new_ts()}

    def _update(self, args: dict[str, Any], *, bot_user: str, **_: str) -> dict[str, Any]:
        key = (args.get("channel") or "", args.get("ts") or "")
        existing = self.messages.get(key)
        if existing is None:
            return {"ok": False, "error": "message_not_found"}
        if existing.user != bot_user:
            return {"ok": False, "error": "cant_update_message"}
        content = self._message_content(args)
        if isinstance(content, dict):
            return content
        existing.text, existing.blocks = content
        return {"ok": True, "channel": key[0], "ts": key[1], "text": existing.text, "message": {"text": existing.text}}

    def _delete(self, args: dict[str, Any], **_: str) -> dict[str, Any]:
        key = (args.get("channel") or "", args.get("ts") or "")
        if self.messages.pop(key, None) is None:
            return {"ok": False, "error": "message_not_found"}
        return {"ok": True, "channel": key[0], "ts": key[1]}

    def _auth_test(self, args: dict[str, Any], *, team: str, bot_user: str, bot_id: str) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://practice.example.slack.com/",
            "team": "Practice Group",
            "user": "practice-bot",
            "team_id": team,
            "user_id": bot_user,
            "bot_id": bot_id,
            "is_enterprise_install": False,
        }

    def _users_info(self, args: dict[str, Any], **_: str) -> dict[str, Any]:
        user = self.users.get(args.get("user") or "")
        return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}

    def _views_publish(self, args: dict[str, Any], *, team: str, **_: str) -> dict[str, Any]:
        view = args.get("view") or {}
        if view.get("type") != "home":
            return {"ok": False, "error": "invalid_arguments"}
        check_blocks(view.get("blocks") or [], max_blocks=MAX_VIEW_BLOCKS)
        self.views[args.get("user_id") or ""] = view
        return {"ok": True, "view": {"id": f"V{next(self._ids):06d}", "team_id": team, **view}}

    def _conversations_open(self, args: dict[str, Any], **_: str) -> dict[str, Any]:
        users = args.get("users") or ""
        if users not in self.users:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "channel": {"id": "D" + users.removeprefix("U")}}

    def _conversations_join(self, args: dict[str, Any], **_: str) -> dict[str, Any]:
        channel = args.get("channel") or ""
        if not channel.startswith("C"):
            return {"ok": False, "error": "method_not_supported_for_channel_type"}
        self.outside_channels.discard(channel)
        return {"ok": True, "channel": {"id": channel, "is_member": True}}

    def _upload_url(self, args: dict[str, Any], **_: str) -> dict[str, Any]:
        if not args.get("filename") or not str(args.get("length", "")).isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._ids):06d}"
        return {"ok": True, "upload_url": f"{self.base}/upload/v1/{file_id}", "file_id": file_id}

    def _complete_upload(self, args: dict[str, Any], **_: str) -> dict[str, Any]:
        files = args.get("files") or []
        if not files or any(item.get("id") not in self.uploads for item in files):
            return {"ok": False, "error": "file_not_found"}
        self.shared_files.append(args)
        return {"ok": True, "files": [{"id": item["id"], "title": item.get("title")} for item in files]}

    def _oauth_access(self, args: dict[str, Any], request: web.Request) -> dict[str, Any]:
        grant = self.oauth_codes.pop(args.get("code") or "", None)
        if grant is None:
            return {"ok": False, "error": "invalid_code"}
        self.tokens[grant["access_token"]] = (grant["team"]["id"], grant["bot_user_id"], "B" + grant["team"]["id"])
        return {"ok": True, **grant}

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        self.uploads[file_id] = await request.read()
        await self._record(Call("files.upload", {"file_id": file_id, "length": len(self.uploads[file_id])}, None))
        return web.Response(text=f"OK - {len(self.uploads[file_id])}", content_type="text/plain")

    async def _response_url(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("blocks"):
            check_blocks(body["blocks"], max_blocks=MAX_MESSAGE_BLOCKS)
        await self._record(Call("response_url", body, None))
        return web.Response(text="ok", content_type="text/plain")

    # -- Socket Mode ------------------------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": APP_ID}})
        async with self._changed:
            self._changed.notify_all()
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                self.socket_acks.append((time.monotonic(), json.loads(message.data)))
                async with self._changed:
                    self._changed.notify_all()
        self._sockets.remove(socket)
        return socket

    @property
    def socket_connected(self) -> bool:
        return bool(self._sockets)

    async def send_envelope(self, envelope: dict[str, Any]) -> float:
        """Push one Socket Mode envelope to the connected app; returns when it was sent."""
        sent = time.monotonic()
        await self._sockets[0].send_json(envelope)
        return sent
