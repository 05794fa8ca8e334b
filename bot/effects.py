"""Effects: the engine's decisions as values, which adapters turn into platform calls.

An adapter delivers each effect and returns a receipt for the ones that create something the engine
must remember (a question's message and thread, a feedback message it may later edit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.documents import Document
from bot.refs import ChannelRef, MessageRef, ThreadRef, UserRef


@dataclass(frozen=True, slots=True, kw_only=True)
class PostQuestion:
    """Post the daily question into the channel and open a thread on it for answers."""

    channel: ChannelRef
    content: Document
    thread_name: str
    post_id: int
    # How long the question stays open once posted; the engine uses it when the receipt comes back.
    closes_after: timedelta


@dataclass(frozen=True, slots=True, kw_only=True)
class StartMockThread:
    """Open the thread (or direct conversation) one member's mock interview runs in."""

    channel: ChannelRef
    user: UserRef
    content: Document
    thread_name: str
    session_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplyInThread:
    thread: ThreadRef
    content: Document
    reply_to: MessageRef | None = None
    # Set when this reply is the feedback on an answer, so a later edit can update it in place.
    feedback_for_answer: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SendEphemeral:
    """Text only ``user`` sees: a private feedback card, a command's reply, a refusal."""

    channel: ChannelRef
    user: UserRef
    content: Document
    thread: ThreadRef | None = None
    feedback_for_answer: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PostSummary:
    """The wrap-up posted in the question's thread when it closes."""

    thread: ThreadRef
    content: Document
    post_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateMessage:
    message: MessageRef
    content: Document


@dataclass(frozen=True, slots=True, kw_only=True)
class DeleteMessage:
    message: MessageRef


@dataclass(frozen=True, slots=True, kw_only=True)
class SendFile:
    """A private file for ``user`` (their data export)."""

    channel: ChannelRef
    user: UserRef
    filename: str
    data: bytes
    content: Document


@dataclass(frozen=True, slots=True, kw_only=True)
class PublishHome:
    """The member's personal page (Slack's App Home); platforms without one ignore it."""

    user: UserRef
    content: Document


Effect = (
    PostQuestion
    | StartMockThread
    | ReplyInThread
    | SendEphemeral
    | PostSummary
    | UpdateMessage
    | DeleteMessage
    | SendFile
    | PublishHome
)


@dataclass(frozen=True, slots=True)
class ThreadReceipt:
    """What the platform created for a ``PostQuestion`` or ``StartMockThread``."""

    message: MessageRef
    thread: ThreadRef


Receipt = ThreadReceipt | MessageRef
