"""The OAuth install flow (HTTP mode, any number of workspaces), on the bot's own database.

slack-sdk's SQLAlchemy installation and state stores keep installs in the same database as
everything else (``DATABASE_URL``), so every process behind a load balancer sees every install. Their
tables are created by the Alembic migrations like all others (see ``oauth_tables``).
"""

from __future__ import annotations

import logging

from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.slack.settings import BOT_SCOPES, OAuthSettings
from adapters.slack.tokens import TokenSource

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_SECONDS = 600


def installation_store(client_id: str, engine: AsyncEngine) -> AsyncSQLAlchemyInstallationStore:
    return AsyncSQLAlchemyInstallationStore(client_id=client_id, engine=engine, logger=log)


class InstallFlow(AsyncOAuthFlow):
    """Bolt's flow, which also tells the token cache that a workspace has a (new) token."""

    def __init__(self, *, tokens: TokenSource, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._tokens = tokens

    async def store_installation(self, request: AsyncBoltRequest, installation: Installation) -> None:
        await super().store_installation(request, installation)
        if installation.team_id:
            self._tokens.forget(installation.team_id)
        log.info("installed in workspace %s", installation.team_id or installation.enterprise_id)


def install_flow(
    settings: OAuthSettings,
    *,
    store: AsyncSQLAlchemyInstallationStore,
    client: AsyncWebClient,
    tokens: TokenSource,
) -> InstallFlow:
    oauth_settings = AsyncOAuthSettings(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        redirect_uri=settings.redirect_uri,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=store,
        installation_store_bot_only=True,
        state_store=AsyncSQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=store.engine, logger=log),
        state_expiration_seconds=STATE_SECONDS,
        logger=log,
    )
    return InstallFlow(tokens=tokens, client=client, logger=log, settings=oauth_settings)
