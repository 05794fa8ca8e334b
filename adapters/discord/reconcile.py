"""Catching up after a session Discord could not resume: what happened meanwhile is read from REST.

A resumed session replays every dispatch that was missed; a new session (after an invalid session, a
restart or a long outage) replays nothing. Then, for every question still open, the thread's messages
since the question was posted and the reactions on its answers are read and compared with what the
store holds, and the differences are handed to the engine as ordinary events:

- a member's message that is not stored -> ``AnswerPosted`` (same id as its live dispatch would have);
- an edited message -> ``AnswerEdited`` (same id as the live edit: ``edited_timestamp`` tells edits apart);
- a stored answer whose message is gone -> ``AnswerDeleted``;
- a vote reaction on the platform but not in the store -> ``ReactionAdded``; one stored but no longer
  on the platform -> ``ReactionRemoved``.

Open mock interviews are caught up too: the candidate's first message after the bot's latest one in the
mock's thread is their pending answer, replayed as ``AnswerPosted``. Later messages are left alone, as
they were written before the candidate saw the next prompt.

Running it twice changes nothing the second time: ids of answers, edits and deletions are claimed by the
store, and votes are compared as sets. The comparison functions are pure; ``Reconciler`` does the I/O.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import discord

from adapters.discord.rest import DiscordRest, Json
from adapters.discord.translate import (
    channel_ref,
    deleted_in_thread,
    edited_in_thread,
    is_member_payload,
    posted_in_thread,
    user_ref,
)
from bot import emoji
from bot.engine.core import Engine, StoredAnswer
from bot.events import AnswerPosted, Event, ReactionAdded, ReactionRemoved
from bot.refs import MessageRef, Platform, ThreadRef
from bot.store.ports import OpenMock

log = logging.getLogger(__name__)

PAGE = 100


@dataclass(frozen=True, slots=True)
class Voter:
    user_id: str
    name: str | None


def _by_id(listing: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return sorted(listing, key=lambda item: int(item["id"]))


def answer_events(
    *,
    thread: ThreadRef,
    listing: Sequence[Mapping[str, Any]],
    stored: Sequence[StoredAnswer],
    bot_id: int,
    at: datetime,
) -> list[Event]:
    """Events that bring the stored answers of a thread in line with its messages, oldest first."""
    guild_id, thread_id = int(thread.channel.workspace_id), int(thread.thread_id)
    stored_ids = {answer.message.message_id for answer in stored}
    present: set[str] = set()
    events: list[Event] = []
    for message in _by_id(listing):
        message_id = str(message["id"])
        present.add(message_id)
        if not is_member_payload(message, bot_id):
            continue
        if message_id not in stored_ids:
            events.append(posted_in_thread(message, guild_id=guild_id, thread_id=thread_id, at=at))
        if message.get("edited_timestamp"):
            events.append(edited_in_thread(message, guild_id=guild_id, thread_id=thread_id))
    events += [
        deleted_in_thread(guild_id=guild_id, thread_id=thread_id, message_id=int(answer.message.message_id), at=at)
        for answer in stored
        if answer.message.message_id not in present
    ]
    return events


def pending_mock_answer(
    *, mock: OpenMock, listing: Sequence[Mapping[str, Any]], bot_id: int, at: datetime
) -> AnswerPosted | None:
    """The candidate's answer the mock has not replied to yet: their first message after the bot's latest."""
    ordered = _by_id(listing)
    last_prompt = max(
        (index for index, message in enumerate(ordered) if str((message.get("author") or {}).get("id")) == str(bot_id)),
        default=-1,
    )
    guild_id, thread_id = int(mock.thread.channel.workspace_id), int(mock.thread.thread_id)
    for message in ordered[last_prompt + 1 :]:
        if is_member_payload(message, bot_id) and str(message["author"]["id"]) == mock.user.user_id:
            # Same event id as the live dispatch: the store claims the answer once.
            return posted_in_thread(message, guild_id=guild_id, thread_id=thread_id, at=at)
    return None


def vote_events(
    *,
    message: MessageRef,
    author_id: str,
    on_platform: Mapping[str, Iterable[Voter]],
    stored: StoredAnswer,
    run: str,
    at: datetime,
) -> list[Event]:
    """Reaction events that make the stored votes of one answer equal the reactions Discord shows.

    ``on_platform`` maps a canonical emoji name to the members who reacted with it. A member's own
    reaction on their answer is left out: it never counts, and the engine would tell them so again.
    """
    guild_id = int(message.channel.workspace_id)
    platform_votes = {
        (voter.user_id, name): voter
        for name, voters in on_platform.items()
        for voter in voters
        if voter.user_id != author_id
    }
    stored_votes = {(vote.voter.user_id, emoji.canonical(vote.emoji)) for vote in stored.votes}
    events: list[Event] = []
    for (user_id, name), voter in sorted(platform_votes.items()):
        if (user_id, name) not in stored_votes:
            events.append(
                ReactionAdded(
                    event_id=f"discord:reconcile:{run}:add:{message.message_id}:{user_id}:{name}",
                    at=at,
                    message=message,
                    user=user_ref(guild_id, int(user_id), name=voter.name),
                    emoji=name,
                )
            )
    for user_id, name in sorted(stored_votes - set(platform_votes)):
        events.append(
            ReactionRemoved(
                event_id=f"discord:reconcile:{run}:remove:{message.message_id}:{user_id}:{name}",
                at=at,
                message=message,
                user=user_ref(guild_id, int(user_id)),
                emoji=name,
            )
        )
    return events


def reaction_key(reaction: Mapping[str, Any]) -> tuple[str, str] | None:
    """(path segment for the reactions endpoint, canonical name) of a message's reaction summary."""
    data = reaction.get("emoji") or {}
    name = data.get("name")
    if not name:
        return None
    key = f"{name}:{data['id']}" if data.get("id") else str(name)
    return key, emoji.canonical(str(name))


