"""``/practice`` subcommands, routed in one place so every platform behaves the same."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import replace

from bot import messages
from bot.channel_settings import ChannelSettings, SettingsError, apply_options, default_settings
from bot.documents import Document
from bot.effects import Effect, PublishHome, SendEphemeral, SendFile
from bot.engine import daily, standings
from bot.engine.deps import Deps
from bot.events import CommandInvoked, HomeOpened
from bot.scheduling import local_date, next_due
from bot.store.ports import ChannelRecord, PostStatus, WorkspaceTransaction

log = logging.getLogger(__name__)

ADMIN_ONLY = frozenset({"setup", "post", "skip", "pause", "resume"})
# Commands that change what is stored claim their event id first, so a redelivery runs them once.
CHANGES_STATE = ADMIN_ONLY | {"forget"}
ALIASES = {
    "config": "setup",
    "settings": "setup",
    "configure": "setup",
    "now": "post",
    "post-now": "post",
    "postnow": "post",
    "leaders": "leaderboard",
    "lb": "leaderboard",
    "top": "leaderboard",
    "board": "leaderboard",
    "me": "stats",
    "mystats": "stats",
    "progress": "stats",
    "forget-me": "forget",
    "forgetme": "forget",
    "delete-me": "forget",
    "start": "resume",
    "stop": "pause",
    "": "help",
    "?": "help",
}


def _private(event: CommandInvoked, content: Document) -> list[Effect]:
    return [SendEphemeral(channel=event.channel, user=event.user, content=content)]


async def _channel_or_default(deps: Deps, tx: WorkspaceTransaction, event: CommandInvoked) -> ChannelRecord:
    """The channel's record, saving the defaults first if it was never set up."""
    existing = await tx.channel(event.channel)
    if existing is not None:
        return existing
    settings = default_settings(deps.catalog, deps.config.default_timezone)
    upcoming = next_due(settings.schedule, settings.timezone, deps.clock.now())
    return await tx.save_channel(event.channel, settings, upcoming, deps.clock.now())


async def _setup(deps: Deps, tx: WorkspaceTransaction, event: CommandInvoked) -> list[Effect]:
    existing = await tx.channel(event.channel)
    current: ChannelSettings = (
        existing.settings if existing else default_settings(deps.catalog, deps.config.default_timezone)
    )
    if not event.options and not event.args:
        upcoming = existing.next_due_at if existing else next_due(current.schedule, current.timezone, deps.clock.now())
        return _private(event, messages.setup_shown(current, upcoming, configured=existing is not None))
    try:
        if event.args:
            raise SettingsError([f"options are key=value pairs; “{arg}” is not one" for arg in event.args])
        updated = apply_options(current, event.options, deps.catalog)
    except SettingsError as error:
        return _private(event, messages.setup_refused(error.reasons))
    upcoming = next_due(updated.schedule, updated.timezone, deps.clock.now()) if updated.enabled else None
    if updated.enabled and upcoming is None:
        return _private(event, messages.schedule_never_fires())
    saved = await tx.save_channel(event.channel, updated, upcoming, deps.clock.now())
    log.info("channel %s set up: %s", event.channel.channel_id, saved.settings)
    return _private(event, messages.setup_saved(saved.settings, saved.next_due_at))


async def _skip(deps: Deps, tx: WorkspaceTransaction, event: CommandInvoked) -> list[Effect]:
    channel = await _channel_or_default(deps, tx, event)
    settings = channel.settings
    if channel.next_due_at is None or not settings.enabled:
        return _private(event, messages.nothing_to_skip())
    skipped_date = local_date(channel.next_due_at, settings.timezone)
    await tx.claim_post(
        channel=channel,
        question_id="",
        local_date=skipped_date,
        due_at=channel.next_due_at,
        scheduled=True,
        status=PostStatus.SKIPPED,
        at=deps.clock.now(),
    )
    following = next_due(settings.schedule, settings.timezone, channel.next_due_at, past_local_date=skipped_date)
    await tx.advance_channel(channel.id, channel.next_due_at, following)
    return _private(event, messages.skipped(skipped_date, following, settings.timezone))


