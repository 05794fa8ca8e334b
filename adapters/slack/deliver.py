"""Effects -> Slack Web API calls, paced per channel, with receipts for what Slack created.

- Posts go through ``chat.postMessage`` one per second per channel (``ChannelPacer``); a document longer
  than one message holds continues in the thread.
- A private reply to a slash command goes to the command's ``response_url``, so it works wherever the
  command was typed; other private replies are ``chat.postEphemeral``.
- When Slack says the app is not in a public channel it joins and tries once more (the channel's admin
  set it up there); a mock that cannot open where it was asked for opens in a direct message instead.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.api import SlackApi, error_code, retry_handlers, web_log
from adapters.slack.directory import UserDirectory
from adapters.slack.pacing import ChannelPacer
from adapters.slack.render import (
    SlackMessage,
    render_home,
    render_messages,
    render_mrkdwn,
    render_single_message,
)
from adapters.slack.responses import PendingResponses
from bot.documents import Bullets, Document, Mention, Note, Paragraph
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
from bot.engine import DeliveryError
from bot.events import CommandInvoked, Event, MockRequested
from bot.refs import ChannelRef, MessageRef, ThreadRef, UserRef

log = logging.getLogger(__name__)

# Slack's answers that mean "the app cannot post in this conversation" (as opposed to a passing failure).
CANNOT_POST_HERE = frozenset({"not_in_channel", "channel_not_found", "is_archived", "restricted_action"})
ALREADY_GONE = frozenset({"message_not_found", "cant_delete_message"})


def _code(error: DeliveryError) -> str | None:
    cause = error.__cause__
    return error_code(cause) if isinstance(cause, SlackApiError) else None


def mentioned_users(document: Document) -> Iterator[UserRef]:
    for block in document.blocks:
        match block:
            case Paragraph(parts) | Note(parts):
                lines = [parts]
            case Bullets(items):
                lines = list(items)
            case _:
                continue
        for line in lines:
            yield from (part.user for part in line if isinstance(part, Mention))


class SlackOutbox:
    def __init__(
        self,
        api: SlackApi,
        directory: UserDirectory,
        pacer: ChannelPacer,
        responses: PendingResponses,
        *,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self._api = api
        self._client = api.client
        self._directory = directory
        self._pacer = pacer
        self._responses = responses
        self._session = session

    async def deliver(self, effect: Effect, *, cause: Event | None) -> Receipt | None:
        match effect:
            case PostQuestion():
                ts = await self._post(effect.channel, await self._messages(effect.channel.workspace_id, effect.content))
                return ThreadReceipt(MessageRef(effect.channel, ts), ThreadRef(effect.channel, ts))
            case StartMockThread():
                return await self._start_mock(effect)
            case ReplyInThread() | PostSummary():
                thread = effect.thread
                messages = await self._messages(thread.channel.workspace_id, effect.content)
                ts = await self._post(thread.channel, messages, thread_ts=thread.thread_id)
                return MessageRef(thread.channel, ts, thread.thread_id)
            case SendEphemeral():
                await self._ephemeral(effect, cause)
                return None
            case UpdateMessage():
                await self._update(effect)
                return None
            case DeleteMessage():
                await self._delete(effect.message)
                return None
            case SendFile():
                await self._send_file(effect)
                return None
            case PublishHome():
                names = await self._names(effect.user.workspace_id, effect.content)
                await self._api.call(
                    effect.user.workspace_id,
                    self._client.views_publish,
                    user_id=effect.user.user_id,
                    view=render_home(effect.content, names),
                )
                return None
        return None

    # -- rendering -------------------------------------------------------------------------------------

    async def _names(self, workspace_id: str, document: Document) -> dict[str, str]:
        users = {user.user_id for user in mentioned_users(document)}
        return await self._directory.names(workspace_id, users) if users else {}

    async def _messages(self, workspace_id: str, document: Document) -> list[SlackMessage]:
        return render_messages(document, await self._names(workspace_id, document))

    # -- posting ---------------------------------------------------------------------------------------

    async def _post(self, channel: ChannelRef, messages: list[SlackMessage], *, thread_ts: str | None = None) -> str:
        """Post the messages in order; returns the first one's ``ts``. Continuations go into the thread."""
        first: str | None = None
        for message in messages:
            ts = await self._post_one(channel, message, thread_ts=thread_ts or first)
            first = first or ts
        assert first is not None
        return first

    async def _post_one(self, channel: ChannelRef, message: SlackMessage, *, thread_ts: str | None) -> str:
        try:
            return await self._post_paced(channel, message, thread_ts)
        except DeliveryError as error:
            if _code(error) != "not_in_channel" or not await self._join(channel):
                raise
        return await self._post_paced(channel, message, thread_ts)

    async def _post_paced(self, channel: ChannelRef, message: SlackMessage, thread_ts: str | None) -> str:
        await self._pacer.wait_turn((channel.workspace_id, channel.channel_id))
        response = await self._api.call(
            channel.workspace_id,
            self._client.chat_postMessage,
            channel=channel.channel_id,
            text=message.text,
            blocks=message.blocks or None,
            thread_ts=thread_ts,
            unfurl_links=False,
            unfurl_media=False,
        )
        return str(response["ts"])

    async def _join(self, channel: ChannelRef) -> bool:
        """Join a public channel the app was set up in but not invited to; private ones need an /invite."""
        try:
            await self._api.call(channel.workspace_id, self._client.conversations_join, channel=channel.channel_id)
        except DeliveryError as error:
            log.warning("could not join channel %s: %s", channel.channel_id, error)
            return False
        log.info("joined channel %s to post there", channel.channel_id)
        return True

    async def _direct_channel(self, user: UserRef) -> ChannelRef:
        response = await self._api.call(user.workspace_id, self._client.conversations_open, users=user.user_id)
        return ChannelRef(user.platform, user.workspace_id, str(response["channel"]["id"]))

    async def _start_mock(self, effect: StartMockThread) -> ThreadReceipt:
        messages = await self._messages(effect.channel.workspace_id, effect.content)
        channel = effect.channel
        try:
            ts = await self._post(channel, messages)
        except DeliveryError as error:
            if _code(error) not in CANNOT_POST_HERE:
                raise
            log.info("cannot post in channel %s (%s); the mock opens in a direct message", channel.channel_id, error)
            channel = await self._direct_channel(effect.user)
            ts = await self._post(channel, messages)
        return ThreadReceipt(MessageRef(channel, ts), ThreadRef(channel, ts))

    # -- private replies -------------------------------------------------------------------------------

    async def _ephemeral(self, effect: SendEphemeral, cause: Event | None) -> None:
        messages = await self._messages(effect.channel.workspace_id, effect.content)
        if isinstance(cause, CommandInvoked | MockRequested) and effect.thread is None:
            url = self._responses.take(cause.event_id, channel=effect.channel, user=effect.user, messages=len(messages))
            if url is not None and await self._respond(url, messages):
                return
        for message in messages:
            await self._api.call(
                effect.channel.workspace_id,
                self._client.chat_postEphemeral,
                channel=effect.channel.channel_id,
                user=effect.user.user_id,
                text=message.text,
                blocks=message.blocks or None,
                thread_ts=effect.thread.thread_id if effect.thread else None,
            )

    async def _respond(self, url: str, messages: list[SlackMessage]) -> bool:
        """Reply through a command's response URL; ``False`` (then ``chat.postEphemeral`` is used) if refused."""
        webhook = AsyncWebhookClient(url, session=self._session, retry_handlers=retry_handlers(), logger=web_log)
        for message in messages:
            try:
                response = await webhook.send(
                    text=message.text, blocks=message.blocks or None, response_type="ephemeral"
                )
            except (aiohttp.ClientError, TimeoutError) as error:
                log.warning("replying through a command's response URL failed: %s", type(error).__name__)
                return False
            if response.status_code != 200:
                log.warning("a command's response URL refused the reply (HTTP %s)", response.status_code)
                return False
        return True

    # -- changes ---------------------------------------------------------------------------------------

    async def _update(self, effect: UpdateMessage) -> None:
        channel = effect.message.channel
        names = await self._names(channel.workspace_id, effect.content)
        message = render_single_message(effect.content, names)
        await self._api.call(
            channel.workspace_id,
            self._client.chat_update,
            channel=channel.channel_id,
            ts=effect.message.message_id,
            text=message.text,
            blocks=message.blocks,
        )

    async def _delete(self, message: MessageRef) -> None:
        channel = message.channel
        try:
            await self._api.call(
                channel.workspace_id, self._client.chat_delete, channel=channel.channel_id, ts=message.message_id
            )
        except DeliveryError as error:
            if _code(error) not in ALREADY_GONE:
                raise

    async def _send_file(self, effect: SendFile) -> None:
        """The file goes to the member's direct conversation with the app: nobody else can see it."""
        direct = await self._direct_channel(effect.user)
        names = await self._names(effect.user.workspace_id, effect.content)
        await self._pacer.wait_turn((direct.workspace_id, direct.channel_id))
        await self._api.call(
            effect.user.workspace_id,
            self._client.files_upload_v2,
            channel=direct.channel_id,
            file=effect.data,
            filename=effect.filename,
            title=effect.filename,
            initial_comment=render_mrkdwn(effect.content, names),
        )