def _normal_count(reaction: Mapping[str, Any]) -> int:
    details = reaction.get("count_details")
    if isinstance(details, Mapping) and "normal" in details:
        return int(details["normal"])
    return int(reaction.get("count", 0))


@dataclass(slots=True)
class ReconcileReport:
    threads: int = 0
    events: int = 0


class Reconciler:
    def __init__(
        self,
        engine: Engine,
        rest: DiscordRest,
        process: Callable[[Event], Awaitable[object]],
        *,
        bot_id: Callable[[], int],
        now: Callable[[], datetime],
    ) -> None:
        self._engine = engine
        self._rest = rest
        self._process = process
        self._bot_id = bot_id
        self._now = now

    async def run(self, run: str) -> ReconcileReport:
        """Reconcile every open question thread; one thread's failure does not stop the others."""
        report = ReconcileReport()
        for post in await self._engine.open_threads(Platform.DISCORD):
            try:
                report.events += await self.thread(post.thread, run)
                report.threads += 1
            except discord.HTTPException as error:
                log.warning("could not reconcile thread %s: %s %s", post.thread.thread_id, error.status, error.text)
        for mock in await self._engine.open_mocks(Platform.DISCORD):
            try:
                report.events += await self.mock(mock)
                report.threads += 1
            except discord.HTTPException as error:
                log.warning(
                    "could not reconcile mock thread %s: %s %s", mock.thread.thread_id, error.status, error.text
                )
        return report

    async def mock(self, mock: OpenMock) -> int:
        listing = await self._listing(mock.thread.channel.channel_id, after=mock.thread.thread_id)
        event = pending_mock_answer(mock=mock, listing=listing, bot_id=self._bot_id(), at=self._now())
        return await self._handle([event] if event is not None else [])

    async def thread(self, thread: ThreadRef, run: str) -> int:
        listing = await self._listing(thread.channel.channel_id, after=thread.thread_id)
        stored = await self._engine.thread_answers(thread)
        events = answer_events(thread=thread, listing=listing, stored=stored, bot_id=self._bot_id(), at=self._now())
        count = await self._handle(events)
        if events:  # answers were added or withdrawn: their votes are compared with what is stored now
            stored = await self._engine.thread_answers(thread)
        by_id = {answer.message.message_id: answer for answer in stored}
        for message in listing:
            answer = by_id.get(str(message["id"]))
            if answer is not None:
                count += await self._votes(thread.channel.channel_id, message, answer, run)
        return count

    async def message(self, guild_id: int, channel_id: int, message_id: int, run: str) -> int:
        """Reconcile the votes on one message (after a moderator cleared its reactions)."""
        thread = ThreadRef(channel_ref(guild_id, channel_id), str(channel_id))
        answer = next(
            (item for item in await self._engine.thread_answers(thread) if item.message.message_id == str(message_id)),
            None,
        )
        if answer is None:
            return 0
        try:
            found = await self._rest.message(channel_id, message_id)
        except discord.NotFound:
            return 0  # deleted meanwhile: its deletion withdraws the answer and its votes
        return await self._votes(str(channel_id), found, answer, run)

    async def _votes(self, channel_id: str, message: Mapping[str, Any], answer: StoredAnswer, run: str) -> int:
        bot_id = str(self._bot_id())
        on_platform: dict[str, list[Voter]] = {}
        for reaction in message.get("reactions") or []:
            key = reaction_key(reaction)
            if key is None or _normal_count(reaction) == 0:
                continue
            path, name = key
            for user in await self._reaction_users(channel_id, str(message["id"]), path):
                if not user.get("bot") and str(user["id"]) != bot_id:
                    on_platform.setdefault(name, []).append(
                        Voter(str(user["id"]), user.get("global_name") or user.get("username"))
                    )
        events = vote_events(
            message=MessageRef(answer.message.channel, answer.message.message_id),
            author_id=answer.author.user_id,
            on_platform=on_platform,
            stored=answer,
            run=run,
            at=self._now(),
        )
        return await self._handle(events)

    async def _handle(self, events: Sequence[Event]) -> int:
        for event in events:
            await self._process(event)
        return len(events)

    async def _listing(self, channel_id: str, *, after: str) -> list[Json]:
        messages: list[Json] = []
        cursor = after
        while True:
            page = await self._rest.messages_after(channel_id, cursor, limit=PAGE)
            messages += page
            if len(page) < PAGE:
                return messages
            cursor = str(max(int(item["id"]) for item in page))

    async def _reaction_users(self, channel_id: str, message_id: str, emoji_key: str) -> list[Json]:
        users: list[Json] = []
        after: str | None = None
        while True:
            page = await self._rest.reaction_users(channel_id, message_id, emoji_key, after=after, limit=PAGE)
            users += page
            if len(page) < PAGE:
                return users
            after = str(max(int(user["id"]) for user in page))
