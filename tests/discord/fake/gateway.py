"""The fake's gateway: protocol v10 over a websocket, with sessions that resume or are invalidated.

HELLO (op 10), IDENTIFY (op 2) -> READY and a GUILD_CREATE per guild, HEARTBEAT (op 1) and its ACK
(op 11) both ways, dispatches (op 0 with ``s`` and ``t``), RESUME (op 6) -> replay and RESUMED, or
INVALID_SESSION (op 9) when the session cannot be resumed, RECONNECT (op 7). Transport compression is
``zlib-stream`` when the client asks for it (discord.py does), plain JSON text otherwise.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
import zlib
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.discord.fake.objects import (
    Json,
)

MESSAGE_CONTENT_INTENT = 1 << 15


@dataclass
class Session:
    id: str
    seq: int = 0
    resumable: bool = True
    buffer: list[Json] = field(default_factory=list)
    connection: Connection | None = None


@dataclass
class Connection:
    ws: web.WebSocketResponse
    compressor: Any | None  # zlib compressobj for zlib-stream transport compression
    session: Session | None = None
    heartbeat_waiters: list[tuple[int, asyncio.Future[None]]] = field(default_factory=list)

    async def send(self, payload: Json) -> None:
        if self.ws.closed:
            return
        text = json.dumps(payload, ensure_ascii=False)
        if self.compressor is None:
            await self.ws.send_str(text)
        else:
            data = self.compressor.compress(text.encode()) + self.compressor.flush(zlib.Z_SYNC_FLUSH)
            await self.ws.send_bytes(data)


class Gateway:
    """Mixed into ``FakeDiscord``: the gateway half of the fake."""

    async def _dispatch(self, kind: str, data: Json) -> None:
        session = self.session
        if session is None:
            return
        session.seq += 1
        payload = {"op": 0, "t": kind, "s": session.seq, "d": data}
        session.buffer.append(payload)
        if session.connection is not None:
            await session.connection.send(payload)
        await self._notify()

    @property
    def sequence(self) -> int:
        return self.session.seq if self.session else 0

    async def sync(self, timeout: float = 10.0) -> None:
        """Return once the client has read every dispatch sent so far.

        The fake asks for a heartbeat (op 1); discord.py answers it from its read loop with its
        current sequence number, so an answer carrying the latest sequence comes after it parsed
        (and routed) every earlier dispatch.
        """
        session = self.session
        assert session is not None and session.connection is not None, "no live gateway session"
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        session.connection.heartbeat_waiters.append((session.seq, future))
        await session.connection.send({"op": 1, "d": None, "s": None, "t": None})
        await asyncio.wait_for(future, timeout)

    async def disconnect(self, *, resumable: bool, code: int = 4000) -> None:
        """Drop the client's connection; new connections hang until ``reconnect_allowed()``."""
        self._open.clear()
        session = self.session
        assert session is not None
        session.resumable = resumable
        connection = session.connection
        session.connection = None
        if connection is not None:
            await connection.ws.close(code=code, message=b"fake outage")

    def reconnect_allowed(self) -> None:
        self._open.set()

    async def send_reconnect(self) -> None:
        """Op 7: Discord asks the client to reconnect and resume."""
        assert self.session is not None and self.session.connection is not None
        await self.session.connection.send({"op": 7, "d": None, "s": None, "t": None})

    async def replay(self, from_sequence: int) -> None:
        """Send already-delivered dispatches again, as an at-least-once transport may."""
        session = self.session
        assert session is not None and session.connection is not None
        for payload in session.buffer:
            if payload["s"] >= from_sequence:
                await session.connection.send(payload)

    async def wait_sessions(self, identifies: int, timeout: float = 15.0) -> None:
        """Wait until the client has identified this many times and its last session is live."""
        await self.wait_for(
            lambda: (
                len(self.identifies) >= identifies and self.session is not None and self.session.connection is not None
            ),
            timeout,
        )

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoclose=True, max_msg_size=0)
        await ws.prepare(request)
        self.gateway_urls.append(str(request.rel_url))
        await self._open.wait()  # an outage: the connection hangs until it is over
        query = request.query
        if query.get("v") != "10" or query.get("encoding", "json") != "json":
            await ws.close(code=4012, message=b"Invalid API version")
            return ws
        compress = query.get("compress")
        if compress not in (None, "zlib-stream"):
            await ws.close(code=4000, message=b"unsupported compression")
            return ws
        connection = Connection(ws, zlib.compressobj() if compress else None)
        self.connections.append(connection)
        await connection.send({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}, "s": None, "t": None})
        try:
            async for message in ws:
                if message.type is not WSMsgType.TEXT:
                    continue
                await self._gateway_message(connection, json.loads(message.data))
        finally:
            self.connections.remove(connection)
            if connection.session is not None and connection.session.connection is connection:
                connection.session.connection = None
            await self._notify()
        return ws

    async def _gateway_message(self, connection: Connection, payload: Json) -> None:
        op, data = payload.get("op"), payload.get("d")
        if op == 1:
            current = int(data or 0)
            for target, future in list(connection.heartbeat_waiters):
                if current >= target and not future.done():
                    future.set_result(None)
                    connection.heartbeat_waiters.remove((target, future))
            await connection.send({"op": 11, "d": None, "s": None, "t": None})
        elif op == 2:
            await self._identify(connection, data)
        elif op == 6:
            await self._resume(connection, data)

    async def _identify(self, connection: Connection, data: Json) -> None:
        if data.get("token") != self.TOKEN:
            await connection.ws.close(code=4004, message=b"Authentication failed.")
            return
        intents = int(data.get("intents", 0))
        if intents & MESSAGE_CONTENT_INTENT and not self.message_content_enabled:
            await connection.ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        self.identifies.append(time.monotonic())
        self.intents = intents
        session = Session(secrets.token_hex(16))
        self.sessions[session.id] = session
        self.session = session
        session.connection, connection.session = connection, session
        ready = {
            "v": 10,
            "user": await self._get_me(),
            "guilds": [{"id": str(guild_id), "unavailable": True} for guild_id in self.guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": 1 << 19},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "_trace": ["fake-discord"],
        }
        await self._dispatch("READY", ready)
        for guild in list(self.guilds.values()):
            await self._dispatch("GUILD_CREATE", self.guild_payload(guild))

    async def _resume(self, connection: Connection, data: Json) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        if data.get("token") != self.TOKEN or session is None or not session.resumable or session is not self.session:
            self.resumes.append((str(data.get("session_id")), False))
            await connection.send({"op": 9, "d": False, "s": None, "t": None})
            return
        self.resumes.append((session.id, True))
        session.connection, connection.session = connection, session
        seen = int(data.get("seq") or 0)
        for payload in session.buffer:
            if payload["s"] > seen:
                await connection.send(payload)
        await self._dispatch("RESUMED", {"_trace": ["fake-discord"]})
