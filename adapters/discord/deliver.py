"""Effects -> Discord REST calls, and receipts for what they created.

Private text goes where Discord can keep it private: into the deferred reply of the interaction that
caused it (visible only to the member who ran the command), otherwise into a direct message. Question
and mock threads are started from the bot's own message, so a thread's id equals that message's id.

Errors: a 429 discord.py gave up on is waited out and retried here, never dropped; messages are
created with an enforced nonce, so retrying after a lost response cannot post twice; sending into an
archived thread unarchives it, and if that is refused (a locked thread) the message goes to the
thread's parent channel as a reply to the question. What Discord refuses for good becomes a
``DeliveryError`` the engine records.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

import aiohttp
import discord

from adapters.discord import render
from adapters.discord.rest import EPHEMERAL, Attachment, DiscordRest, Json
from adapters.discord.translate import channel_ref
from bot import messages
from bot.documents import Document
from bot.effects import (
    DeleteMessage,
    Effect,
    PostQuestion,
    PostSummary,
    PublishHome,
    Receipt,
    ReplyInThread,
    SendEphemeral,
    SendFile,
    StartMockThread,
    ThreadReceipt,
    UpdateMessage,
)
from bot.engine.dispatch import DeliveryError
from bot.events import Event
from bot.refs import ChannelRef, MessageRef, ThreadRef, UserRef

log = logging.getLogger(__name__)

T = TypeVar("T")

# Discord's JSON error codes this module reacts to.
UNKNOWN_MESSAGE = 10008
UNKNOWN_WEBHOOK = 10015
THREAD_ARCHIVED = 50083
THREAD_EXISTS = 160004
CANNOT_DM = 50007

# A week of quiet before a question thread archives itself; answers stay open for at most 7 days.
THREAD_ARCHIVE_MINUTES = 10080
DM_CACHE_SIZE = 10_000


@dataclass(slots=True)
class PendingInteraction:
    """A deferred interaction: its private "thinking…" reply is replaced by the first private answer."""

    token: str
    application_id: int
    user_id: str
    answered: bool = False


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    # Rounds of waiting out a 429 after discord.py's own five tries; each waits Discord's retry_after.
    rate_limit_rounds: int = 10
    # Tries for a request whose connection failed (safe: message creation carries an enforced nonce).
    network_attempts: int = 3
    network_backoff: float = 1.0


def _nonces(count: int, first: str | None = None) -> list[str]:
    """Nonces for a message and its continuations: 24 random hex characters (Discord allows 25)."""
    fresh = [secrets.token_hex(12) for _ in range(count)]
    return [first, *fresh[1:]] if first and count else fresh


def _retry_after(error: discord.HTTPException) -> float:
    """Seconds Discord asked us to wait: the precise reset header, else Retry-After, else one second."""
    headers = error.response.headers if error.response is not None else {}
    for name in ("X-RateLimit-Reset-After", "Retry-After"):
        try:
            return max(0.0, float(headers[name]))
        except (KeyError, ValueError, TypeError):
            continue
    return 1.0


def refusal(error: discord.HTTPException) -> DeliveryError:
    """A refused request as the engine records it: the status and Discord's reason, never the payload."""
    reason = f"Discord answered {error.status} (code {error.code}): {error.text or error.response.reason}"
    retryable = error.status >= 500 or error.status == 429
    return DeliveryError(reason, retryable=retryable)


