"""The store on SQLAlchemy Core over asyncio: SQLite (aiosqlite) or PostgreSQL (asyncpg).

Core statements on an ``AsyncConnection`` rather than ORM sessions: every use case is a handful of
small statements, and the ORM's unit of work and identity map would cost more than the statements.

Inserts that a uniqueness rule may refuse use ``INSERT ... ON CONFLICT DO NOTHING``, which both
databases support and which stays correct when two processes race: the loser simply gets no row
back. Status changes that two workers may attempt are conditional ``UPDATE``s whose row count says
who won.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    Table,
    Text,
    bindparam,
    case,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.channel_settings import ChannelSettings, FeedbackVisibility
from bot.refs import ChannelRef, MessageRef, Platform, ThreadRef, UserRef, WorkspaceRef
from bot.store.models import Answer, Channel, Member, MockRound, MockSession, Post, ProcessedEvent, Vote, Workspace
from bot.store.ports import (
    AnswerRecord,
    ChannelRecord,
    ClaimedPost,
    DueChannel,
    LeaderRow,
    MockRoundRecord,
    MockSessionRecord,
    MockStage,
    MockStatus,
    OpenMock,
    OpenPost,
    PostClaim,
    PostedReceipt,
    PostPointer,
    PostRecord,
    PostStatus,
    StaleReferenceError,
    StoredVote,
    VoteTarget,
)

log = logging.getLogger(__name__)

CHANNELS = cast(Table, Channel.__table__)
POSTS = cast(Table, Post.__table__)
ANSWERS = cast(Table, Answer.__table__)
MEMBERS = cast(Table, Member.__table__)
VOTES = cast(Table, Vote.__table__)
SESSIONS = cast(Table, MockSession.__table__)
ROUNDS = cast(Table, MockRound.__table__)
EVENTS = cast(Table, ProcessedEvent.__table__)
WORKSPACES = cast(Table, Workspace.__table__)
# Rows a multi-row INSERT carries at once: well inside SQLite's bound-variable limit.
CHUNK = 400
MEMBER_CACHE_SIZE = 100_000
# A channel's settings, with the JSON columns as text (a CAST, so no driver decodes them):
# _settings builds each distinct combination once, and thousands of channels share a few.
_SETTINGS_COLUMNS = (
    CHANNELS.c.schedule,
    CHANNELS.c.timezone,
    CHANNELS.c.packs.cast(Text).label("packs"),
    CHANNELS.c.answer_window_minutes,
    CHANNELS.c.vote_emojis.cast(Text).label("vote_emojis"),
    CHANNELS.c.feedback_visibility,
    CHANNELS.c.enabled,
)
# What a ChannelRecord needs: not the audit timestamps, which would be parsed for nothing.
_CHANNEL_COLUMNS = (CHANNELS.c.id, CHANNELS.c.external_id, CHANNELS.c.next_due_at, *_SETTINGS_COLUMNS)
_LIVE_POST = (PostStatus.POSTED.value, PostStatus.CLOSING.value, PostStatus.CLOSED.value)


class _Inserts:
    """``INSERT ... ON CONFLICT DO NOTHING`` for the dialect in use."""

    def __init__(self, dialect: str) -> None:
        self._module: Any = sqlite if dialect == "sqlite" else postgresql

    def ignore_conflicts(self, table: Any, values: Any) -> Any:
        return self._module.insert(table).values(values).on_conflict_do_nothing()


def _bound(*names: str) -> dict[str, Any]:
    return {name: bindparam(name) for name in names}


class _HotStatements:
    """The statements every answer and vote runs, built once: building an expression costs more CPU
    than SQLite takes to run it, and a prebuilt statement also skips recomputing its cache key."""

    def __init__(self, inserts: _Inserts) -> None:
        self.claim_event = inserts.ignore_conflicts(
            EVENTS, _bound("workspace_id", "event_key", "processed_at")
        ).returning(EVENTS.c.event_key)
        self.post_by_thread = (
            select(*_POST_COLUMNS)
            .select_from(POSTS.join(CHANNELS, CHANNELS.c.id == POSTS.c.channel_id))
            .where(
                POSTS.c.workspace_id == bindparam("ws"),
                POSTS.c.thread_channel_id == bindparam("thread_channel"),
                POSTS.c.thread_id == bindparam("thread"),
            )
        )
        self.add_answer = inserts.ignore_conflicts(
            ANSWERS,
            _bound(
                "workspace_id",
                "post_id",
                "member_id",
                "message_channel_id",
                "message_id",
                "text",
                "score",
                "results",
                "late",
                "created_at",
                "updated_at",
            ),
        ).returning(ANSWERS.c.id)
        self.vote_target = (
            select(ANSWERS.c.id, ANSWERS.c.member_id, CHANNELS.c.vote_emojis)
            .select_from(
                ANSWERS.join(POSTS, POSTS.c.id == ANSWERS.c.post_id).join(CHANNELS, CHANNELS.c.id == POSTS.c.channel_id)
            )
            .where(
                ANSWERS.c.workspace_id == bindparam("ws"),
                ANSWERS.c.message_channel_id == bindparam("channel"),
                ANSWERS.c.message_id == bindparam("message"),
            )
        )
        self.add_vote = inserts.ignore_conflicts(
            VOTES, _bound("workspace_id", "answer_id", "voter_id", "author_id", "emoji", "created_at")
        ).returning(VOTES.c.id)
        self.set_feedback = (
            update(ANSWERS)
            .where(ANSWERS.c.workspace_id == bindparam("ws"), ANSWERS.c.id == bindparam("answer"))
            .values(
                feedback_channel_id=bindparam("feedback_channel"), feedback_message_id=bindparam("feedback_message")
            )
        )


def _settings(row: Any) -> ChannelSettings:
    """The settings of a row that selected ``_SETTINGS_COLUMNS``."""
    return _settings_of(
        (
            row.schedule,
            row.timezone,
            row.packs,
            row.answer_window_minutes,
            row.vote_emojis,
            row.feedback_visibility,
            row.enabled,
        )
    )


@lru_cache(maxsize=4096)
def _settings_of(values: tuple[str, str, str, int, str, str, bool]) -> ChannelSettings:
    """Settings are immutable values and most channels share a few combinations: build each once."""
    schedule, timezone, packs, window_minutes, vote_emojis, feedback, enabled = values
    return ChannelSettings(
        schedule=schedule,
        timezone=timezone,
        packs=tuple(json.loads(packs)),
        answer_window=timedelta(minutes=window_minutes),
        vote_emojis=tuple(json.loads(vote_emojis)),
        feedback=FeedbackVisibility(feedback),
        enabled=enabled,
    )


# Columns of a post together with its channel's identity and settings, for PostRecord.
_POST_COLUMNS = (
    POSTS.c.id,
    POSTS.c.question_id,
    POSTS.c.status,
    POSTS.c.thread_channel_id,
    POSTS.c.thread_id,
    POSTS.c.posted_at,
    POSTS.c.closes_at,
    CHANNELS.c.external_id.label("channel_external_id"),
    *_SETTINGS_COLUMNS,
)


def _post_record(row: Any, workspace: WorkspaceRef) -> PostRecord:
    thread = None
    if row.thread_id is not None and row.thread_channel_id is not None:
        thread = ThreadRef(ChannelRef(workspace.platform, workspace.workspace_id, row.thread_channel_id), row.thread_id)
    return PostRecord(
        id=row.id,
        channel=ChannelRef(workspace.platform, workspace.workspace_id, row.channel_external_id),
        settings=_settings(row),
        question_id=row.question_id,
        status=PostStatus(row.status),
        thread=thread,
        posted_at=row.posted_at,
        closes_at=row.closes_at,
    )


def _workspace_id(workspace: WorkspaceRef) -> Select[Any]:
    return select(WORKSPACES.c.id).where(
        WORKSPACES.c.platform == workspace.platform.value, WORKSPACES.c.external_id == workspace.workspace_id
    )


def _channel_record(row: Any, workspace: WorkspaceRef) -> ChannelRecord:
    ref = ChannelRef(workspace.platform, workspace.workspace_id, row.external_id)
    return ChannelRecord(row.id, ref, _settings(row), row.next_due_at)


class _MemberCache:
    """Member ids by (workspace key, platform user id): they never change while the member exists."""

    def __init__(self, size: int) -> None:
        self._entries: OrderedDict[tuple[int, str], tuple[int, str | None]] = OrderedDict()
        self._size = size

    def get(self, workspace_key: int, user_id: str) -> tuple[int, str | None] | None:
        entry = self._entries.get((workspace_key, user_id))
        if entry is not None:
            self._entries.move_to_end((workspace_key, user_id))
        return entry

    def put(self, workspace_key: int, user_id: str, member_id: int, name: str | None) -> None:
        self._entries[(workspace_key, user_id)] = (member_id, name)
        if len(self._entries) > self._size:
            self._entries.popitem(last=False)

    def drop(self, workspace_key: int, user_id: str | None = None) -> None:
        if user_id is not None:
            self._entries.pop((workspace_key, user_id), None)
            return
        for key in [key for key in self._entries if key[0] == workspace_key]:
            del self._entries[key]


@dataclass(frozen=True, slots=True)
class _Shared:
    """What every transaction of one store uses: dialect-specific inserts, caches, prebuilt statements."""

    inserts: _Inserts
    members: _MemberCache
    hot: _HotStatements


class SqlTransaction:
    """One unit of work bound to one workspace: every statement filters on ``workspace_id``."""

    def __init__(self, connection: AsyncConnection, *, key: int, workspace: WorkspaceRef, shared: _Shared) -> None:
        self._db = connection
        self._key = key
        self.workspace = workspace
        self._inserts = shared.inserts
        self._members = shared.members
        self._hot = shared.hot

    # -- helpers ---------------------------------------------------------------------------------

    def _mine(self, table: Any) -> ColumnElement[bool]:
        condition: ColumnElement[bool] = table.c.workspace_id == self._key
        return condition

    def _check(self, ref: ChannelRef | UserRef | ThreadRef | MessageRef) -> None:
        workspace = ref.channel.workspace if isinstance(ref, ThreadRef | MessageRef) else ref.workspace
        if workspace != self.workspace:
            raise ValueError(f"{ref!r} is outside this transaction's workspace")

    def _channel_ref(self, channel_id: str) -> ChannelRef:
        return ChannelRef(self.workspace.platform, self.workspace.workspace_id, channel_id)

    def _user(self, external_id: str, display_name: str | None) -> UserRef:
        return UserRef(self.workspace.platform, self.workspace.workspace_id, external_id, display_name)

    async def _insert_returning_id(self, table: Any, **values: Any) -> int | None:
        statement = self._inserts.ignore_conflicts(table, {"workspace_id": self._key, **values})
        inserted: int | None = (await self._db.execute(statement.returning(table.c.id))).scalar_one_or_none()
        return inserted

    async def _changed(self, statement: Any) -> bool:
        return bool((await self._db.execute(statement)).rowcount)

    # -- events and members ----------------------------------------------------------------------

    async def claim_event(self, event_key: str, at: datetime) -> bool:
        parameters = {"workspace_id": self._key, "event_key": event_key[:160], "processed_at": at}
        return (await self._db.execute(self._hot.claim_event, parameters)).scalar_one_or_none() is not None

    async def find_member_id(self, user: UserRef) -> int | None:
        self._check(user)
        statement = select(MEMBERS.c.id).where(self._mine(MEMBERS), MEMBERS.c.external_id == user.user_id)
        return (await self._db.execute(statement)).scalar_one_or_none()

    async def member_id(self, user: UserRef, at: datetime) -> int:
        self._check(user)
        name = user.display_name[:120] if user.display_name else None
        cached = self._members.get(self._key, user.user_id)
        if cached is not None and (name is None or name == cached[1]):
            return cached[0]
        row = (
            await self._db.execute(
                select(MEMBERS.c.id, MEMBERS.c.display_name).where(
                    self._mine(MEMBERS), MEMBERS.c.external_id == user.user_id
                )
            )
        ).first()
        if row is None:
            member_id = await self._insert_returning_id(
                MEMBERS, external_id=user.user_id, display_name=name, created_at=at
            )
            if member_id is None:  # another worker inserted the same member meanwhile
                member_id = await self.find_member_id(user)
            assert member_id is not None
            stored_name = name
        else:
            member_id, stored_name = int(row.id), row.display_name
            if name and name != stored_name:
                await self._db.execute(update(MEMBERS).where(MEMBERS.c.id == member_id).values(display_name=name))
                stored_name = name
        self._members.put(self._key, user.user_id, member_id, stored_name)
        return member_id

    # -- channels --------------------------------------------------------------------------------

    async def channel(self, channel: ChannelRef) -> ChannelRecord | None:
        self._check(channel)
        statement = select(*_CHANNEL_COLUMNS).where(self._mine(CHANNELS), CHANNELS.c.external_id == channel.channel_id)
        row = (await self._db.execute(statement)).first()
        return None if row is None else _channel_record(row, self.workspace)

    async def channels(self) -> Sequence[ChannelRecord]:
        rows = await self._db.execute(select(*_CHANNEL_COLUMNS).where(self._mine(CHANNELS)).order_by(CHANNELS.c.id))
        return [_channel_record(row, self.workspace) for row in rows]

    async def save_channel(
        self, channel: ChannelRef, settings: ChannelSettings, next_due_at: datetime | None, at: datetime
    ) -> ChannelRecord:
        self._check(channel)
        values: dict[str, Any] = {
            "timezone": settings.timezone,
            "schedule": settings.schedule,
            "packs": list(settings.packs),
            "answer_window_minutes": int(settings.answer_window.total_seconds() // 60),
            "vote_emojis": list(settings.vote_emojis),
            "feedback_visibility": settings.feedback.value,
            "enabled": settings.enabled,
            "next_due_at": next_due_at,
            "updated_at": at,
        }
        inserted = await self._insert_returning_id(
            CHANNELS, platform=channel.platform.value, external_id=channel.channel_id, created_at=at, **values
        )
        if inserted is None:
            await self._db.execute(
                update(CHANNELS)
                .where(self._mine(CHANNELS), CHANNELS.c.external_id == channel.channel_id)
                .values(**values)
            )
        record = await self.channel(channel)
        assert record is not None
        return record

    async def advance_channel(self, channel_id: int, expected: datetime | None, next_due_at: datetime | None) -> bool:
        condition = CHANNELS.c.next_due_at.is_(None) if expected is None else CHANNELS.c.next_due_at == expected
        return await self._changed(
            update(CHANNELS)
            .where(self._mine(CHANNELS), CHANNELS.c.id == channel_id, condition)
            .values(next_due_at=next_due_at)
        )

    # -- posts -----------------------------------------------------------------------------------

    def _posts(self) -> Select[Any]:
        return (
            select(*_POST_COLUMNS)
            .select_from(POSTS.join(CHANNELS, CHANNELS.c.id == POSTS.c.channel_id))
            .where(self._mine(POSTS))
        )

    async def _one_post(self, statement: Select[Any]) -> PostRecord | None:
        row = (await self._db.execute(statement)).first()
        return None if row is None else _post_record(row, self.workspace)

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
        self._check(channel.ref)
        return await self._insert_returning_id(
            POSTS,
            channel_id=channel.id,
            platform=channel.ref.platform.value,
            question_id=question_id,
            local_date=local_date,
            daily_slot=local_date if scheduled else None,
            status=status.value,
            due_at=due_at,
            claimed_at=at,
            attempts=1,
            created_at=at,
        )

    async def post(self, post_id: int) -> PostRecord | None:
        return await self._one_post(self._posts().where(POSTS.c.id == post_id))

    async def post_by_thread(self, thread: ThreadRef) -> PostRecord | None:
        self._check(thread)
        parameters = {"ws": self._key, "thread_channel": thread.channel.channel_id, "thread": thread.thread_id}
        row = (await self._db.execute(self._hot.post_by_thread, parameters)).first()
        return None if row is None else _post_record(row, self.workspace)

    async def latest_post(self, channel_id: int, statuses: Sequence[PostStatus]) -> PostRecord | None:
        return await self._one_post(
            self._posts()
            .where(POSTS.c.channel_id == channel_id, POSTS.c.status.in_([s.value for s in statuses]))
            .order_by(POSTS.c.due_at.desc(), POSTS.c.id.desc())
            .limit(1)
        )

    async def asked_question_ids(self, channel_id: int) -> Sequence[str]:
        statement = (
            select(POSTS.c.question_id)
            .where(self._mine(POSTS), POSTS.c.channel_id == channel_id, POSTS.c.status.in_(_LIVE_POST))
            .order_by(POSTS.c.due_at, POSTS.c.id)
        )
        return list((await self._db.execute(statement)).scalars())

    async def set_post_status(self, post_id: int, status: PostStatus, *, expected: PostStatus | None = None) -> bool:
        statement = update(POSTS).where(self._mine(POSTS), POSTS.c.id == post_id)
        if expected is not None:
            statement = statement.where(POSTS.c.status == expected.value)
        return await self._changed(statement.values(status=status.value))

    async def reclaim_post(self, post_id: int, *, claimed_before: datetime, at: datetime) -> bool:
        return await self._changed(
            update(POSTS)
            .where(
                self._mine(POSTS),
                POSTS.c.id == post_id,
                POSTS.c.status == PostStatus.FAILED.value,
                POSTS.c.claimed_at < claimed_before,
            )
            .values(status=PostStatus.CLAIMED.value, claimed_at=at, attempts=POSTS.c.attempts + 1)
        )

    # -- answers and votes -----------------------------------------------------------------------

    def _answers(self) -> Select[Any]:
        votes = (
            select(func.count(VOTES.c.id))
            .where(VOTES.c.answer_id == ANSWERS.c.id, VOTES.c.workspace_id == self._key)
            .scalar_subquery()
        )
        return (
            select(
                ANSWERS.c.id,
                ANSWERS.c.message_channel_id,
                ANSWERS.c.message_id,
                ANSWERS.c.text,
                ANSWERS.c.score,
                ANSWERS.c.results,
                ANSWERS.c.late,
                ANSWERS.c.feedback_channel_id,
                ANSWERS.c.feedback_message_id,
                MEMBERS.c.external_id.label("member_external_id"),
                MEMBERS.c.display_name.label("member_display_name"),
                votes.label("votes"),
            )
            .select_from(ANSWERS.join(MEMBERS, MEMBERS.c.id == ANSWERS.c.member_id))
            .where(self._mine(ANSWERS))
        )

    def _answer_record(self, row: Any) -> AnswerRecord:
        feedback = None
        if row.feedback_message_id is not None and row.feedback_channel_id is not None:
            feedback = MessageRef(self._channel_ref(row.feedback_channel_id), row.feedback_message_id)
        return AnswerRecord(
            id=row.id,
            author=self._user(row.member_external_id, row.member_display_name),
            message=MessageRef(self._channel_ref(row.message_channel_id), row.message_id),
            text=row.text,
            score=row.score,
            results=list(row.results),
            late=row.late,
            feedback=feedback,
            votes=int(row.votes),
        )

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
    ) -> int | None:
        self._check(message)
        parameters = {
            "workspace_id": self._key,
            "post_id": post_id,
            "member_id": member_id,
            "message_channel_id": message.channel.channel_id,
            "message_id": message.message_id,
            "text": text,
            "score": score,
            "results": results,
            "late": late,
            "created_at": at,
            "updated_at": at,
        }
        inserted: int | None = (await self._db.execute(self._hot.add_answer, parameters)).scalar_one_or_none()
        return inserted

    async def answer_by_message(self, message: MessageRef) -> AnswerRecord | None:
        self._check(message)
        statement = self._answers().where(
            ANSWERS.c.message_channel_id == message.channel.channel_id, ANSWERS.c.message_id == message.message_id
        )
        row = (await self._db.execute(statement)).first()
        return None if row is None else self._answer_record(row)

    async def vote_target(self, message: MessageRef) -> VoteTarget | None:
        self._check(message)
        parameters = {"ws": self._key, "channel": message.channel.channel_id, "message": message.message_id}
        row = (await self._db.execute(self._hot.vote_target, parameters)).first()
        return None if row is None else VoteTarget(row.id, row.member_id, tuple(row.vote_emojis))

    async def update_answer(
        self, answer_id: int, *, text: str, score: int, results: list[dict[str, Any]], at: datetime
    ) -> None:
        await self._db.execute(
            update(ANSWERS)
            .where(self._mine(ANSWERS), ANSWERS.c.id == answer_id)
            .values(text=text, score=score, results=results, updated_at=at)
        )

    async def set_feedback_messages(self, items: Sequence[tuple[int, MessageRef]]) -> None:
        for _, feedback in items:
            self._check(feedback)
        await self._db.execute(
            self._hot.set_feedback,
            [
                {
                    "ws": self._key,
                    "answer": answer_id,
                    "feedback_channel": feedback.channel.channel_id,
                    "feedback_message": feedback.message_id,
                }
                for answer_id, feedback in items
            ],
        )

    async def delete_answer(self, answer_id: int) -> None:
        await self._db.execute(delete(VOTES).where(self._mine(VOTES), VOTES.c.answer_id == answer_id))
        await self._db.execute(delete(ANSWERS).where(self._mine(ANSWERS), ANSWERS.c.id == answer_id))

    async def answers_for_post(self, post_id: int) -> Sequence[AnswerRecord]:
        statement = self._answers().where(ANSWERS.c.post_id == post_id).order_by(ANSWERS.c.created_at, ANSWERS.c.id)
        return [self._answer_record(row) for row in await self._db.execute(statement)]

    async def votes_for_post(self, post_id: int) -> dict[int, list[StoredVote]]:
        statement = (
            select(VOTES.c.answer_id, MEMBERS.c.external_id, MEMBERS.c.display_name, VOTES.c.emoji)
            .select_from(
                VOTES.join(MEMBERS, MEMBERS.c.id == VOTES.c.voter_id).join(ANSWERS, ANSWERS.c.id == VOTES.c.answer_id)
            )
            .where(self._mine(VOTES), ANSWERS.c.post_id == post_id)
            .order_by(VOTES.c.id)
        )
        votes: dict[int, list[StoredVote]] = {}
        for row in await self._db.execute(statement):
            votes.setdefault(row.answer_id, []).append(
                StoredVote(self._user(row.external_id, row.display_name), row.emoji)
            )
        return votes

    async def add_vote(self, *, answer_id: int, voter_id: int, author_id: int, emoji: str, at: datetime) -> bool:
        if voter_id == author_id:
            return False
        parameters = {
            "workspace_id": self._key,
            "answer_id": answer_id,
            "voter_id": voter_id,
            "author_id": author_id,
            "emoji": emoji,
            "created_at": at,
        }
        return (await self._db.execute(self._hot.add_vote, parameters)).scalar_one_or_none() is not None

    async def remove_vote(self, *, answer_id: int, voter_id: int, emoji: str) -> bool:
        return await self._changed(
            delete(VOTES).where(
                self._mine(VOTES), VOTES.c.answer_id == answer_id, VOTES.c.voter_id == voter_id, VOTES.c.emoji == emoji
            )
        )

    # -- standings -------------------------------------------------------------------------------

    async def leaderboard(self, since: datetime | None, limit: int | None) -> Sequence[LeaderRow]:
        best_filter = [self._mine(ANSWERS), ANSWERS.c.late.is_(False)]
        vote_filter = [self._mine(VOTES)]
        if since is not None:
            best_filter.append(ANSWERS.c.created_at >= since)
            vote_filter.append(VOTES.c.created_at >= since)
        best = (
            select(ANSWERS.c.member_id, ANSWERS.c.post_id, func.max(ANSWERS.c.score).label("best"))
            .where(*best_filter)
            .group_by(ANSWERS.c.member_id, ANSWERS.c.post_id)
            .subquery()
        )
        points = (
            select(best.c.member_id, func.sum(best.c.best).label("points"), func.count().label("answered"))
            .group_by(best.c.member_id)
            .subquery()
        )
        votes = (
            select(VOTES.c.author_id.label("member_id"), func.count().label("votes"))
            .where(*vote_filter)
            .group_by(VOTES.c.author_id)
            .subquery()
        )
        total_points = func.coalesce(points.c.points, 0)
        total_votes = func.coalesce(votes.c.votes, 0)
        statement = (
            select(
                MEMBERS.c.id,
                MEMBERS.c.external_id,
                MEMBERS.c.display_name,
                total_points.label("points"),
                func.coalesce(points.c.answered, 0).label("answered"),
                total_votes.label("votes"),
            )
            .select_from(
                MEMBERS.outerjoin(points, points.c.member_id == MEMBERS.c.id).outerjoin(
                    votes, votes.c.member_id == MEMBERS.c.id
                )
            )
            .where(self._mine(MEMBERS), points.c.member_id.is_not(None) | votes.c.member_id.is_not(None))
            .order_by(total_points.desc(), total_votes.desc(), MEMBERS.c.id)
        )
        if limit is not None:
            statement = statement.limit(limit)
        return [
            LeaderRow(
                row.id,
                self._user(row.external_id, row.display_name),
                int(row.points),
                int(row.answered),
                int(row.votes),
            )
            for row in await self._db.execute(statement)
        ]

    async def answered_dates(self, member_ids: Sequence[int]) -> dict[int, set[date]]:
        result: dict[int, set[date]] = {member_id: set() for member_id in member_ids}
        if not member_ids:
            return result
        statement = (
            select(ANSWERS.c.member_id, POSTS.c.local_date)
            .select_from(ANSWERS.join(POSTS, POSTS.c.id == ANSWERS.c.post_id))
            .where(
                self._mine(ANSWERS),
                ANSWERS.c.member_id.in_(list(member_ids)),
                ANSWERS.c.late.is_(False),
                POSTS.c.daily_slot.is_not(None),
            )
            .distinct()
        )
        for row in await self._db.execute(statement):
            result[row.member_id].add(row.local_date)
        return result

    async def scheduled_dates(self, limit: int) -> Sequence[tuple[date, bool]]:
        is_open = func.max(case((POSTS.c.status == PostStatus.POSTED.value, 1), else_=0))
        statement = (
            select(POSTS.c.local_date, is_open.label("is_open"))
            .where(self._mine(POSTS), POSTS.c.daily_slot.is_not(None), POSTS.c.status.in_(_LIVE_POST))
            .group_by(POSTS.c.local_date)
            .order_by(POSTS.c.local_date.desc())
            .limit(limit)
        )
        return [(row.local_date, bool(row.is_open)) for row in await self._db.execute(statement)]

    async def recent_results(self, member_id: int, limit: int) -> Sequence[tuple[int, list[dict[str, Any]]]]:
        statement = (
            select(ANSWERS.c.score, ANSWERS.c.results)
            .where(self._mine(ANSWERS), ANSWERS.c.member_id == member_id)
            .order_by(ANSWERS.c.created_at.desc(), ANSWERS.c.id.desc())
            .limit(limit)
        )
        return [(int(row.score), list(row.results)) for row in await self._db.execute(statement)]

    async def mock_count(self, member_id: int) -> int:
        statement = select(func.count(SESSIONS.c.id)).where(self._mine(SESSIONS), SESSIONS.c.member_id == member_id)
        return int((await self._db.execute(statement)).scalar_one())

    # -- mock interviews -------------------------------------------------------------------------

    def _sessions(self) -> Select[Any]:
        """Mock sessions with their member's identity, for ``_mock_record``."""
        return (
            select(
                SESSIONS,
                MEMBERS.c.external_id.label("member_external_id"),
                MEMBERS.c.display_name.label("member_display_name"),
            )
            .select_from(SESSIONS.join(MEMBERS, MEMBERS.c.id == SESSIONS.c.member_id))
            .where(self._mine(SESSIONS))
        )

    async def _mock_record(self, session: Row[Any]) -> MockSessionRecord:
        rounds = await self._db.execute(
            select(ROUNDS).where(self._mine(ROUNDS), ROUNDS.c.session_id == session.id).order_by(ROUNDS.c.position)
        )
        thread = None
        if session.thread_id is not None and session.thread_channel_id is not None:
            thread = ThreadRef(self._channel_ref(session.thread_channel_id), session.thread_id)
        return MockSessionRecord(
            id=session.id,
            user=self._user(session.member_external_id, session.member_display_name),
            company=session.company,
            plan=list(session.plan),
            round_index=session.round_index,
            stage=MockStage(session.stage),
            thread=thread,
            status=MockStatus(session.status),
            started_at=session.started_at,
            rounds=tuple(
                MockRoundRecord(
                    position=r.position,
                    round=r.round,
                    question_id=r.question_id,
                    answer_text=r.answer_text,
                    score=r.score,
                    results=None if r.results is None else list(r.results),
                    followup=r.followup,
                    followup_answer=r.followup_answer,
                    followup_score=r.followup_score,
                )
                for r in rounds
            ),
        )

    async def _one_mock(self, *conditions: ColumnElement[bool]) -> MockSessionRecord | None:
        row = (await self._db.execute(self._sessions().where(*conditions))).first()
        return None if row is None else await self._mock_record(row)

    async def open_mock(self, member_id: int) -> MockSessionRecord | None:
        return await self._one_mock(SESSIONS.c.open_member_id == member_id)

    async def mock_by_thread(self, thread: ThreadRef) -> MockSessionRecord | None:
        self._check(thread)
        return await self._one_mock(
            SESSIONS.c.thread_channel_id == thread.channel.channel_id, SESSIONS.c.thread_id == thread.thread_id
        )

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
        self._check(user)
        self._check(channel)
        return await self._insert_returning_id(
            SESSIONS,
            member_id=member_id,
            open_member_id=member_id,
            company=company,
            plan=plan,
            round_index=0,
            stage=MockStage.ANSWER.value,
            channel_id=channel.channel_id,
            status=MockStatus.OPEN.value,
            started_at=at,
        )

    async def set_mock_thread(self, session_id: int, thread: ThreadRef) -> None:
        self._check(thread)
        await self._db.execute(
            update(SESSIONS)
            .where(self._mine(SESSIONS), SESSIONS.c.id == session_id)
            .values(thread_channel_id=thread.channel.channel_id, thread_id=thread.thread_id)
        )

    async def save_mock_round(self, session_id: int, round_: MockRoundRecord) -> None:
        values = {
            "round": round_.round,
            "question_id": round_.question_id,
            "answer_text": round_.answer_text,
            "score": round_.score,
            "results": round_.results,
            "followup": round_.followup,
            "followup_answer": round_.followup_answer,
            "followup_score": round_.followup_score,
        }
        inserted = await self._insert_returning_id(ROUNDS, session_id=session_id, position=round_.position, **values)
        if inserted is None:
            await self._db.execute(
                update(ROUNDS)
                .where(self._mine(ROUNDS), ROUNDS.c.session_id == session_id, ROUNDS.c.position == round_.position)
                .values(**values)
            )

    async def set_mock_progress(self, session_id: int, *, round_index: int, stage: MockStage) -> bool:
        return await self._changed(
            update(SESSIONS)
            .where(self._mine(SESSIONS), SESSIONS.c.id == session_id, SESSIONS.c.status == MockStatus.OPEN.value)
            .values(round_index=round_index, stage=stage.value)
        )

    async def finish_mock(self, session_id: int, status: MockStatus, at: datetime) -> None:
        await self._db.execute(
            update(SESSIONS)
            .where(self._mine(SESSIONS), SESSIONS.c.id == session_id)
            .values(status=status.value, open_member_id=None, finished_at=at)
        )

    # -- privacy ---------------------------------------------------------------------------------

    async def member_export(self, user: UserRef) -> dict[str, Any] | None:
        member_id = await self.find_member_id(user)
        if member_id is None:
            return None
        member = (await self._db.execute(select(MEMBERS).where(MEMBERS.c.id == member_id))).one()
        answers = await self._db.execute(
            select(ANSWERS, POSTS.c.question_id, POSTS.c.local_date)
            .select_from(ANSWERS.join(POSTS, POSTS.c.id == ANSWERS.c.post_id))
            .where(self._mine(ANSWERS), ANSWERS.c.member_id == member_id)
            .order_by(ANSWERS.c.created_at)
        )
        votes_cast = await self._db.execute(
            select(VOTES.c.emoji, VOTES.c.created_at, ANSWERS.c.message_id)
            .select_from(VOTES.join(ANSWERS, ANSWERS.c.id == VOTES.c.answer_id))
            .where(self._mine(VOTES), VOTES.c.voter_id == member_id)
            .order_by(VOTES.c.created_at)
        )
        received = await self._db.execute(
            select(func.count(VOTES.c.id)).where(self._mine(VOTES), VOTES.c.author_id == member_id)
        )
        sessions = await self._db.execute(
            self._sessions().where(SESSIONS.c.member_id == member_id).order_by(SESSIONS.c.started_at, SESSIONS.c.id)
        )
        mocks = []
        for session in sessions.all():
            record = await self._mock_record(session)
            mocks.append(
                {
                    "company": record.company,
                    "status": record.status.value,
                    "started_at": record.started_at.isoformat(),
                    "rounds": [
                        {
                            "round": r.round,
                            "question_id": r.question_id,
                            "answer": r.answer_text,
                            "score": r.score,
                            "followup": r.followup,
                            "followup_answer": r.followup_answer,
                            "followup_score": r.followup_score,
                        }
                        for r in record.rounds
                    ],
                }
            )
        return {
            "platform": self.workspace.platform.value,
            "workspace": self.workspace.workspace_id,
            "user": member.external_id,
            "display_name": member.display_name,
            "member_since": member.created_at.isoformat(),
            "answers": [
                {
                    "question_id": row.question_id,
                    "date": row.local_date.isoformat(),
                    "text": row.text,
                    "score": row.score,
                    "checks": row.results,
                    "late": row.late,
                    "answered_at": row.created_at.isoformat(),
                }
                for row in answers
            ],
            "votes_cast": [
                {"emoji": row.emoji, "at": row.created_at.isoformat(), "answer_message": row.message_id}
                for row in votes_cast
            ],
            "votes_received": int(received.scalar_one()),
            "mock_interviews": mocks,
        }

    async def forget_member(self, user: UserRef) -> bool:
        member_id = await self.find_member_id(user)
        self._members.drop(self._key, user.user_id)
        if member_id is None:
            return False
        # Children first, so the result does not depend on the database enforcing cascades.
        own_answers = select(ANSWERS.c.id).where(self._mine(ANSWERS), ANSWERS.c.member_id == member_id)
        await self._db.execute(
            delete(VOTES).where(
                self._mine(VOTES),
                (VOTES.c.voter_id == member_id) | (VOTES.c.author_id == member_id) | VOTES.c.answer_id.in_(own_answers),
            )
        )
        await self._db.execute(delete(ANSWERS).where(self._mine(ANSWERS), ANSWERS.c.member_id == member_id))
        sessions = select(SESSIONS.c.id).where(self._mine(SESSIONS), SESSIONS.c.member_id == member_id)
        await self._db.execute(delete(ROUNDS).where(self._mine(ROUNDS), ROUNDS.c.session_id.in_(sessions)))
        await self._db.execute(delete(SESSIONS).where(self._mine(SESSIONS), SESSIONS.c.member_id == member_id))
        await self._db.execute(delete(MEMBERS).where(self._mine(MEMBERS), MEMBERS.c.id == member_id))
        return True


class SqlStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._inserts = _Inserts(engine.dialect.name)
        # Workspace ids never change while the workspace exists; cache them to save a query per event.
        self._workspace_keys: dict[WorkspaceRef, int] = {}
        self._members = _MemberCache(MEMBER_CACHE_SIZE)
        self._shared = _Shared(self._inserts, self._members, _HotStatements(self._inserts))
        self._claim_post = self._inserts.ignore_conflicts(
            POSTS,
            _bound(
                "workspace_id",
                "channel_id",
                "platform",
                "question_id",
                "local_date",
                "daily_slot",
                "status",
                "due_at",
                "claimed_at",
                "attempts",
                "created_at",
            ),
        ).returning(POSTS.c.id, POSTS.c.channel_id)
        self._advance_channel = (
            update(CHANNELS)
            .where(CHANNELS.c.id == bindparam("channel_key"), CHANNELS.c.next_due_at == bindparam("expected"))
            .values(next_due_at=bindparam("following"))
        )

    async def _workspace_key(self, connection: AsyncConnection, workspace: WorkspaceRef) -> int:
        cached = self._workspace_keys.get(workspace)
        if cached is not None:
            return cached
        lookup = _workspace_id(workspace)
        found = (await connection.execute(lookup)).scalar_one_or_none()
        if found is None:
            statement = self._inserts.ignore_conflicts(
                WORKSPACES,
                {
                    "platform": workspace.platform.value,
                    "external_id": workspace.workspace_id,
                    "created_at": datetime.now(UTC),
                },
            )
            found = (await connection.execute(statement.returning(WORKSPACES.c.id))).scalar_one_or_none()
            if found is None:
                found = (await connection.execute(lookup)).scalar_one()
        key = int(found)
        self._workspace_keys[workspace] = key
        return key

    def _forget_workspace(self, workspace: WorkspaceRef) -> None:
        key = self._workspace_keys.pop(workspace, None)
        if key is not None:
            self._members.drop(key)

    @asynccontextmanager
    async def transaction(self, workspace: WorkspaceRef) -> AsyncIterator[SqlTransaction]:
        try:
            async with self.engine.begin() as connection:
                key = await self._workspace_key(connection, workspace)
                yield SqlTransaction(connection, key=key, workspace=workspace, shared=self._shared)
        except IntegrityError as error:
            # Unique rules are handled with ON CONFLICT; what is left is a cached id that another
            # process deleted (a purged workspace, a forgotten member). Drop the caches and say so.
            self._forget_workspace(workspace)
            raise StaleReferenceError(str(error.orig)) from error

    # -- the scheduler's cross-workspace queries -------------------------------------------------

    async def due_channels(self, platform: Platform, now: datetime, limit: int) -> Sequence[DueChannel]:
        statement = (
            select(*_CHANNEL_COLUMNS, CHANNELS.c.workspace_id, WORKSPACES.c.external_id.label("workspace_external_id"))
            .select_from(CHANNELS.join(WORKSPACES, WORKSPACES.c.id == CHANNELS.c.workspace_id))
            .where(CHANNELS.c.platform == platform.value, CHANNELS.c.next_due_at <= now, CHANNELS.c.enabled.is_(True))
            .order_by(CHANNELS.c.next_due_at)
            .limit(limit)
        )
        async with self.engine.connect() as connection:
            rows = await connection.execute(statement)
            return [
                DueChannel(
                    _channel_record(row, WorkspaceRef(platform, row.workspace_external_id)),
                    row.next_due_at,
                    row.workspace_id,
                )
                for row in rows
            ]

    async def asked_questions(self, channel_ids: Sequence[int]) -> dict[int, list[str]]:
        asked: dict[int, list[str]] = {channel_id: [] for channel_id in channel_ids}
        async with self.engine.connect() as connection:
            for start in range(0, len(channel_ids), CHUNK):
                chunk = list(channel_ids[start : start + CHUNK])
                rows = await connection.execute(
                    select(POSTS.c.channel_id, POSTS.c.question_id)
                    .where(POSTS.c.channel_id.in_(chunk), POSTS.c.status.in_(_LIVE_POST))
                    .order_by(POSTS.c.channel_id, POSTS.c.due_at, POSTS.c.id)
                )
                for row in rows:
                    asked[row.channel_id].append(row.question_id)
        return asked

    async def claim_posts(self, claims: Sequence[PostClaim], at: datetime) -> Sequence[ClaimedPost]:
        if not claims:
            return []
        by_channel = {claim.due.channel.id: claim for claim in claims}
        async with self.engine.begin() as connection:
            # One prebuilt single-row statement run with many parameter sets: SQLAlchemy batches it
            # into multi-row INSERTs itself and compiles it once.
            inserted = await connection.execute(
                self._claim_post,
                [
                    {
                        "workspace_id": claim.due.workspace_key,
                        "channel_id": claim.due.channel.id,
                        "platform": claim.due.channel.ref.platform.value,
                        "question_id": claim.question_id,
                        "local_date": claim.local_date,
                        "daily_slot": claim.local_date,
                        "status": claim.status.value,
                        "due_at": claim.due.due_at,
                        "claimed_at": at,
                        "attempts": 1,
                        "created_at": at,
                    }
                    for claim in claims
                ],
            )
            won = [ClaimedPost(row.id, by_channel[row.channel_id]) for row in inserted]
            await connection.execute(
                self._advance_channel,
                [
                    {"channel_key": claim.due.channel.id, "expected": claim.due.due_at, "following": claim.next_due_at}
                    for claim in claims
                ],
            )
        return won

    async def mark_posted_many(self, receipts: Sequence[PostedReceipt]) -> None:
        if not receipts:
            return
        statement = (
            update(POSTS)
            .where(POSTS.c.id == bindparam("post_key"))
            .values(
                status=PostStatus.POSTED.value,
                message_id=bindparam("message_key"),
                thread_channel_id=bindparam("thread_channel_key"),
                thread_id=bindparam("thread_key"),
                posted_at=bindparam("posted"),
                closes_at=bindparam("closes"),
            )
        )
        async with self.engine.begin() as connection:
            await connection.execute(
                statement,
                [
                    {
                        "post_key": receipt.post_id,
                        "message_key": receipt.message.message_id,
                        "thread_channel_key": receipt.thread.channel.channel_id,
                        "thread_key": receipt.thread.thread_id,
                        "posted": receipt.posted_at,
                        "closes": receipt.closes_at,
                    }
                    for receipt in receipts
                ],
            )

    async def _post_pointers(
        self, platform: Platform, *conditions: ColumnElement[bool], order_by: Any, limit: int | None = None
    ) -> list[PostPointer]:
        """Posts across workspaces named by channel and id, for the tick to handle one by one."""
        statement = (
            select(
                POSTS.c.id, CHANNELS.c.external_id.label("channel_id"), WORKSPACES.c.external_id.label("workspace_id")
            )
            .select_from(
                POSTS.join(CHANNELS, CHANNELS.c.id == POSTS.c.channel_id).join(
                    WORKSPACES, WORKSPACES.c.id == POSTS.c.workspace_id
                )
            )
            .where(POSTS.c.platform == platform.value, *conditions)
            .order_by(order_by)
            .limit(limit)
        )
        async with self.engine.connect() as connection:
            return [
                PostPointer(ChannelRef(platform, row.workspace_id, row.channel_id), row.id)
                for row in await connection.execute(statement)
            ]

    async def due_closings(self, platform: Platform, now: datetime, limit: int) -> Sequence[PostPointer]:
        return await self._post_pointers(
            platform,
            POSTS.c.status == PostStatus.POSTED.value,
            POSTS.c.closes_at <= now,
            order_by=POSTS.c.closes_at,
            limit=limit,
        )

    async def stale_posts(
        self, platform: Platform, *, claimed_before: datetime, due_after: datetime, max_attempts: int
    ) -> Sequence[PostPointer]:
        return await self._post_pointers(
            platform,
            # Only posts the platform refused: a claim that never reported back may have reached the
            # platform, and posting it again could post twice.
            POSTS.c.status == PostStatus.FAILED.value,
            POSTS.c.claimed_at < claimed_before,
            POSTS.c.due_at >= due_after,
            POSTS.c.attempts < max_attempts,
            order_by=POSTS.c.due_at,
        )

    async def open_posts(self, platform: Platform) -> Sequence[OpenPost]:
        statement = (
            select(*_POST_COLUMNS, WORKSPACES.c.external_id.label("workspace_external_id"))
            .select_from(
                POSTS.join(CHANNELS, CHANNELS.c.id == POSTS.c.channel_id).join(
                    WORKSPACES, WORKSPACES.c.id == POSTS.c.workspace_id
                )
            )
            .where(POSTS.c.platform == platform.value, POSTS.c.status == PostStatus.POSTED.value)
            .order_by(POSTS.c.posted_at)
        )
        async with self.engine.connect() as connection:
            result = []
            for row in await connection.execute(statement):
                record = _post_record(row, WorkspaceRef(platform, row.workspace_external_id))
                if record.thread is not None and record.posted_at is not None:
                    result.append(OpenPost(record.id, record.channel, record.thread, record.posted_at))
            return result

    async def open_mocks(self, platform: Platform, *, started_after: datetime) -> Sequence[OpenMock]:
        statement = (
            select(
                SESSIONS.c.id,
                SESSIONS.c.thread_channel_id,
                SESSIONS.c.thread_id,
                MEMBERS.c.external_id.label("user_id"),
                MEMBERS.c.display_name,
                WORKSPACES.c.external_id.label("workspace_external_id"),
            )
            .select_from(
                SESSIONS.join(MEMBERS, MEMBERS.c.id == SESSIONS.c.member_id).join(
                    WORKSPACES, WORKSPACES.c.id == SESSIONS.c.workspace_id
                )
            )
            .where(
                WORKSPACES.c.platform == platform.value,
                SESSIONS.c.status == MockStatus.OPEN.value,
                SESSIONS.c.thread_id.is_not(None),
                SESSIONS.c.thread_channel_id.is_not(None),
                SESSIONS.c.started_at > started_after,
            )
            .order_by(SESSIONS.c.started_at, SESSIONS.c.id)
        )
        async with self.engine.connect() as connection:
            return [
                OpenMock(
                    session_id=row.id,
                    user=UserRef(platform, row.workspace_external_id, row.user_id, row.display_name),
                    thread=ThreadRef(
                        ChannelRef(platform, row.workspace_external_id, row.thread_channel_id), row.thread_id
                    ),
                )
                for row in await connection.execute(statement)
            ]

    async def purge_workspace(self, workspace: WorkspaceRef) -> bool:
        async with self.engine.begin() as connection:
            key = (await connection.execute(_workspace_id(workspace))).scalar_one_or_none()
            self._forget_workspace(workspace)
            if key is None:
                return False
            # Children first, so the purge does not depend on the database enforcing cascades.
            for child in (VOTES, ANSWERS, ROUNDS, SESSIONS, POSTS, CHANNELS, EVENTS, MEMBERS):
                await connection.execute(delete(child).where(child.c.workspace_id == key))
            await connection.execute(delete(WORKSPACES).where(WORKSPACES.c.id == key))
            return True

    async def prune_events(self, older_than: datetime) -> int:
        async with self.engine.begin() as connection:
            result = await connection.execute(delete(EVENTS).where(EVENTS.c.processed_at < older_than))
            return int(result.rowcount)

    async def close(self) -> None:
        await self.engine.dispose()
