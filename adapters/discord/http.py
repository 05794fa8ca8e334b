"""discord.py's HTTP client, pointed at a configured REST base and asked for its gateway address.

discord.py builds every REST URL from ``Route.BASE`` (a class attribute) and dials a fixed default
gateway address whenever it identifies without a gateway in hand: on the first connection and
again after an invalid session. This client rewrites REST URLs per instance (no global state) and
replaces the fixed default by the address ``GET /gateway/bot`` returns from the configured base;
resumes keep the ``resume_gateway_url`` the gateway itself handed out in READY.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
import yarl
from discord.file import File
from discord.gateway import DiscordWebSocket
from discord.http import HTTPClient, Route

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SessionStarts:
    """Discord's daily budget of gateway session starts (identifies), as ``GET /gateway/bot`` reports it."""

    total: int
    remaining: int
    reset_after: float  # seconds until the budget refills
    observed_at: float  # time.monotonic() when it was read


class ConfiguredHTTPClient(HTTPClient):
    def __init__(self, loop: asyncio.AbstractEventLoop, *, api_base: str | None) -> None:
        super().__init__(loop)
        self.api_base = api_base
        self.session_starts: SessionStarts | None = None
        # Set by the client: whether the next connection starts a new session (IDENTIFY, not RESUME).
        self.starts_new_session: Callable[[], bool] = lambda: False

    def url_for(self, route: Route) -> str:
        if self.api_base is None or not route.url.startswith(Route.BASE):
            return route.url
        return self.api_base + route.url[len(Route.BASE) :]

    async def request(
        self,
        route: Route,
        *,
        files: Sequence[File] | None = None,
        form: Any = None,
        **kwargs: Any,
    ) -> Any:
        route.url = self.url_for(route)
        return await super().request(route, files=files, form=form, **kwargs)

    async def discover_gateway(self) -> yarl.URL:
        """The gateway address for a new session, and a fresh reading of the session-start budget."""
        _, url, limits = await self.get_bot_gateway()
        self.session_starts = SessionStarts(
            total=int(limits["total"]),
            remaining=int(limits["remaining"]),
            reset_after=int(limits["reset_after"]) / 1000,
            observed_at=time.monotonic(),
        )
        return yarl.URL(url)

    async def ws_connect(self, url: str, *, compress: int = 0) -> aiohttp.ClientWebSocketResponse:
        requested = yarl.URL(url)
        if requested.host == DiscordWebSocket.DEFAULT_GATEWAY.host or self.starts_new_session():
            # A new session: ask the configured base where its gateway is, keeping discord.py's query
            # (API version, encoding, transport compression). discord.py would otherwise dial its fixed
            # default, or identify on a previous session's resume address.
            gateway = await self.discover_gateway()
            requested = gateway.with_query(requested.query)
            log.debug("gateway for a new session: %s", gateway.with_query(None))
        return await super().ws_connect(str(requested), compress=compress)