class DiscordOutbox:
    def __init__(
        self,
        rest: DiscordRest,
        *,
        parent_of: Callable[[int], Awaitable[int | None]],
        retry: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.rest = rest
        self._parent_of = parent_of
        self._retry = retry
        self._sleep = sleep
        self._pending: dict[str, PendingInteraction] = {}
        self._dm_channels: OrderedDict[str, str] = OrderedDict()
        # Threads this bot is starting, by id, while Discord is still creating them. An answer in one
        # waits until the receipt is handed back: from then on the engine knows the thread (the core
        # writes a pending question's receipt before it handles an answer in that thread).
        self._starting: dict[str, asyncio.Future[None]] = {}

    # -- threads being started -----------------------------------------------------------------------

    def thread_starting(self, thread_id: str | None) -> asyncio.Future[None] | None:
        """Resolved once the thread's receipt is handed back; ``None`` for any thread not being started now."""
        return self._starting.get(thread_id) if thread_id is not None else None

    def _started(self, thread_id: str) -> None:
        future = self._starting.pop(thread_id, None)
        if future is not None and not future.done():
            future.set_result(None)

    # -- interactions --------------------------------------------------------------------------------

    def expect(self, event_id: str, pending: PendingInteraction) -> None:
        """Remember a deferred interaction, so the effects of its event can answer it."""
        self._pending[event_id] = pending

    async def finish(self, event_id: str) -> None:
        """The event is handled: a deferred reply nothing answered is removed rather than left "thinking"."""
        pending = self._pending.pop(event_id, None)
        if pending is None or pending.answered:
            return
        try:
            await self._call(lambda: self.rest.delete_original(pending.application_id, pending.token))
        except discord.NotFound:
            pass
        except discord.HTTPException as error:
            log.warning("could not remove a deferred interaction reply: %s", refusal(error))

    def _pending_for(self, cause: Event | None, user: UserRef) -> PendingInteraction | None:
        event_id = getattr(cause, "event_id", None)
        pending = self._pending.get(event_id) if event_id is not None else None
        return pending if pending is not None and pending.user_id == user.user_id else None

    async def _answer_privately(
        self, pending: PendingInteraction, bodies: Sequence[Json], attachment: Attachment | None = None
    ) -> None:
        """The first body replaces the deferred reply (private, as deferred); the rest are private follow-ups."""
        for index, body in enumerate(bodies):
            file = attachment if index == len(bodies) - 1 else None
            if not pending.answered:
                await self._call(
                    partial(self.rest.edit_original, pending.application_id, pending.token, body, attachment=file)
                )
                pending.answered = True
            else:
                followup = {**body, "flags": EPHEMERAL}
                await self._call(
                    partial(self.rest.followup, pending.application_id, pending.token, followup, attachment=file)
                )

    # -- the retry edge ------------------------------------------------------------------------------

    async def _call(self, request: Callable[[], Awaitable[T]]) -> T:
        """One request, waiting out 429s discord.py stopped retrying and retrying failed connections."""
        rate_rounds = network_failures = 0
        while True:
            try:
                return await request()
            except discord.HTTPException as error:
                if error.status != 429 or rate_rounds >= self._retry.rate_limit_rounds:
                    raise
                rate_rounds += 1
                wait = _retry_after(error)
                log.warning("still rate limited after discord.py's retries; waiting %.2f s", wait)
                await self._sleep(wait)
            except (TimeoutError, aiohttp.ClientConnectionError):
                network_failures += 1
                if network_failures >= self._retry.network_attempts:
                    raise
                await self._sleep(self._retry.network_backoff * network_failures)

    async def _create(
        self,
        channel_id: str,
        bodies: Sequence[Json],
        nonces: Sequence[str],
        *,
        first_extra: Json | None = None,
        attachment: Attachment | None = None,
    ) -> list[Json]:
        """Create the messages in order; the same nonces on a retry make Discord return, not repeat, them.

        ``first_extra`` goes into the first message (a reply reference), ``attachment`` with the last.
        """
        created: list[Json] = []
        last = len(bodies) - 1
        for index, (body, nonce) in enumerate(zip(bodies, nonces, strict=True)):
            payload = {**body, "nonce": nonce, "enforce_nonce": True}
            if index == 0 and first_extra:
                payload.update(first_extra)
            file = attachment if index == last else None
            created.append(await self._call(partial(self.rest.create_message, channel_id, payload, attachment=file)))
        return created

    # -- threads ---------------------------------------------------------------------------------------

    async def _unarchive(self, thread_id: str) -> bool:
        try:
            await self._call(lambda: self.rest.edit_channel(thread_id, {"archived": False}))
        except discord.HTTPException as error:
            log.info("thread %s stays archived (%s)", thread_id, refusal(error))
            return False
        return True

    async def _in_thread(self, thread: ThreadRef, bodies: Sequence[Json], reply_to: MessageRef | None) -> MessageRef:
        """Post into a question's thread; unarchive it if needed, else answer in its parent channel."""
        thread_id = thread.channel.channel_id
        reference = None
        if reply_to is not None:
            reference = {"message_reference": {"message_id": reply_to.message_id, "fail_if_not_exists": False}}
        nonces = _nonces(len(bodies))
        try:
            created = await self._create(thread_id, bodies, nonces, first_extra=reference)
            return MessageRef(thread.channel, str(created[0]["id"]), thread_id=thread.thread_id)
        except discord.HTTPException as error:
            if not (error.code == THREAD_ARCHIVED or error.status == 403):
                raise
        if await self._unarchive(thread_id):
            created = await self._create(thread_id, bodies, nonces, first_extra=reference)
            return MessageRef(thread.channel, str(created[0]["id"]), thread_id=thread.thread_id)
        parent = await self._parent_of(int(thread_id))
        if parent is None:
            raise DeliveryError(
                f"thread {thread_id} is archived and locked, and its channel is unknown", retryable=False
            )
        # The question message sits in the parent channel and its id is the thread's id.
        to_question = {"message_reference": {"message_id": thread.thread_id, "fail_if_not_exists": False}}
        created = await self._create(str(parent), bodies, nonces, first_extra=to_question)
        log.info("thread %s is locked; posted in its channel instead", thread_id)
        channel = channel_ref(int(thread.channel.workspace_id), parent)
        return MessageRef(channel, str(created[0]["id"]))

    async def _on_message(self, message: MessageRef, request: Callable[[], Awaitable[object]]) -> None:
        """Edit or delete a message; in an archived thread, unarchive it first."""
        try:
            await self._call(request)
            return
        except discord.HTTPException as error:
            if error.code != THREAD_ARCHIVED:
                raise
        if not await self._unarchive(message.thread_id or message.channel.channel_id):
            raise DeliveryError("the message is in an archived thread that cannot be reopened", retryable=False)
        await self._call(request)

    async def _start_thread(
        self, channel: ChannelRef, content: Document, name: str, nonce: str | None
    ) -> ThreadReceipt:
        bodies = render.render(content)
        created = await self._create(channel.channel_id, bodies, _nonces(len(bodies), nonce))
        message_id = str(created[0]["id"])
        # The thread will carry this message's id; answers in it wait until its receipt is handed back.
        self._starting[message_id] = asyncio.get_running_loop().create_future()
        try:
            thread = await self._thread_for(channel.channel_id, message_id, name)
        except discord.HTTPException:
            # A question without its thread cannot take answers: take it back, and report the refusal.
            for message in created:
                try:
                    await self._call(partial(self.rest.delete_message, channel.channel_id, message["id"]))
                except discord.HTTPException as error:
                    log.warning("could not remove a question whose thread failed: %s", refusal(error))
            raise
        finally:
            # Released just before the receipt returns: the dispatcher takes it with no await in
            # between, so a released answer always finds the thread known (or still pending).
            self._started(message_id)
        thread_channel = channel_ref(int(channel.workspace_id), int(thread["id"]))
        return ThreadReceipt(MessageRef(channel, message_id), ThreadRef(thread_channel, str(thread["id"])))

    async def _thread_for(self, channel_id: str, message_id: str, name: str) -> Json:
        try:
            return await self._call(
                lambda: self.rest.start_thread(
                    channel_id, message_id, name=name[:100] or "practice", auto_archive_minutes=THREAD_ARCHIVE_MINUTES
                )
            )
        except discord.HTTPException as error:
            if error.code != THREAD_EXISTS:
                raise
        # A retry of a post whose first attempt got this far (the nonce returned the same message).
        return await self._call(lambda: self.rest.channel(message_id))

    # -- direct messages -----------------------------------------------------------------------------

    async def _dm_channel(self, user: UserRef) -> str:
        cached = self._dm_channels.get(user.user_id)
        if cached is not None:
            self._dm_channels.move_to_end(user.user_id)
            return cached
        channel = await self._call(lambda: self.rest.open_dm(user.user_id))
        self._dm_channels[user.user_id] = str(channel["id"])
        if len(self._dm_channels) > DM_CACHE_SIZE:
            self._dm_channels.popitem(last=False)
        return str(channel["id"])

    async def _direct(self, user: UserRef, bodies: Sequence[Json], attachment: Attachment | None = None) -> MessageRef:
        channel_id = await self._dm_channel(user)
        created = await self._create(channel_id, bodies, _nonces(len(bodies)), attachment=attachment)
        # Same workspace as the member, so the engine can edit or delete this feedback later.
        return MessageRef(ChannelRef(user.platform, user.workspace_id, channel_id), str(created[0]["id"]))

    # -- effects -------------------------------------------------------------------------------------

    async def deliver(self, effect: Effect, *, cause: Event | None) -> Receipt | None:
        try:
            return await self._deliver(effect, cause)
        except discord.HTTPException as error:
            if error.code == CANNOT_DM:
                raise DeliveryError(
                    "the member does not accept direct messages from the bot", retryable=False
                ) from error
            raise refusal(error) from error
        except (TimeoutError, aiohttp.ClientConnectionError) as error:
            raise DeliveryError(f"could not reach Discord: {type(error).__name__}", retryable=True) from error

    async def _deliver(self, effect: Effect, cause: Event | None) -> Receipt | None:
        match effect:
            case PostQuestion():
                return await self._start_thread(
                    effect.channel, effect.content, effect.thread_name, f"q{effect.post_id}"
                )
            case StartMockThread():
                receipt = await self._start_thread(effect.channel, effect.content, effect.thread_name, None)
                await self._invite(receipt.thread, effect.user)
                pending = self._pending_for(cause, effect.user)
                if pending is not None:
                    body = render.render_one(messages.mock_started_elsewhere())
                    body["content"] = f"{body.get('content', '')} <#{receipt.thread.thread_id}>".strip()
                    await self._answer_privately(pending, [body])
                return receipt
            case ReplyInThread():
                return await self._in_thread(effect.thread, render.render(effect.content), effect.reply_to)
            case PostSummary():
                return await self._in_thread(effect.thread, render.render(effect.content), None)
            case SendEphemeral():
                pending = self._pending_for(cause, effect.user)
                if pending is not None:
                    await self._answer_privately(pending, render.render(effect.content))
                    return None  # an interaction's reply cannot be edited after 15 minutes
                return await self._direct(effect.user, render.render(effect.content))
            case SendFile():
                attachment = Attachment(effect.filename, effect.data)
                pending = self._pending_for(cause, effect.user)
                if pending is not None:
                    await self._answer_privately(pending, render.render(effect.content), attachment)
                    return None
                await self._direct(effect.user, render.render(effect.content), attachment)
                return None
            case UpdateMessage():
                body = render.render_one(effect.content)
                message = effect.message
                await self._on_message(
                    message, lambda: self.rest.edit_message(message.channel.channel_id, message.message_id, body)
                )
                return None
            case DeleteMessage():
                message = effect.message
                with contextlib.suppress(discord.NotFound):  # already gone
                    await self._on_message(
                        message, lambda: self.rest.delete_message(message.channel.channel_id, message.message_id)
                    )
                return None
            case PublishHome():
                return None  # Discord has no per-member home page
        return None

    async def _invite(self, thread: ThreadRef, user: UserRef) -> None:
        """Add the member to their mock thread, so it shows in their thread list (best effort)."""
        try:
            await self._call(lambda: self.rest.add_thread_member(thread.thread_id, user.user_id))
        except discord.HTTPException as error:
            log.info("could not add a member to their mock thread: %s", refusal(error))
