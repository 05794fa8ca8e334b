"""Peer votes: reactions on answers, counted only for the channel's vote emoji."""

from __future__ import annotations

from bot import emoji, messages
from bot.effects import Effect, SendEphemeral
from bot.engine.deps import Deps
from bot.events import ReactionAdded, ReactionRemoved
from bot.store.ports import WorkspaceTransaction


async def _vote_target(tx: WorkspaceTransaction, event: ReactionAdded | ReactionRemoved) -> tuple[int, int, str] | None:
    """(answer id, author member id, canonical emoji) when the reaction is a vote, else ``None``."""
    if event.user.is_bot:
        return None
    target = await tx.vote_target(event.message)
    name = emoji.canonical(event.emoji)
    if target is None or name not in target.vote_emojis:
        return None
    return target.answer_id, target.author_id, name


async def reaction_added(deps: Deps, event: ReactionAdded) -> list[Effect]:
    async with deps.store.transaction(event.message.channel.workspace) as tx:
        target = await _vote_target(tx, event)
        if target is None:
            return []
        answer_id, author_id, name = target
        if not await tx.claim_event(event.event_id, deps.clock.now()):
            return []
        voter_id = await tx.member_id(event.user, deps.clock.now())
        if voter_id == author_id:
            return [
                SendEphemeral(
                    channel=event.message.channel,
                    user=event.user,
                    content=messages.own_vote_not_counted(),
                    thread=event.message.thread,
                )
            ]
        await tx.add_vote(answer_id=answer_id, voter_id=voter_id, author_id=author_id, emoji=name, at=deps.clock.now())
        return []


async def reaction_removed(deps: Deps, event: ReactionRemoved) -> list[Effect]:
    async with deps.store.transaction(event.message.channel.workspace) as tx:
        target = await _vote_target(tx, event)
        if target is None:
            return []
        answer_id, _, name = target
        if not await tx.claim_event(event.event_id, deps.clock.now()):
            return []
        voter_id = await tx.find_member_id(event.user)
        if voter_id is not None:
            await tx.remove_vote(answer_id=answer_id, voter_id=voter_id, emoji=name)
        return []
