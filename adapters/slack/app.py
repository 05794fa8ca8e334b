"""The Slack adapter's entry point: settings checked, parts assembled, Socket Mode or HTTP served.

``PLATFORM`` is what ``practice-bot run slack`` loads. ``SlackService`` assembles the four parts
(translate, render, deliver and this wiring) around one Bolt ``AsyncApp`` and runs the scheduler's
tick while serving; tests build it directly to serve on a free port.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Mapping

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack.api import SlackApi, error_code, web_client
from adapters.slack.deliver import SlackOutbox
from adapters.slack.directory import UserDirectory
from adapters.slack.listeners import BotIdentity, SlackHandlers, build_bolt_app
from adapters.slack.oauth import InstallFlow, install_flow, installation_store
from adapters.slack.pacing import ChannelPacer
from adapters.slack.responses import PendingResponses
from adapters.slack.server import build_web_app, start_http
from adapters.slack.settings import SlackSettings
from adapters.slack.socket_mode import AckFirstSocketModeHandler
from adapters.slack.tokens import InstalledTokens, SingleWorkspaceToken, TokenSource, remove_installation
from bot import logs
from bot.background import BackgroundWork
from bot.config import ConfigError
from bot.engine import Dispatcher
from bot.platforms import RunOptions
from bot.refs import Platform
from bot.runtime import BotApp
from bot.scheduling.runner import TickScheduler

log = logging.getLogger(__name__)

# These loggers write request and response bodies (members' text) at DEBUG level, Bolt's even at INFO
# (a request refused for its signature); keep them above that so payloads never reach the log, whatever
# the bot's own level is. The adapter logs what matters itself, without payloads.
QUIET_LOGGERS = {
    "slack_sdk": logging.INFO,
    "adapters.slack.web": logging.INFO,
    "adapters.slack.socket": logging.INFO,
    "slack_bolt": logging.WARNING,
    "adapters.slack.bolt": logging.WARNING,
}
DRAIN_SECONDS = 10.0


async def _start_up_call(call: Awaitable[AsyncSlackResponse], *, refused: str, api_url: str) -> AsyncSlackResponse:
    """A Web API call made before serving: a refusal or an unreachable API stops the start with its reason."""
    try:
        return await call
    except SlackApiError as error:
        raise ConfigError(f"{refused} ({error_code(error)})") from None
    except (aiohttp.ClientError, TimeoutError) as error:
        raise ConfigError(
            f"SLACK_API_URL: could not reach the Slack Web API at {api_url} ({type(error).__name__})"
        ) from None


async def _identify(client: AsyncWebClient, settings: SlackSettings) -> BotIdentity | None:
    """``auth.test`` for the configured bot token, before serving; a refused token stops the start."""
    if settings.bot_token is None:
        return None
    response = await _start_up_call(
        client.auth_test(token=settings.bot_token),
        refused="SLACK_BOT_TOKEN: Slack refused the token",
        api_url=settings.api_url,
    )
    identity = BotIdentity(
        team_id=str(response["team_id"]), user_id=str(response["user_id"]), bot_id=response.get("bot_id")
    )
    log.info("connected to workspace %s as bot user %s", identity.team_id, identity.user_id)
    return identity


class SlackService:
    """The running adapter. ``create`` it, then ``start_http`` or ``start_socket_mode``; ``close`` at the end."""

    def __init__(
        self,
        *,
        app: BotApp,
        settings: SlackSettings,
        session: aiohttp.ClientSession,
        client: AsyncWebClient,
        tokens: TokenSource,
        installations: AsyncSQLAlchemyInstallationStore | None,
        identity: BotIdentity | None,
        pace_seconds: float,
    ) -> None:
        self.app = app
        self.settings = settings
        self._session = session
        self._client = client
        self._tokens = tokens
        self._installations = installations
        self.work = BackgroundWork("a Slack request")
        api = SlackApi(client, tokens)
        self.directory = UserDirectory(api)
        self.responses = PendingResponses()
        self.outbox = SlackOutbox(api, self.directory, ChannelPacer(pace_seconds), self.responses, session=session)
        self.dispatcher: Dispatcher = app.dispatcher(self.outbox)
        handlers = SlackHandlers(
            dispatcher=self.dispatcher,
            directory=self.directory,
            responses=self.responses,
            clock=app.clock,
            identity=identity,
            on_workspace_removed=self._workspace_removed,
        )
        self.oauth_flow: InstallFlow | None = None
        if settings.oauth is not None and installations is not None:
            self.oauth_flow = install_flow(settings.oauth, store=installations, client=client, tokens=tokens)
        self.bolt: AsyncApp = build_bolt_app(
            client=client,
            signing_secret=settings.signing_secret,
            identity=identity,
            handlers=handlers,
            work=self.work,
            oauth_flow=self.oauth_flow,
        )
        self._scheduler: TickScheduler | None = None
        self._runner: web.AppRunner | None = None
        self._socket: AckFirstSocketModeHandler | None = None

    @classmethod
    async def create(cls, app: BotApp, settings: SlackSettings, *, pace_seconds: float = 1.0) -> SlackService:
        logs.keep_quiet(QUIET_LOGGERS)
        session = aiohttp.ClientSession()
        try:
            client = web_client(settings.api_url, session)
            identity = await _identify(client, settings)
            installations: AsyncSQLAlchemyInstallationStore | None = None
            tokens: TokenSource
            if settings.oauth is not None:
                installations = installation_store(settings.oauth.client_id, app.store.engine)
                tokens = InstalledTokens(installations)
            else:
                assert identity is not None
                assert settings.bot_token is not None
                tokens = SingleWorkspaceToken(settings.bot_token, identity.team_id)
            return cls(
                app=app,
                settings=settings,
                session=session,
                client=client,
                tokens=tokens,
                installations=installations,
                identity=identity,
                pace_seconds=pace_seconds,
            )
        except BaseException:
            await session.close()
            raise

    # -- serving ---------------------------------------------------------------------------------------

    def start_scheduler(self) -> None:
        self._scheduler = TickScheduler(self.dispatcher, Platform.SLACK, self.app.settings.tick_seconds)
        self._scheduler.start()

    async def tick(self) -> int:
        """One scheduler tick now (due questions, closings, retries)."""
        return await self.dispatcher.tick(Platform.SLACK)

    async def start_http(self, host: str, port: int) -> int:
        """Serve ``/slack/events`` (and the OAuth pages) on ``host:port``; returns the bound port."""
        self._runner, bound = await start_http(build_web_app(self.bolt, self.work, self.oauth_flow), host, port)
        return bound

    async def start_socket_mode(self) -> None:
        """Connect over Socket Mode; a refused app-level token stops the start with its name."""
        app_token = self.settings.app_token
        assert app_token is not None
        opened = await _start_up_call(
            self._client.apps_connections_open(app_token=app_token),
            refused="SLACK_APP_TOKEN: Slack refused the app-level token",
            api_url=self.settings.api_url,
        )
        handler = AckFirstSocketModeHandler(self.bolt, app_token, self.work, self._client)
        handler.client.wss_uri = opened["url"]  # the URL just issued; the client asks for new ones on reconnects
        self._socket = handler
        await handler.connect_async()  # type: ignore[no-untyped-call]  # Bolt leaves it unannotated
        log.info("connected to Slack over Socket Mode")

    async def close(self, drain_seconds: float = DRAIN_SECONDS) -> None:
        """Stop taking requests, let work in progress finish, then release connections."""
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
        if self._runner is not None:
            await self._runner.cleanup()
        if self._scheduler is not None:
            await self._scheduler.stop()
        await self.work.drain(drain_seconds)
        await self._session.close()

    # -- uninstalls ------------------------------------------------------------------------------------

    async def _workspace_removed(self, workspace_id: str) -> None:
        """The app is gone from a workspace: its stored install goes with its data."""
        if self._installations is not None:
            await remove_installation(self._installations, workspace_id)
        self._tokens.forget(workspace_id)
        self.directory.forget_workspace(workspace_id)
        log.info("workspace %s removed the app", workspace_id)


class SlackPlatform:
    name = "slack"
    interactive = False

    def configured(self, env: Mapping[str, str]) -> bool:
        return any(env.get(name, "").strip() for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_CLIENT_ID"))

    def check(self, env: Mapping[str, str], options: RunOptions) -> None:
        SlackSettings.from_env(env, http=options.http)

    async def run(self, app: BotApp, options: RunOptions) -> None:
        settings = SlackSettings.from_env(app.settings.env, http=options.http)
        service = await SlackService.create(app, settings)
        try:
            if options.http:
                await service.start_http(options.host, options.port)
            else:
                await service.start_socket_mode()
            service.start_scheduler()
            await asyncio.Event().wait()  # serve until cancelled
        finally:
            await service.close()


PLATFORM = SlackPlatform()
