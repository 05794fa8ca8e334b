"""The Bolt app: every request acknowledged at once, its handling deferred until after the acknowledgement.

There are three listeners, each a catch-all, so nothing Slack sends goes unacknowledged (an
unacknowledged event is retried, an unacknowledged command shows the member an error):

- events: acknowledged by Bolt once the listener has deferred them; translated and handed to the engine later;
- slash commands: ``ack()`` with an empty body; the engine's replies go to the ``response_url``;
- interactions (buttons, shortcuts, modals): acknowledged and dropped, as no message the bot renders
  has interactive elements.

No listener reads the store or calls Slack before its acknowledgement: authorization comes from the
request itself (``RequestAuthorize``) and each deferred job translates, looks up, scores and posts.
As a listener only defers and acknowledges, Bolt runs it inline (``process_before_response``): the
response is ready as soon as it returns, instead of Bolt starting it as a task of its own and polling
every 10 ms for its ``ack()``, and its deferred job always waits on the request's gate.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.ack import defer
from adapters.slack.directory import UserDirectory
from adapters.slack.responses import PendingResponses
from adapters.slack.translate import Ignored, needs_admin_check, translate_command, translate_event
from bot.background import BackgroundWork
from bot.clock import Clock
from bot.engine import Dispatcher
from bot.events import CommandInvoked, Event, MockRequested, WorkspaceRemoved

log = logging.getLogger(__name__)
bolt_log = logging.getLogger("adapters.slack.bolt")

ANYTHING = re.compile(r".*")


@dataclass(frozen=True, slots=True)
class BotIdentity:
    """The app's bot user in its one workspace, from ``auth.test`` at start-up."""

    team_id: str
    user_id: str
    bot_id: str | None = None


class RequestAuthorize(AsyncAuthorize):
    """Authorization from the request alone: no installation lookup and no ``auth.test`` before the ack.

    Requests are already verified by their signature (HTTP) or arrive over the app's own socket; the
    token a workspace needs is looked up later, by the deliver part, when it posts.
    """

    def __init__(self, identity: BotIdentity | None) -> None:
        self._identity = identity

    async def __call__(
        self,
        *,
        context: AsyncBoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        actor_enterprise_id: str | None = None,
        actor_team_id: str | None = None,
        actor_user_id: str | None = None,
    ) -> AuthorizeResult:
        # Never None: Bolt would answer a command from an unknown workspace through its response URL, a
        # call before the acknowledgement. A workspace without a token fails later, when posting.
        identity = self._identity
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            bot_user_id=identity.user_id if identity else None,
            bot_id=identity.bot_id if identity else None,
        )


class _ExplicitClient(logging.Filter):
    """Bolt warns that ``SLACK_BOT_TOKEN`` goes unused when a client is given; here that is on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


_EXPLICIT_CLIENT = _ExplicitClient()


class SlackHandlers:
    """What happens after the acknowledgement: translate, look up, and hand the event to the engine."""

    def __init__(
        self,
        *,
        dispatcher: Dispatcher,
        directory: UserDirectory,
        responses: PendingResponses,
        clock: Clock,
        identity: BotIdentity | None,
        on_workspace_removed: Callable[[str], Awaitable[None]],
    ) -> None:
        self._dispatcher = dispatcher
        self._directory = directory
        self._responses = responses
        self._clock = clock
        self._identity = identity
        self._on_workspace_removed = on_workspace_removed

    async def event(self, body: dict[str, Any]) -> None:
        translation = translate_event(
            body, at=self._clock.now(), bot_user_id=self._identity.user_id if self._identity else None
        )
        if isinstance(translation, Ignored):
            log.debug("ignored a %s event: %s", (body.get("event") or {}).get("type"), translation.reason)
            return
        if isinstance(translation, WorkspaceRemoved):
            await self._on_workspace_removed(translation.workspace.workspace_id)
        await self._process(translation)

    async def command(self, body: dict[str, Any]) -> None:
        team_id, user_id = body.get("team_id") or "", body.get("user_id") or ""
        is_admin = await self._directory.is_admin(team_id, user_id) if needs_admin_check(body) else False
        translation = translate_command(body, at=self._clock.now(), is_admin=is_admin)
        if isinstance(translation, Ignored):
            log.debug("ignored a slash command: %s", translation.reason)
            return
        assert isinstance(translation, CommandInvoked | MockRequested)
        url = body.get("response_url")
        if url:
            self._responses.remember(translation.event_id, url, channel=translation.channel, user=translation.user)
        try:
            await self._process(translation)
        finally:
            self._responses.done(translation.event_id)

    async def _process(self, event: Event) -> None:
        log.debug("handling %s", type(event).__name__)
        await self._dispatcher.process_safely(event)


def build_bolt_app(
    *,
    client: AsyncWebClient,
    signing_secret: str,
    identity: BotIdentity | None,
    handlers: SlackHandlers,
    work: BackgroundWork,
    oauth_flow: AsyncOAuthFlow | None = None,
) -> AsyncApp:
    if _EXPLICIT_CLIENT not in bolt_log.filters:
        bolt_log.addFilter(_EXPLICIT_CLIENT)
    app = AsyncApp(
        name="practice-bot",
        logger=bolt_log,
        signing_secret=signing_secret,
        client=client,
        authorize=RequestAuthorize(identity),
        oauth_flow=oauth_flow,
        # Given with the flow so Bolt does not build default (file-based) OAuth settings from the environment.
        oauth_settings=oauth_flow.settings if oauth_flow else None,
        attaching_function_token_enabled=False,
        attaching_conversation_kwargs_enabled=False,
        process_before_response=True,
    )

    async def on_event(body: dict[str, Any], context: AsyncBoltContext) -> None:
        # Bolt acknowledges an event itself once its listener returns.
        defer(context, lambda: handlers.event(body), work)

    async def on_command(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
        defer(context, lambda: handlers.command(body), work)
        await ack()

    async def on_interaction(ack: AsyncAck) -> None:
        await ack()

    app.event(ANYTHING)(on_event)
    app.command(ANYTHING)(on_command)
    app.action(ANYTHING)(on_interaction)
    app.shortcut(ANYTHING)(on_interaction)
    app.view(ANYTHING)(on_interaction)
    app.view_closed(ANYTHING)(on_interaction)
    app.options(ANYTHING)(on_interaction)
    return app
