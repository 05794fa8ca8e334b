"""Which bot token to use for a workspace: the one configured, or the one its OAuth install stored."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

import sqlalchemy as sa
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore


class TokenSource(Protocol):
    async def bot_token(self, workspace_id: str) -> str | None:
        """The bot token for a workspace (team id), or ``None`` when the app is not installed there."""
        ...

    def forget(self, workspace_id: str) -> None:
        """Drop what is known about a workspace (it uninstalled the app, or its token stopped working)."""
        ...


class SingleWorkspaceToken:
    """One workspace, one ``SLACK_BOT_TOKEN``: other workspaces have no token here."""

    def __init__(self, token: str, team_id: str) -> None:
        self._token = token
        self.team_id = team_id

    async def bot_token(self, workspace_id: str) -> str | None:
        return self._token if workspace_id == self.team_id else None

    def forget(self, workspace_id: str) -> None:
        return None


class InstalledTokens:
    """Tokens saved by the OAuth install flow, cached for a few minutes so posting is not a query each time.

    Only tokens found are cached: a workspace that installs the app is served at once by every process,
    and a token that stops working is dropped (``forget``) as soon as Slack refuses it.
    """

    def __init__(
        self,
        store: AsyncSQLAlchemyInstallationStore,
        *,
        ttl_seconds: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._ttl = ttl_seconds
        self._clock = clock
        self._cache: dict[str, tuple[float, str]] = {}

    async def bot_token(self, workspace_id: str) -> str | None:
        cached = self._cache.get(workspace_id)
        if cached is not None and cached[0] > self._clock():
            return cached[1]
        bots = self._store.bots
        # By team id alone: a workspace of an Enterprise Grid org is stored with its enterprise id too,
        # and the engine only knows the team.
        query = (
            sa.select(bots.c.bot_token)
            .where(bots.c.client_id == self._store.client_id, bots.c.team_id == workspace_id)
            .where(bots.c.bot_token.is_not(None))
            .order_by(bots.c.installed_at.desc())
            .limit(1)
        )
        async with self._store.engine.connect() as connection:
            token = (await connection.execute(query)).scalar_one_or_none()
        if token is not None:
            self._cache[workspace_id] = (self._clock() + self._ttl, token)
        return token

    def forget(self, workspace_id: str) -> None:
        self._cache.pop(workspace_id, None)


async def remove_installation(store: AsyncSQLAlchemyInstallationStore, workspace_id: str) -> None:
    """Delete a workspace's stored installs and bot tokens (it uninstalled the app)."""
    async with store.engine.begin() as connection:
        for table in (store.bots, store.installations):
            await connection.execute(
                table.delete().where(table.c.client_id == store.client_id, table.c.team_id == workspace_id)
            )
