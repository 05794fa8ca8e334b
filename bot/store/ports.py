"""What the engine needs from storage, as plain records and a protocol. No SQLAlchemy here.

Every engine operation runs in ``Store.transaction(workspace)``: the transaction object is bound to one
workspace, and every query it makes is filtered by that workspace, so no use case can read or change
another tenant's rows. The only cross-workspace reads are the scheduler's "what is due" queries,
which return references that the tick then handles one workspace at a time.

Methods that insert return ``None`` (or ``False``) when a uniqueness rule says the work is already
done; callers treat that as a normal outcome.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol

from bot.channel_settings import ChannelSettings
from bot.refs import ChannelRef, MessageRef, Platform, ThreadRef, UserRef, WorkspaceRef


class PostStatus(StrEnum):
    CLAIMED = "claimed"  # a tick owns it and is posting it
    POSTED = "posted"  # on the platform, open for answers
    FAILED = "failed"  # the platform refused it
    CLOSING = "closing"  # a tick owns the wrap-up
    CLOSED = "closed"
    SKIPPED = "skipped"  # not posted: skipped by a member or missed beyond the grace window


class MockStage(StrEnum):
    ANSWER = "answer"  # waiting for the answer to the round's question
    FOLLOWUP = "followup"  # waiting for the answer to the pushback


class MockStatus(StrEnum):
    OPEN = "open"
    FINISHED = "finished"
    ENDED = "ended"  # stopped by the member before the last round


@dataclass(frozen=True, slots=True)
class ChannelRecord:
    id: int
    ref: ChannelRef
    settings: ChannelSettings
    next_due_at: datetime | None


class StaleReferenceError(RuntimeError):
    """A cached reference (a member or workspace id) no longer exists: another process deleted it.

    The store has dropped its caches when it raises this; running the use case again succeeds.
    """


@dataclass(frozen=True, slots=True)
class PostRecord:
    id: int
    channel: ChannelRef
    settings: ChannelSettings
    question_id: str
    status: PostStatus
    thread: ThreadRef | None
    posted_at: datetime | None
    closes_at: datetime | None


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    id: int
    author: UserRef
    message: MessageRef
    text: str
    score: int
    results: list[dict[str, Any]]
    late: bool
    feedback: MessageRef | None
    votes: int = 0


@dataclass(frozen=True, slots=True)
class MockRoundRecord:
    position: int
    round: str
    question_id: str
    answer_text: str | None
    score: int | None
    results: list[dict[str, Any]] | None
    followup: str | None
    followup_answer: str | None
    followup_score: int | None


@dataclass(frozen=True, slots=True)
class MockSessionRecord:
    id: int
    user: UserRef
    company: str
    plan: list[dict[str, str]]
    round_index: int
    stage: MockStage
    thread: ThreadRef | None
    status: MockStatus
    started_at: datetime
    rounds: tuple[MockRoundRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class DueChannel:
    channel: ChannelRecord
    due_at: datetime
    # The store's own key for the channel's workspace, handed back in a PostClaim.
    workspace_key: int


@dataclass(frozen=True, slots=True)
class PostClaim:
    """One scheduled post a tick wants: claimed only if no post holds that channel's local date yet."""

    due: DueChannel
    question_id: str
    local_date: date
    status: PostStatus
    next_due_at: datetime | None


@dataclass(frozen=True, slots=True)
class ClaimedPost:
    post_id: int
    claim: PostClaim


@dataclass(frozen=True, slots=True)
class PostedReceipt:
    post_id: int
    message: MessageRef
    thread: ThreadRef
    posted_at: datetime
    closes_at: datetime


@dataclass(frozen=True, slots=True)
class VoteTarget:
    answer_id: int
    author_id: int
    vote_emojis: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PostPointer:
    """A post named by its channel and id: one the tick must close, or retry after a refusal."""

    channel: ChannelRef
    post_id: int


@dataclass(frozen=True, slots=True)
class OpenPost:
    """A question still taking answers, as reconciliation after a lost connection sees it."""

    post_id: int
    channel: ChannelRef
    thread: ThreadRef
    posted_at: datetime


@dataclass(frozen=True, slots=True)
class OpenMock:
    """A mock interview waiting on its candidate, as reconciliation after a lost connection sees it."""

    session_id: int
    user: UserRef
    thread: ThreadRef


@dataclass(frozen=True, slots=True)
class StoredVote:
    voter: UserRef
    emoji: str


@dataclass(frozen=True, slots=True)
class LeaderRow:
    member_id: int
    user: UserRef
    points: int  # the sum of each member's best on-time score per question
    answered: int  # questions answered on time
    votes: int  # votes received


