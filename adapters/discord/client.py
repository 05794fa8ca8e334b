"""The discord.py client: the intents the bot needs, its HTTP client, and gateway dispatches routed synchronously.

Dispatches are routed from ``Client.dispatch`` while discord.py is still parsing them, not from
``on_*`` coroutines it schedules later: at that moment the websocket's sequence number is the
dispatch's own, which is the only identity a reaction event has (see ``translate``). It also saves
a task per dispatch the bot does not care about.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

import discord
from discord.state import ConnectionState

from adapters.discord.http import ConfiguredHTTPClient
from adapters.discord.identify import IdentifyGate
from adapters.discord.translate import Occurrence

log = logging.getLogger(__name__)


def intents() -> discord.Intents:
    """Servers and their channels, messages in them with their text (privileged), and reactions."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_messages = True
    wanted.message_content = True
    wanted.guild_reactions = True
    return wanted


class GatewayHandler(Protocol):
    """What the app does with each dispatch it cares about. Called synchronously: keep it cheap."""

    def message(self, message: discord.Message) -> None: ...
    def message_edit(self, payload: discord.RawMessageUpdateEvent) -> None: ...
    def message_delete(self, payload: discord.RawMessageDeleteEvent) -> None: ...
    def bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None: ...
    def reaction(self, payload: discord.RawReactionActionEvent, occurrence: Occurrence) -> None: ...
    def reactions_cleared(self, guild_id: int | None, channel_id: int, message_id: int) -> None: ...
    def interaction(self, interaction: discord.Interaction) -> None: ...
    def guild_remove(self, guild: discord.Guild, occurrence: Occurrence) -> None: ...
    def new_session(self, session_id: str) -> None: ...
    def resumed(self) -> None: ...
    async def setup(self) -> None: ...


class PracticeClient(discord.Client):
    def __init__(self, handler: GatewayHandler, *, api_base: str | None, gate: IdentifyGate) -> None:
        # The bot never joins voice: discord.py's warnings about missing voice libraries are noise here.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        self._handler = handler
        self._api_base = api_base
        self._gate = gate
        super().__init__(
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            # Answers are read from each dispatch; nothing needs discord.py's message or member caches.
            max_messages=None,
            member_cache_flags=discord.MemberCacheFlags.none(),
            chunk_guilds_at_startup=False,
        )
        self._routes: dict[str, Callable[..., None]] = {
            "message": handler.message,
            "raw_message_edit": handler.message_edit,
            "raw_message_delete": handler.message_delete,
            "raw_bulk_message_delete": handler.bulk_message_delete,
            "raw_reaction_add": self._reaction,
            "raw_reaction_remove": self._reaction,
            "raw_reaction_clear": self._cleared,
            "raw_reaction_clear_emoji": self._cleared,
            "interaction": handler.interaction,
            "guild_remove": self._guild_remove,
            "connect": self._connected,
            "resumed": handler.resumed,
        }

    @property
    def configured_http(self) -> ConfiguredHTTPClient:
        assert isinstance(self.http, ConfiguredHTTPClient)
        return self.http

    def _get_state(self, **options: Any) -> ConnectionState[Any]:
        # discord.py builds its HTTP client in Client.__init__ and hands it to the connection state
        # here; swap in the one that knows the configured base before anything uses it.
        http = ConfiguredHTTPClient(self.loop, api_base=self._api_base)
        http.starts_new_session = self._starts_new_session
        self.http = http
        return super()._get_state(**options)

    def _starts_new_session(self) -> bool:
        return self.ws is None or self.ws.session_id is None

    def occurrence(self) -> Occurrence:
        return Occurrence(self.ws.session_id or "", self.ws.sequence or 0)

    def dispatch(self, event: str, /, *args: Any, **kwargs: Any) -> None:
        super().dispatch(event, *args, **kwargs)
        route = self._routes.get(event)
        if route is None:
            return
        try:
            route(*args)
        except Exception:  # one bad payload must not break the gateway read loop
            log.exception("handling the %s dispatch failed", event)

    def _reaction(self, payload: discord.RawReactionActionEvent) -> None:
        self._handler.reaction(payload, self.occurrence())

    def _cleared(self, payload: discord.RawReactionClearEvent | discord.RawReactionClearEmojiEvent) -> None:
        self._handler.reactions_cleared(payload.guild_id, payload.channel_id, payload.message_id)

    def _guild_remove(self, guild: discord.Guild) -> None:
        self._handler.guild_remove(guild, self.occurrence())

    def _connected(self) -> None:
        # "connect" is dispatched while READY is parsed: a new session, nothing replayed.
        self._handler.new_session(self.ws.session_id or "")

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        await self._gate.before_identify(initial=initial)

    async def setup_hook(self) -> None:
        await self._handler.setup()
