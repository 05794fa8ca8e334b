"""Wiring: gateway dispatches in, the engine in the middle, REST calls out, and the scheduler tick.

Order of work for each kind of input:

- an interaction is acknowledged first (deferred privately, or answered at once for autocomplete),
  before anything reads the store or scores; its event is then processed and the deferred reply
  is filled in or removed;
- messages and reactions become events that are processed in the background, in arrival order per
  thread and per message (the dispatcher serialises them);
- a new session (READY) holds those events back while what the lost session missed is reconciled
  from REST, then lets them through in order, so a live event is never overtaken by older state.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable, Mapping

import discord

from adapters.discord import commands, render, translate
from adapters.discord.client import PracticeClient
from adapters.discord.deliver import DiscordOutbox, PendingInteraction, RetryPolicy, refusal
from adapters.discord.identify import IdentifyGate, IdentifyLedger, IdentifyPolicy, ledger_path
from adapters.discord.reconcile import Reconciler
from adapters.discord.rest import (
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    EPHEMERAL,
    DiscordRest,
)
from adapters.discord.settings import TOKEN, DiscordSettings
from bot import logs, messages
from bot.background import BackgroundWork, Job
from bot.config import ConfigError
from bot.events import AnswerEdited, AnswerPosted, Event
from bot.platforms import RunOptions
from bot.refs import Platform
from bot.runtime import BotApp
from bot.scheduling.runner import TickScheduler

log = logging.getLogger(__name__)

RESTART_FIRST_DELAY = 5.0
RESTART_MAX_DELAY = 300.0

# Gateway close codes that no reconnect can fix.
FATAL_CLOSE_CODES = {
    4004: f"{TOKEN}: the gateway refused this token",
    4010: "the gateway refused the shard settings",
    4011: "this bot is in too many servers for one gateway connection; sharding is not supported yet",
    4012: "the gateway refused the API version",
    4013: "the gateway refused the requested intents",
}


class DiscordService:
    """One discord.py client and everything around it, from login until it is stopped."""

    def __init__(
        self,
        app: BotApp,
        settings: DiscordSettings,
        *,
        identify_policy: IdentifyPolicy | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.app = app
        self.settings = settings
        self.gate = IdentifyGate(
            IdentifyLedger(ledger_path(app.settings.data_dir)),
            identify_policy or IdentifyPolicy(),
            lambda: self.client.configured_http.session_starts,
        )
        self.client = PracticeClient(self, api_base=settings.api_base, gate=self.gate)
        self.rest = DiscordRest(self.client.http)
        self.outbox = DiscordOutbox(self.rest, parent_of=self._parent_of, retry=retry or RetryPolicy())
        self.dispatcher = app.dispatcher(self.outbox)
        self.reconciler = Reconciler(
            app.engine, self.rest, self.dispatcher.process_safely, bot_id=self._bot_id, now=app.clock.now
        )
        self.ticks = TickScheduler(self.dispatcher, Platform.DISCORD, app.settings.tick_seconds)
        self.work = BackgroundWork("a Discord event")
        # Jobs held back while a new session is reconciled; the reconciliation's own task releases them.
        self._held: list[Job] | None = None
        self._reconciling = 0
        self._runs = itertools.count(1)
        self._closing = False

    # -- background work -------------------------------------------------------------------------------

    def _submit(self, job: Job) -> None:
        """Messages and reactions: held back while a new session is being reconciled."""
        if self._closing:
            return  # the next session's reconciliation picks it up
        if self._held is not None:
            self._held.append(job)
            return
        self.work.spawn(job)

    def _process(self, event: Event | None) -> None:
        match event:
            case None:
                return
            case AnswerPosted() | AnswerEdited():
                # An answer in a thread the bot is still starting waits until the engine has recorded the thread.
                starting = self.outbox.thread_starting(event.message.thread_id)
                self._submit(lambda: self.dispatcher.process_safely(event, after=starting))
            case _:
                self._submit(lambda: self.dispatcher.process_safely(event))

    async def idle(self) -> None:
        """Wait until nothing is being processed, held back or reconciled (held jobs wait on a running task)."""
        await self.work.idle()

    # -- gateway dispatches (called synchronously by the client) -------------------------------------

    def _bot_id(self) -> int:
        user = self.client.user
        return user.id if user is not None else 0

    def _channel(self, guild_id: int | None, channel_id: int) -> object:
        guild = self.client.get_guild(guild_id) if guild_id is not None else None
        return guild.get_channel_or_thread(channel_id) if guild is not None else None

    def message(self, message: discord.Message) -> None:
        self._process(translate.answer_posted(message, bot_id=self._bot_id()))

    def message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        channel = self._channel(payload.guild_id, payload.channel_id)
        self._process(translate.answer_edited(payload, bot_id=self._bot_id(), channel=channel))

    def message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        channel = self._channel(payload.guild_id, payload.channel_id)
        at = self.app.clock.now()
        self._process(translate.message_deleted(payload, bot_id=self._bot_id(), channel=channel, at=at))

    def bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        channel = self._channel(payload.guild_id, payload.channel_id)
        at = self.app.clock.now()
        for event in translate.messages_deleted(payload, bot_id=self._bot_id(), channel=channel, at=at):
            self._process(event)

    def reaction(self, payload: discord.RawReactionActionEvent, occurrence: translate.Occurrence) -> None:
        channel = self._channel(payload.guild_id, payload.channel_id)
        at = self.app.clock.now()
        self._process(translate.reaction(payload, bot_id=self._bot_id(), channel=channel, occurrence=occurrence, at=at))

    def reactions_cleared(self, guild_id: int | None, channel_id: int, message_id: int) -> None:
        channel = self._channel(guild_id, channel_id)
        if guild_id is None or translate.kind_of(channel, self._bot_id()) is translate.ChannelKind.OTHER:
            return
        run = f"{self.client.occurrence().key}.clear"
        self._submit(lambda: self._reconcile_message(guild_id, channel_id, message_id, run))

    def interaction(self, interaction: discord.Interaction) -> None:
        if not self._closing:
            self.work.spawn(lambda: self._interaction(interaction))

    def guild_remove(self, guild: discord.Guild, occurrence: translate.Occurrence) -> None:
        event = translate.guild_removed(guild, occurrence=occurrence, at=self.app.clock.now())
        log.info("removed from server %s: purging its data", guild.id)
        self.work.spawn(lambda: self.dispatcher.process_safely(event))

    def new_session(self, session_id: str) -> None:
        if self._held is None:
            self._held = []
        self._reconciling += 1
        run = f"{session_id}.{next(self._runs)}"
        self.work.spawn(lambda: self._reconcile(run))

    def resumed(self) -> None:
        log.info("gateway session resumed; Discord replays what was missed")

    # -- work ------------------------------------------------------------------------------------------

    async def _reconcile(self, run: str) -> None:
        try:
            report = await self.reconciler.run(run)
            log.info("reconciled %d open question thread(s): %d change(s) found", report.threads, report.events)
        except Exception:
            log.exception("reconciling open questions after a new session failed")
        finally:
            self._reconciling -= 1
            if self._reconciling == 0:
                held, self._held = self._held or [], None
                for job in held:
                    self.work.spawn(job)

    async def _reconcile_message(self, guild_id: int, channel_id: int, message_id: int, run: str) -> None:
        try:
            await self.reconciler.message(guild_id, channel_id, message_id, run)
        except discord.HTTPException as error:
            log.warning("could not re-read votes after reactions were cleared: %s", refusal(error))

    async def _interaction(self, interaction: discord.Interaction) -> None:
        request = translate.interaction(interaction)
        if isinstance(request, translate.AutocompleteRequest):
            choices = commands.autocomplete(self.app.catalog, request.command, request.data)
            await self._callback(interaction, {"type": AUTOCOMPLETE_RESULT, "data": {"choices": choices}})
            return
        if request is None:
            if interaction.type is discord.InteractionType.application_command:
                body = {
                    **render.render_one(messages.help_text(admin=f"/{commands.ADMIN}")),
                    "flags": EPHEMERAL,
                }
                await self._callback(interaction, {"type": CHANNEL_MESSAGE, "data": body})
            return
        # Acknowledge first: Discord allows 3 seconds, and nothing below may run before this.
        if not await self._callback(interaction, {"type": DEFERRED_CHANNEL_MESSAGE, "data": {"flags": EPHEMERAL}}):
            return
        pending = PendingInteraction(
            token=interaction.token,
            application_id=interaction.application_id,
            user_id=str(interaction.user.id),
        )
        self.outbox.expect(request.event_id, pending)
        try:
            await self.dispatcher.process_safely(request)
        finally:
            await self.outbox.finish(request.event_id)

    async def _callback(self, interaction: discord.Interaction, body: Mapping[str, object]) -> bool:
        try:
            await self.rest.interaction_callback(interaction.id, interaction.token, body)
        except discord.HTTPException as error:
            # Too late (Discord's 3 seconds passed) or already answered: the member saw an error.
            log.warning("could not answer interaction %s: %s", interaction.id, refusal(error))
            return False
        return True

    async def _parent_of(self, thread_id: int) -> int | None:
        channel = self.client.get_channel(thread_id)
        if isinstance(channel, discord.Thread):
            return channel.parent_id
        try:
            data = await self.rest.channel(thread_id)
        except discord.HTTPException:
            return None
        parent = data.get("parent_id")
        return int(parent) if parent else None

    # -- lifecycle -------------------------------------------------------------------------------------

    async def setup(self) -> None:
        """After login, before the gateway: make Discord's copy of the commands match this version's."""
        application_id = self.client.application_id
        if application_id is None:
            log.error("Discord did not report the application id; commands were not registered")
            return
        wanted = commands.definitions()
        try:
            if commands.same_commands(await self.rest.commands(application_id), wanted):
                log.info("application commands are up to date")
                return
            await self.rest.overwrite_commands(application_id, wanted)
            log.info("registered %d application commands", len(wanted))
        except discord.HTTPException as error:
            log.error("could not register the application commands: %s", refusal(error))

    async def serve(self) -> None:
        """Log in, start ticking, and read the gateway until cancelled or the connection fails for good."""
        async with self.client:
            try:
                await self.client.login(self.settings.token)
            except discord.LoginFailure:
                raise ConfigError(f"{TOKEN}: Discord refused this token (reset it in the Developer Portal)") from None
            self.ticks.start()
            try:
                await self.client.connect(reconnect=True)
            except discord.PrivilegedIntentsRequired:
                raise ConfigError(
                    "the Message Content intent is not enabled for this bot: Developer Portal -> your "
                    "application -> Bot -> Privileged Gateway Intents -> Message Content Intent"
                ) from None
            except discord.ConnectionClosed as error:
                reason = FATAL_CLOSE_CODES.get(error.code or 0)
                if reason is not None:
                    raise ConfigError(reason) from None
                raise
            finally:
                await self.stop()

    async def stop(self, wait_seconds: float = 10.0) -> None:
        """Stop ticking, let work in flight finish (up to ``wait_seconds``), then close the connection."""
        self._closing = True
        await self.ticks.stop()
        await self.work.drain(wait_seconds)
        if not self.client.is_closed():
            await self.client.close()


class DiscordPlatform:
    name = "discord"
    interactive = False

    def configured(self, env: Mapping[str, str]) -> bool:
        return bool(env.get(TOKEN, "").strip())

    def check(self, env: Mapping[str, str], options: RunOptions) -> None:
        DiscordSettings.from_env(env)
        if options.http:
            raise ConfigError("--http: the Discord adapter connects out to Discord's gateway; run it without --http")

    async def run(self, app: BotApp, options: RunOptions) -> None:
        settings = DiscordSettings.from_env(app.settings.env)
        keep_library_logs_free_of_payloads()
        await supervise(lambda: DiscordService(app, settings).serve())


def keep_library_logs_free_of_payloads() -> None:
    """discord.py logs request bodies, webhook URLs (with interaction tokens) and raw gateway events at
    DEBUG; the bot's own DEBUG logging must not switch that on."""
    logs.keep_quiet({"discord": logging.INFO})


async def supervise(
    serve: Callable[[], Awaitable[None]], *, sleep: Callable[[float], Awaitable[object]] = asyncio.sleep
) -> None:
    """Serve; after an unexpected failure start a new client, waiting longer each time.

    Configuration problems end it (they need a person). Session starts of the new clients are paced by
    the identify gate as well, so even this loop failing over and over cannot spend the daily budget.
    """
    failures = 0
    while True:
        try:
            await serve()
            return
        except ConfigError:
            raise
        except Exception:
            failures += 1
            delay = min(RESTART_MAX_DELAY, RESTART_FIRST_DELAY * 2 ** (failures - 1))
            log.exception("the Discord connection failed; starting again in %.0f s", delay)
            await sleep(delay)


PLATFORM = DiscordPlatform()