class WorkspaceTransaction(Protocol):
    """One unit of work inside one workspace; commits on success, rolls back on error."""

    workspace: WorkspaceRef

    async def claim_event(self, event_key: str, at: datetime) -> bool: ...

    async def member_id(self, user: UserRef, at: datetime) -> int: ...
    async def find_member_id(self, user: UserRef) -> int | None: ...

    async def channel(self, channel: ChannelRef) -> ChannelRecord | None: ...
    async def channels(self) -> Sequence[ChannelRecord]: ...
    async def save_channel(
        self, channel: ChannelRef, settings: ChannelSettings, next_due_at: datetime | None, at: datetime
    ) -> ChannelRecord: ...
    async def advance_channel(self, channel_id: int, expected: datetime | None, next_due_at: datetime | None) -> bool:
        """Move ``next_due_at`` on only if it still equals ``expected`` (two ticks race here)."""
        ...

    async def claim_post(
        self,
        *,
        channel: ChannelRecord,
        question_id: str,
        local_date: date,
        due_at: datetime,
        scheduled: bool,
        status: PostStatus,
        at: datetime,
    ) -> int | None:
        """Insert a post; ``None`` when this channel already has the scheduled post of that date."""
        ...

    async def post(self, post_id: int) -> PostRecord | None: ...
    async def post_by_thread(self, thread: ThreadRef) -> PostRecord | None: ...
    async def latest_post(self, channel_id: int, statuses: Sequence[PostStatus]) -> PostRecord | None: ...
    async def asked_question_ids(self, channel_id: int) -> Sequence[str]:
        """Question ids posted in the channel, oldest first."""
        ...

    async def set_post_status(self, post_id: int, status: PostStatus, *, expected: PostStatus | None = None) -> bool:
        """Set the status, only from ``expected`` when given; ``False`` when another worker got there first."""
        ...

    async def reclaim_post(self, post_id: int, *, claimed_before: datetime, at: datetime) -> bool:
        """Take over a failed post for another attempt; ``False`` if someone else did."""
        ...

    async def add_answer(
        self,
        *,
        post_id: int,
        member_id: int,
        message: MessageRef,
        text: str,
        score: int,
        results: list[dict[str, Any]],
        late: bool,
        at: datetime,
    ) -> int | None: ...
    async def answer_by_message(self, message: MessageRef) -> AnswerRecord | None: ...
    async def vote_target(self, message: MessageRef) -> VoteTarget | None:
        """The answer a reaction is on, its author and the channel's vote emoji, in one lookup."""
        ...

    async def update_answer(
        self, answer_id: int, *, text: str, score: int, results: list[dict[str, Any]], at: datetime
    ) -> None: ...
    async def set_feedback_messages(self, items: Sequence[tuple[int, MessageRef]]) -> None:
        """Remember each answer's feedback message: (answer id, the feedback message)."""
        ...

    async def delete_answer(self, answer_id: int) -> None: ...
    async def answers_for_post(self, post_id: int) -> Sequence[AnswerRecord]:
        """Answers with their vote counts, oldest first."""
        ...

    async def votes_for_post(self, post_id: int) -> dict[int, list[StoredVote]]:
        """The votes on the post's answers by answer id, oldest first; answers without votes are left out."""
        ...

    async def add_vote(self, *, answer_id: int, voter_id: int, author_id: int, emoji: str, at: datetime) -> bool: ...
    async def remove_vote(self, *, answer_id: int, voter_id: int, emoji: str) -> bool: ...

    async def leaderboard(self, since: datetime | None, limit: int | None) -> Sequence[LeaderRow]:
        """Members ordered by points, then votes; only on-time answers count."""
        ...

    async def answered_dates(self, member_ids: Sequence[int]) -> dict[int, set[date]]:
        """For each member, local dates of scheduled questions they answered on time."""
        ...

    async def scheduled_dates(self, limit: int) -> Sequence[tuple[date, bool]]:
        """Local dates of the workspace's posted scheduled questions, newest first, with whether one is open."""
        ...

    async def recent_results(self, member_id: int, limit: int) -> Sequence[tuple[int, list[dict[str, Any]]]]:
        """The member's latest answers as (score, check results), newest first."""
        ...

    async def mock_count(self, member_id: int) -> int: ...

    async def open_mock(self, member_id: int) -> MockSessionRecord | None: ...
    async def mock_by_thread(self, thread: ThreadRef) -> MockSessionRecord | None: ...
    async def start_mock(
        self,
        *,
        member_id: int,
        user: UserRef,
        company: str,
        plan: list[dict[str, str]],
        channel: ChannelRef,
        at: datetime,
    ) -> int | None:
        """A new open session; ``None`` when the member already has one open."""
        ...

    async def set_mock_thread(self, session_id: int, thread: ThreadRef) -> None: ...
    async def save_mock_round(self, session_id: int, round_: MockRoundRecord) -> None: ...
    async def set_mock_progress(self, session_id: int, *, round_index: int, stage: MockStage) -> bool: ...
    async def finish_mock(self, session_id: int, status: MockStatus, at: datetime) -> None: ...

    async def member_export(self, user: UserRef) -> dict[str, Any] | None: ...
    async def forget_member(self, user: UserRef) -> bool: ...


class Store(Protocol):
    def transaction(self, workspace: WorkspaceRef) -> AbstractAsyncContextManager[WorkspaceTransaction]: ...

    async def due_channels(self, platform: Platform, now: datetime, limit: int) -> Sequence[DueChannel]: ...
    async def asked_questions(self, channel_ids: Sequence[int]) -> dict[int, list[str]]:
        """For each channel, the question ids it has posted, oldest first."""
        ...

    async def claim_posts(self, claims: Sequence[PostClaim], at: datetime) -> Sequence[ClaimedPost]:
        """Insert the posts and advance each channel's next due instant, in one transaction.

        Returns the claims that won: a post already holding a channel's local date (another process's
        tick) makes that claim lose, and its channel's instant is only moved if it is still the one seen.
        """
        ...

    async def mark_posted_many(self, receipts: Sequence[PostedReceipt]) -> None: ...
    async def due_closings(self, platform: Platform, now: datetime, limit: int) -> Sequence[PostPointer]: ...
    async def stale_posts(
        self, platform: Platform, *, claimed_before: datetime, due_after: datetime, max_attempts: int
    ) -> Sequence[PostPointer]: ...
    async def open_posts(self, platform: Platform) -> Sequence[OpenPost]: ...
    async def open_mocks(self, platform: Platform, *, started_after: datetime) -> Sequence[OpenMock]: ...
    async def purge_workspace(self, workspace: WorkspaceRef) -> bool: ...
    async def prune_events(self, older_than: datetime) -> int: ...
    async def close(self) -> None: ...
