"""Slack payloads -> platform-neutral events. Pure functions: no I/O, no clock, no store.

Every Events API type the app can receive is in one of two tables: ``HANDLED_EVENTS`` (what it becomes)
or ``IGNORED_EVENTS`` (why it is dropped); so are message subtypes. Whatever is dropped comes back as
``Ignored`` with a one-line reason, which the app logs at debug level.

Identity follows the core's conventions: workspace = team id, channel = channel id, message id = ``ts``,
a reply's thread id = its ``thread_ts``. Reactions name only ``item.channel`` and ``item.ts``.

Message text arrives in Slack's markup (``&lt;`` for ``<``, ``<@U123>`` for a mention, ``<url|label>``
for a link). The engine scores plain text, so it is decoded here into what the member saw.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot import emoji
from bot.command_text import parse_command_text
from bot.engine.commands import requires_admin
from bot.events import (
    AnswerDeleted,
    AnswerEdited,
    AnswerPosted,
    CommandInvoked,
    Event,
    HomeOpened,
    MockRequested,
    ReactionAdded,
    ReactionRemoved,
    WorkspaceRemoved,
)
from bot.refs import ChannelRef, MessageRef, Platform, UserRef, WorkspaceRef

Payload = Mapping[str, Any]

HANDLED_EVENTS = {
    "message": "a reply in a question's or a mock's thread is an answer; edits re-score it, deletions withdraw it",
    "reaction_added": "a vote for the answer reacted to",
    "reaction_removed": "a vote taken back",
    "app_home_opened": "the member's Home tab shows their stats",
    "app_uninstalled": "the workspace removed the app: its data is purged",
    "tokens_revoked": "when the bot token is revoked the app is gone from the workspace: its data is purged",
}
IGNORED_EVENTS = {
    "app_mention": "commands are slash commands and answers are thread replies; a mention asks for neither",
    "member_joined_channel": "joining a channel changes nothing until the member answers",
    "member_left_channel": "a member's answers and votes stay counted after they leave",
    "channel_left": "the channel keeps its set-up; posting there fails until the app is invited again",
    "app_rate_limited": "Slack reports events it dropped; answers are never polled to make up for them",
    "team_join": "new members need no set-up",
    "user_change": "names are looked up when they are shown",
}

# Message subtypes that are a member's own reply: the answer text is in ``text``.
ANSWER_SUBTYPES = frozenset({"", "thread_broadcast", "file_share"})
IGNORED_SUBTYPES = {
    "bot_message": "a bot's message, ours or another app's",
    "me_message": "a /me status line, not an answer",
    "channel_join": "a membership notice",
    "channel_leave": "a membership notice",
    "group_join": "a membership notice",
    "group_leave": "a membership notice",
    "channel_topic": "a channel notice",
    "channel_purpose": "a channel notice",
    "channel_name": "a channel notice",
    "channel_archive": "a channel notice",
    "channel_unarchive": "a channel notice",
    "pinned_item": "a pin notice",
    "unpinned_item": "a pin notice",
    "message_replied": "a notice about a reply; the reply arrives as its own event",
    "reminder_add": "a reminder notice",
    "ekm_access_denied": "content the workspace's keys hide from apps",
    "huddle_thread": "a huddle notice",
}


@dataclass(frozen=True, slots=True)
class Ignored:
    """A payload that is not an event for the engine, and why."""

    reason: str


Translation = Event | Ignored


# -- Slack markup -> the text a member saw -------------------------------------------------------------

_MARKUP = re.compile(r"<([^<>]*)>")
_BROADCASTS = {"here": "@here", "channel": "@channel", "everyone": "@everyone"}


def _decode_markup(inner: str) -> str:
    target, _, label = inner.partition("|")
    if target.startswith("@"):  # <@U123> or <@U123|name>
        return "@" + (label or target[1:])
    if target.startswith("#"):  # <#C123|general>
        return "#" + (label or target[1:])
    if target.startswith("!"):  # <!here>, <!subteam^S1|@team>, <!date^…|fallback>
        command = target[1:].split("^", 1)[0]
        if command in _BROADCASTS:
            return _BROADCASTS[command]
        return label or "@" + target[1:].split("^")[-1]
    if not label or label == target or target == "mailto:" + label:
        return target.removeprefix("mailto:")
    return f"{label} ({target})"


def decode_text(text: str) -> str:
    """Slack's message markup as the plain text a member saw: entities unescaped, mentions and links as words."""
    decoded = _MARKUP.sub(lambda match: _decode_markup(match.group(1)), text)
    return decoded.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# -- Events API --------------------------------------------------------------------------------------