async def _pause(deps: Deps, tx: WorkspaceTransaction, event: CommandInvoked, *, pause: bool) -> list[Effect]:
    channel = await _channel_or_default(deps, tx, event)
    settings = replace(channel.settings, enabled=not pause)
    upcoming = None if pause else next_due(settings.schedule, settings.timezone, deps.clock.now())
    await tx.save_channel(event.channel, settings, upcoming, deps.clock.now())
    return _private(event, messages.paused(pause, upcoming, settings.timezone))


async def _export(tx: WorkspaceTransaction, event: CommandInvoked) -> list[Effect]:
    data = await tx.member_export(event.user)
    if data is None:
        return _private(event, messages.nothing_stored())
    payload = json.dumps(data, indent=2, ensure_ascii=False).encode()
    safe_id = re.sub(r"[^A-Za-z0-9_-]", "_", event.user.user_id)
    return [
        SendFile(
            channel=event.channel,
            user=event.user,
            filename=f"practice-bot-export-{safe_id}.json",
            data=payload,
            content=messages.export_ready(),
        )
    ]


async def _forget(tx: WorkspaceTransaction, event: CommandInvoked) -> list[Effect]:
    confirmed = [arg.lower() for arg in event.args] == ["confirm"] or event.options.get("confirm", "").lower() in {
        "yes",
        "true",
        "confirm",
    }
    if not confirmed:
        return _private(event, messages.forget_confirm())
    removed = await tx.forget_member(event.user)
    log.info("forgot a member on request (found: %s)", removed)
    return _private(event, messages.forgotten() if removed else messages.nothing_stored())


def canonical_subcommand(subcommand: str) -> str:
    """The subcommand a member typed, with aliases resolved (``config`` is ``setup``)."""
    name = subcommand.strip().lower()
    return ALIASES.get(name, name)


def requires_admin(subcommand: str) -> bool:
    """Whether only channel admins may run it: adapters that must look up a member's role ask first."""
    return canonical_subcommand(subcommand) in ADMIN_ONLY


async def command(deps: Deps, event: CommandInvoked) -> list[Effect]:
    name = canonical_subcommand(event.subcommand)
    if name == "help":
        return _private(event, messages.help_text(admin=event.admin_command))
    if requires_admin(name) and not event.is_admin:
        return _private(event, messages.admin_only())
    async with deps.store.transaction(event.channel.workspace) as tx:
        if name in CHANGES_STATE and not await tx.claim_event(event.event_id, deps.clock.now()):
            return []
        match name:
            case "setup":
                return await _setup(deps, tx, event)
            case "post":
                channel = await _channel_or_default(deps, tx, event)
                effects = await daily.post_now(deps, tx, channel, as_today=False)
                return effects or _private(event, messages.no_questions(channel.settings.packs))
            case "skip":
                return await _skip(deps, tx, event)
            case "pause" | "resume":
                return await _pause(deps, tx, event, pause=name == "pause")
            case "leaderboard":
                period = (event.args[0] if event.args else event.options.get("period", "week")).lower()
                weekly = period not in {"all", "all-time", "alltime", "ever"}
                return _private(event, await standings.leaderboard(deps, tx, weekly=weekly))
            case "stats":
                return _private(event, messages.stats(await standings.personal_stats(tx, event.user)))
            case "export":
                return await _export(tx, event)
            case "forget":
                return await _forget(tx, event)
    return _private(event, messages.help_text(unknown=event.subcommand, admin=event.admin_command))


async def home_opened(deps: Deps, event: HomeOpened) -> list[Effect]:
    async with deps.store.transaction(event.user.workspace) as tx:
        data = await standings.personal_stats(tx, event.user)
    return [PublishHome(user=event.user, content=messages.home(data))]