def _own_user_ids(envelope: Payload, bot_user_id: str | None) -> set[str]:
    """The app's bot user in this workspace: from the start-up check, or the envelope's authorizations."""
    ids = {bot_user_id} if bot_user_id else set()
    for authorization in envelope.get("authorizations") or ():
        if authorization.get("is_bot") and authorization.get("user_id"):
            ids.add(authorization["user_id"])
    return ids


@dataclass(frozen=True, slots=True)
class _Context:
    team_id: str
    event_id: str
    at: datetime
    own_users: set[str]

    def channel(self, channel_id: str) -> ChannelRef:
        return ChannelRef(Platform.SLACK, self.team_id, channel_id)

    def user(self, user_id: str) -> UserRef:
        return UserRef(Platform.SLACK, self.team_id, user_id)


def translate_event(envelope: Payload, *, at: datetime, bot_user_id: str | None = None) -> Translation:
    """An Events API envelope (``type: event_callback``) as an engine event, or why it is ignored."""
    event = envelope.get("event") or {}
    kind = event.get("type", "")
    team_id = envelope.get("team_id") or event.get("team") or ""
    if not team_id:
        return Ignored("no workspace (team id) in the envelope")
    # ``event_id`` is the same on every retry of one occurrence, and differs between occurrences.
    event_id = envelope.get("event_id") or f"{kind}:{event.get('event_ts', '')}"
    context = _Context(team_id, f"slack:{event_id}", at, _own_user_ids(envelope, bot_user_id))
    match kind:
        case "message":
            return _message(event, context)
        case "reaction_added" | "reaction_removed":
            return _reaction(event, context, added=kind == "reaction_added")
        case "app_home_opened":
            if event.get("tab", "home") != "home" or not event.get("user"):
                return Ignored("the Messages tab was opened, not the Home tab")
            return HomeOpened(event_id=context.event_id, at=at, user=context.user(event["user"]))
        case "app_uninstalled":
            return WorkspaceRemoved(event_id=context.event_id, at=at, workspace=WorkspaceRef(Platform.SLACK, team_id))
        case "tokens_revoked":
            if not (event.get("tokens") or {}).get("bot"):
                return Ignored("only user tokens were revoked; the app does not use them")
            return WorkspaceRemoved(event_id=context.event_id, at=at, workspace=WorkspaceRef(Platform.SLACK, team_id))
    return Ignored(IGNORED_EVENTS.get(kind, f"the app does not subscribe to {kind or 'untyped'} events"))


def _is_thread_reply(message: Payload) -> bool:
    thread_ts = message.get("thread_ts")
    return bool(thread_ts) and thread_ts != message.get("ts")


def _message(event: Payload, context: _Context) -> Translation:
    subtype = event.get("subtype") or ""
    channel_id = event.get("channel")
    if not channel_id:
        return Ignored("a message without a channel")
    if subtype == "message_changed":
        return _edited(event, channel_id, context)
    if subtype == "message_deleted":
        return _deleted(event, channel_id, context)
    if subtype not in ANSWER_SUBTYPES:
        return Ignored(IGNORED_SUBTYPES.get(subtype, f"a {subtype} message is not a member's reply"))
    user = event.get("user")
    if event.get("bot_id") or not user or user in context.own_users:
        return Ignored("a bot's message, ours or another app's")
    if not _is_thread_reply(event):
        return Ignored("not a thread reply: answers are replies in a question's thread")
    message = MessageRef(context.channel(channel_id), event["ts"], event["thread_ts"])
    return AnswerPosted(
        event_id=context.event_id,
        at=context.at,
        message=message,
        author=context.user(user),
        text=decode_text(event.get("text") or ""),
    )


def _edited(event: Payload, channel_id: str, context: _Context) -> Translation:
    message = event.get("message") or {}
    user = message.get("user")
    if message.get("subtype") == "tombstone":
        return Ignored("a thread's first message was deleted; its replies stay")
    if message.get("bot_id") or not user or user in context.own_users:
        return Ignored("a bot's message was edited, ours or another app's")
    if not _is_thread_reply(message):
        return Ignored("an edit outside a thread (a question itself or a channel message)")
    return AnswerEdited(
        event_id=context.event_id,
        at=context.at,
        message=MessageRef(context.channel(channel_id), message["ts"], message["thread_ts"]),
        author=context.user(user),
        text=decode_text(message.get("text") or ""),
    )


def _deleted(event: Payload, channel_id: str, context: _Context) -> Translation:
    deleted_ts = event.get("deleted_ts")
    previous = event.get("previous_message") or {}
    if not deleted_ts:
        return Ignored("a deletion that names no message")
    if previous.get("bot_id") or (previous.get("user") and previous["user"] in context.own_users):
        return Ignored("a bot's message was deleted, ours or another app's")
    thread_ts = previous.get("thread_ts")
    return AnswerDeleted(
        event_id=context.event_id,
        at=context.at,
        message=MessageRef(context.channel(channel_id), deleted_ts, thread_ts if thread_ts != deleted_ts else None),
    )


def _reaction(event: Payload, context: _Context, *, added: bool) -> Translation:
    item = event.get("item") or {}
    user = event.get("user")
    if item.get("type") != "message" or not item.get("channel") or not item.get("ts"):
        return Ignored("a reaction on a file, not on an answer")
    if not user or user in context.own_users:
        return Ignored("the app's own reaction")
    kind = ReactionAdded if added else ReactionRemoved
    return kind(
        event_id=context.event_id,
        at=context.at,
        message=MessageRef(context.channel(item["channel"]), item["ts"]),
        user=context.user(user),
        emoji=emoji.canonical(event.get("reaction") or ""),
    )


# -- slash commands ----------------------------------------------------------------------------------


def is_mock_command(command: str) -> bool:
    """``/mock`` (or a renamed copy such as ``/pb-mock``) starts mock interviews; other commands are ``/practice``."""
    return command.strip().lower().lstrip("/").endswith("mock")


def needs_admin_check(payload: Payload) -> bool:
    """Whether the command's answer depends on the member being a workspace admin (one users.info call)."""
    if is_mock_command(payload.get("command") or ""):
        return False
    subcommand, _, _ = parse_command_text(decode_text(payload.get("text") or ""))
    return requires_admin(subcommand)


def command_event_id(payload: Payload) -> str:
    """One id per invocation: Slack does not retry slash commands, and ``trigger_id`` is unique to each."""
    return f"slack:command:{payload.get('trigger_id') or payload.get('response_url') or ''}"


def translate_command(payload: Payload, *, at: datetime, is_admin: bool) -> Translation:
    """A slash command's form fields as a ``MockRequested`` or ``CommandInvoked``."""
    team_id, channel_id, user_id = payload.get("team_id"), payload.get("channel_id"), payload.get("user_id")
    if not (team_id and channel_id and user_id):
        return Ignored("a command without a workspace, channel or member")
    channel = ChannelRef(Platform.SLACK, team_id, channel_id)
    user = UserRef(Platform.SLACK, team_id, user_id)
    text = decode_text(payload.get("text") or "")
    event_id = command_event_id(payload)
    if is_mock_command(payload.get("command") or ""):
        words = text.split()
        return MockRequested(
            event_id=event_id,
            at=at,
            channel=channel,
            user=user,
            company=words[0] if words else None,
            round=" ".join(words[1:]) or None,
        )
    subcommand, options, args = parse_command_text(text)
    return CommandInvoked(
        event_id=event_id,
        at=at,
        channel=channel,
        user=user,
        subcommand=subcommand,
        options=options,
        args=args,
        is_admin=is_admin,
    )
