"""The store on SQLAlchemy's asyncio engine: SQLite (aiosqlite) or PostgreSQL (asyncpg).

Inserts that a uniqueness rule may refuse use ``INSERT ... ON CONFLICT DO NOTHING``, which both
databases support and which stays correct when two processes race: the loser simply gets no row
back. Status changes that two workers may attempt are conditional ``UPDATE``s whose row count says
who won.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.channel_settings import ChannelSettings, FeedbackVisibility
from bot.refs import ChannelRef, MessageRef, Platform, ThreadRef, UserRef, WorkspaceRef
from bot.store.models import (
    Answer,
    Channel,
    Member,
    MockRound,
    MockSession,
    Post,
    ProcessedEvent,
    Vote,
    Workspace,
)
from bot.store.ports import (
    AnswerRecord,
    ChannelRecord,
    DueChannel,
    DueClosing,
    LeaderRow,
    MockRoundRecord,
    MockSessionRecord,
    MockStage,
    MockStatus,
    OpenPost,
    PostRecord,
    PostStatus,
    StalePost,
    StoredVote,
)

log = logging.getLogger(__name__)


class _Inserts:
    """``INSERT ... ON CONFLICT DO NOTHING`` for the dialect in use."""

    def __init__(self, dialect: str) -> None:
        self._module: Any = sqlite if dialect == "sqlite" else postgresql

    def ignore_conflicts(self, model: Any, **values: Any) -> Any:
        return self._module.insert(model).values(**values).on_conflict_do_nothing()


def _settings(row: Channel) -> ChannelSettings:
    return ChannelSettings(
        schedule=row.schedule,
        timezone=row.timezone,
        packs=tuple(row.packs),
        answer_window=timedelta(minutes=row.answer_window_minutes),
        vote_emojis=tuple(row.vote_emojis),
        feedback=FeedbackVisibility(row.feedback_visibility),
        enabled=row.enabled,
    )


def _channel_record(row: Channel, workspace: WorkspaceRef) -> ChannelRecord:
    ref = ChannelRef(workspace.platform, workspace.workspace_id, row.external_id)
    return ChannelRecord(row.id, ref, _settings(row), row.next_due_at)


def _post_record(row: Post, channel_external_id: str, workspace: WorkspaceRef) -> PostRecord:
    channel = ChannelRef(workspace.platform, workspace.workspace_id, channel_external_id)
    message = thread = None
    if row.message_id is not None:
        message = MessageRef(channel, row.message_id)
    if row.thread_id is not None and row.thread_channel_id is not None:
        thread_channel = ChannelRef(workspace.platform, workspace.workspace_id, row.thread_channel_id)
        thread = ThreadRef(thread_channel, row.thread_id)
    return PostRecord(
        id=row.id,
        channel_id=row.channel_id,
        channel=channel,
        question_id=row.question_id,
        local_date=row.local_date,
        scheduled=row.daily_slot is not None,
        status=PostStatus(row.status),
        due_at=row.due_at,
        message=message,
        thread=thread,
        posted_at=row.posted_at,
        closes_at=row.closes_at,
    )


def _user(member: Member, workspace: WorkspaceRef) -> UserRef:
    return UserRef(workspace.platform, workspace.workspace_id, member.external_id, member.display_name)


class SqlTransaction:
    """One unit of work bound to one workspace: every statement filters on ``workspace_id``."""

    def __init__(self, session: AsyncSession, workspace_id: int, workspace: WorkspaceRef, inserts: _Inserts) -> None:
        self._session = session
        self._workspace_id = workspace_id
        self.workspace = workspace
        self._inserts = inserts

    # -- helpers ---------------------------------------------------------------------------------

    def _mine(self, model: Any) -> ColumnElement[bool]:
        column: ColumnElement[bool] = model.workspace_id == self._workspace_id
        return column

    def _check(self, ref: ChannelRef | UserRef | ThreadRef | MessageRef) -> None:
        workspace = ref.channel.workspace if isinstance(ref, ThreadRef | MessageRef) else ref.workspace
        if workspace != self.workspace:
            raise ValueError(f"{ref!r} is outside this transaction's workspace")

    async def _insert_returning_id(self, model: Any, **values: Any) -> int | None:
        statement = self._inserts.ignore_conflicts(model, workspace_id=self._workspace_id, **values)
        result = await self._session.execute(statement.returning(model.id))
        return result.scalar_one_or_none()

    # -- events and members ----------------------------------------------------------------------

    async def claim_event(self, event_key: str, at: datetime) -> bool:
        statement = self._inserts.ignore_conflicts(
            ProcessedEvent, workspace_id=self._workspace_id, event_key=event_key[:160], processed_at=at
        )
        result = await self._session.execute(statement.returning(ProcessedEvent.event_key))
        return result.scalar_one_or_none() is not None

    async def find_member_id(self, user: UserRef) -> int | None:
        self._check(user)
        statement = select(Member.id).where(self._mine(Member), Member.external_id == user.user_id)
        return (await self._session.execute(statement)).scalar_one_or_none()

    async def member_id(self, user: UserRef, at: datetime) -> int:
        existing = await self._session.execute(
            select(Member.id, Member.display_name).where(self._mine(Member), Member.external_id == user.user_id)
        )
        row = existing.first()
        if row is not None:
            if user.display_name and user.display_name != row.display_name:
                await self._session.execute(
                    update(Member).where(Member.id == row.id).values(display_name=user.display_name[:120])
                )
            return int(row.id)
        self._check(user)
        inserted = await self._insert_returning_id(
            Member, external_id=user.user_id, display_name=(user.display_name or None), created_at=at
        )
        if inserted is not None:
            return inserted
        found = await self.find_member_id(user)  # another worker inserted the same member meanwhile
        assert found is not None
        return found

    # -- channels --------------------------------------------------------------------------------

    async def channel(self, channel: ChannelRef) -> ChannelRecord | None:
        self._check(channel)
        row = (
            await self._session.execute(
                select(Channel).where(self._mine(Channel), Channel.external_id == channel.channel_id)
            )
        ).scalar_one_or_none()
        return None if row is None else _channel_record(row, self.workspace)

    async def channels(self) -> Sequence[ChannelRecord]:
        rows = (await self._session.execute(select(Channel).where(self._mine(Channel)).order_by(Channel.id))).scalars()
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
        await self._insert_returning_id(
            Channel, platform=channel.platform.value, external_id=channel.channel_id, created_at=at, **values
        )
        await self._session.execute(
            update(Channel).where(self._mine(Channel), Channel.external_id == channel.channel_id).values(**values)
        )
        record = await self.channel(channel)
        assert record is not None
        return record

    async def advance_channel(self, channel_id: int, expected: datetime | None, next_due_at: datetime | None) -> bool:
        condition = Channel.next_due_at.is_(None) if expected is None else Channel.next_due_at == expected
        result = await self._session.execute(
            update(Channel)
            .where(self._mine(Channel), Channel.id == channel_id, condition)
            .values(next_due_at=next_due_at)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    # -- posts -----------------------------------------------------------------------------------

    def _posts(self) -> Select[Post, str]:
        return (
            select(Post, Channel.external_id)
            .join(Channel, Channel.id == Post.channel_id)
            .where(self._mine(Post), self._mine(Channel))
        )

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
            Post,
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
        row = (await self._session.execute(self._posts().where(Post.id == post_id))).first()
        return None if row is None else _post_record(row[0], row[1], self.workspace)

    async def post_by_thread(self, thread: ThreadRef) -> PostRecord | None:
        self._check(thread)
        statement = self._posts().where(
            Post.thread_channel_id == thread.channel.channel_id, Post.thread_id == thread.thread_id
        )
        row = (await self._session.execute(statement)).first()
        return None if row is None else _post_record(row[0], row[1], self.workspace)

    async def latest_post(self, channel_id: int, statuses: Sequence[PostStatus]) -> PostRecord | None:
        statement = (
            self._posts()
            .where(Post.channel_id == channel_id, Post.status.in_([s.value for s in statuses]))
            .order_by(Post.due_at.desc(), Post.id.desc())
            .limit(1)
        )
        row = (await self._session.execute(statement)).first()
        return None if row is None else _post_record(row[0], row[1], self.workspace)

    async def asked_question_ids(self, channel_id: int) -> Sequence[str]:
        statement = (
            select(Post.question_id)
            .where(
                self._mine(Post),
                Post.channel_id == channel_id,
                Post.status.in_([PostStatus.POSTED.value, PostStatus.CLOSING.value, PostStatus.CLOSED.value]),
            )
            .order_by(Post.due_at, Post.id)
        )
        return list((await self._session.execute(statement)).scalars())

    async def mark_posted(
        self, post_id: int, *, message: MessageRef, thread: ThreadRef, posted_at: datetime, closes_at: datetime
    ) -> None:
        self._check(message)
        self._check(thread)
        await self._session.execute(
            update(Post)
            .where(self._mine(Post), Post.id == post_id)
            .values(
                status=PostStatus.POSTED.value,
                message_id=message.message_id,
                thread_channel_id=thread.channel.channel_id,
                thread_id=thread.thread_id,
                posted_at=posted_at,
                closes_at=closes_at,
            )
        )

    async def set_post_status(self, post_id: int, status: PostStatus, *, expected: PostStatus | None = None) -> bool:
        statement = update(Post).where(self._mine(Post), Post.id == post_id)
        if expected is not None:
            statement = statement.where(Post.status == expected.value)
        values: dict[str, Any] = {"status": status.value}
        result = await self._session.execute(statement.values(**values))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def reclaim_post(self, post_id: int, *, claimed_before: datetime, at: datetime) -> bool:
        result = await self._session.execute(
            update(Post)
            .where(
                self._mine(Post),
                Post.id == post_id,
                Post.status == PostStatus.FAILED.value,
                Post.claimed_at < claimed_before,
            )
            .values(status=PostStatus.CLAIMED.value, claimed_at=at, attempts=Post.attempts + 1)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    # -- answers and votes -----------------------------------------------------------------------

    def _answers(self) -> Select[Answer, Member, int]:
        votes = (
            select(func.count(Vote.id))
            .where(Vote.answer_id == Answer.id, Vote.workspace_id == self._workspace_id)
            .scalar_subquery()
        )
        return (
            select(Answer, Member, votes)
            .join(Member, Member.id == Answer.member_id)
            .where(self._mine(Answer), self._mine(Member))
        )

    def _answer_record(self, answer: Answer, member: Member, votes: int) -> AnswerRecord:
        channel = ChannelRef(self.workspace.platform, self.workspace.workspace_id, answer.message_channel_id)
        feedback = None
        if answer.feedback_message_id is not None and answer.feedback_channel_id is not None:
            feedback_channel = ChannelRef(
                self.workspace.platform, self.workspace.workspace_id, answer.feedback_channel_id
            )
            feedback = MessageRef(feedback_channel, answer.feedback_message_id)
        return AnswerRecord(
            id=answer.id,
            post_id=answer.post_id,
            member_id=answer.member_id,
            author=_user(member, self.workspace),
            message=MessageRef(channel, answer.message_id),
            text=answer.text,
            score=answer.score,
            results=list(answer.results),
            late=answer.late,
            feedback=feedback,
            created_at=answer.created_at,
            votes=int(votes),
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
        return await self._insert_returning_id(
            Answer,
            post_id=post_id,
            member_id=member_id,
            message_channel_id=message.channel.channel_id,
            message_id=message.message_id,
            text=text,
            score=score,
            results=results,
            late=late,
            created_at=at,
            updated_at=at,
        )

    async def answer_by_message(self, message: MessageRef) -> AnswerRecord | None:
        self._check(message)
        statement = self._answers().where(
            Answer.message_channel_id == message.channel.channel_id, Answer.message_id == message.message_id
        )
        row = (await self._session.execute(statement)).first()
        return None if row is None else self._answer_record(*row)

    async def update_answer(
        self, answer_id: int, *, text: str, score: int, results: list[dict[str, Any]], at: datetime
    ) -> None:
        await self._session.execute(
            update(Answer)
            .where(self._mine(Answer), Answer.id == answer_id)
            .values(text=text, score=score, results=results, updated_at=at)
        )

    async def set_feedback_message(self, answer_id: int, feedback: MessageRef) -> None:
        self._check(feedback)
        await self._session.execute(
            update(Answer)
            .where(self._mine(Answer), Answer.id == answer_id)
            .values(feedback_channel_id=feedback.channel.channel_id, feedback_message_id=feedback.message_id)
        )

    async def delete_answer(self, answer_id: int) -> None:
        await self._session.execute(delete(Vote).where(self._mine(Vote), Vote.answer_id == answer_id))
        await self._session.execute(delete(Answer).where(self._mine(Answer), Answer.id == answer_id))

    async def answers_for_post(self, post_id: int) -> Sequence[AnswerRecord]:
        statement = self._answers().where(Answer.post_id == post_id).order_by(Answer.created_at, Answer.id)
        return [self._answer_record(*row) for row in await self._session.execute(statement)]

    async def votes_for_answer(self, answer_id: int) -> Sequence[StoredVote]:
        statement = (
            select(Member, Vote.emoji)
            .join(Vote, Vote.voter_id == Member.id)
            .where(self._mine(Vote), Vote.answer_id == answer_id)
            .order_by(Vote.id)
        )
        return [
            StoredVote(_user(member, self.workspace), emoji) for member, emoji in await self._session.execute(statement)
        ]

    async def add_vote(self, *, answer_id: int, voter_id: int, author_id: int, emoji: str, at: datetime) -> bool:
        if voter_id == author_id:
            return False
        return (
            await self._insert_returning_id(
                Vote, answer_id=answer_id, voter_id=voter_id, author_id=author_id, emoji=emoji, created_at=at
            )
            is not None
        )

    async def remove_vote(self, *, answer_id: int, voter_id: int, emoji: str) -> bool:
        result = await self._session.execute(
            delete(Vote).where(
                self._mine(Vote), Vote.answer_id == answer_id, Vote.voter_id == voter_id, Vote.emoji == emoji
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    # -- standings -------------------------------------------------------------------------------

    async def leaderboard(self, since: datetime | None, limit: int | None) -> Sequence[LeaderRow]:
        best_filter = [self._mine(Answer), Answer.late.is_(False)]
        vote_filter = [self._mine(Vote)]
        if since is not None:
            best_filter.append(Answer.created_at >= since)
            vote_filter.append(Vote.created_at >= since)
        best = (
            select(Answer.member_id, Answer.post_id, func.max(Answer.score).label("best"))
            .where(*best_filter)
            .group_by(Answer.member_id, Answer.post_id)
            .subquery()
        )
        points = (
            select(
                best.c.member_id,
                func.sum(best.c.best).label("points"),
                func.count().label("answered"),
            )
            .group_by(best.c.member_id)
            .subquery()
        )
        votes = (
            select(Vote.author_id.label("member_id"), func.count().label("votes"))
            .where(*vote_filter)
            .group_by(Vote.author_id)
            .subquery()
        )
        total_points = func.coalesce(points.c.points, 0)
        total_votes = func.coalesce(votes.c.votes, 0)
        statement = (
            select(Member, total_points, func.coalesce(points.c.answered, 0), total_votes)
            .outerjoin(points, points.c.member_id == Member.id)
            .outerjoin(votes, votes.c.member_id == Member.id)
            .where(self._mine(Member), (points.c.member_id.is_not(None)) | (votes.c.member_id.is_not(None)))
            .order_by(total_points.desc(), total_votes.desc(), Member.id)
        )
        if limit is not None:
            statement = statement.limit(limit)
        rows = await self._session.execute(statement)
        return [LeaderRow(member.id, _user(member, self.workspace), int(p), int(a), int(v)) for member, p, a, v in rows]

    async def answered_dates(self, member_ids: Sequence[int]) -> dict[int, set[date]]:
        result: dict[int, set[date]] = {member_id: set() for member_id in member_ids}
        if not member_ids:
            return result
        statement = (
            select(Answer.member_id, Post.local_date)
            .join(Post, Post.id == Answer.post_id)
            .where(
                self._mine(Answer),
                self._mine(Post),
                Answer.member_id.in_(list(member_ids)),
                Answer.late.is_(False),
                Post.daily_slot.is_not(None),
            )
            .distinct()
        )
        for member_id, local_date in await self._session.execute(statement):
            result[member_id].add(local_date)
        return result

    async def scheduled_dates(self, limit: int) -> Sequence[tuple[date, bool]]:
        is_open = func.max(case((Post.status == PostStatus.POSTED.value, 1), else_=0))
        statement = (
            select(Post.local_date, is_open)
            .where(
                self._mine(Post),
                Post.daily_slot.is_not(None),
                Post.status.in_([PostStatus.POSTED.value, PostStatus.CLOSING.value, PostStatus.CLOSED.value]),
            )
            .group_by(Post.local_date)
            .order_by(Post.local_date.desc())
            .limit(limit)
        )
        return [(local_date, bool(open_flag)) for local_date, open_flag in await self._session.execute(statement)]

    async def recent_results(self, member_id: int, limit: int) -> Sequence[tuple[int, list[dict[str, Any]]]]:
        statement = (
            select(Answer.score, Answer.results)
            .where(self._mine(Answer), Answer.member_id == member_id)
            .order_by(Answer.created_at.desc(), Answer.id.desc())
            .limit(limit)
        )
        return [(int(score_value), list(results)) for score_value, results in await self._session.execute(statement)]

    async def mock_count(self, member_id: int) -> int:
        statement = select(func.count(MockSession.id)).where(
            self._mine(MockSession), MockSession.member_id == member_id
        )
        return int((await self._session.execute(statement)).scalar_one())

    # -- mock interviews -------------------------------------------------------------------------

    async def _mock_record(self, session: MockSession) -> MockSessionRecord:
        member = (await self._session.execute(select(Member).where(Member.id == session.member_id))).scalar_one()
        rounds = (
            await self._session.execute(
                select(MockRound)
                .where(self._mine(MockRound), MockRound.session_id == session.id)
                .order_by(MockRound.position)
            )
        ).scalars()
        channel = ChannelRef(self.workspace.platform, self.workspace.workspace_id, session.channel_id)
        thread = None
        if session.thread_id is not None and session.thread_channel_id is not None:
            thread_channel = ChannelRef(self.workspace.platform, self.workspace.workspace_id, session.thread_channel_id)
            thread = ThreadRef(thread_channel, session.thread_id)
        return MockSessionRecord(
            id=session.id,
            member_id=session.member_id,
            user=_user(member, self.workspace),
            company=session.company,
            plan=list(session.plan),
            round_index=session.round_index,
            stage=MockStage(session.stage),
            channel=channel,
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
        row = (
            await self._session.execute(select(MockSession).where(self._mine(MockSession), *conditions))
        ).scalar_one_or_none()
        return None if row is None else await self._mock_record(row)

    async def open_mock(self, member_id: int) -> MockSessionRecord | None:
        return await self._one_mock(MockSession.open_member_id == member_id)

    async def mock_by_thread(self, thread: ThreadRef) -> MockSessionRecord | None:
        self._check(thread)
        return await self._one_mock(
            MockSession.thread_channel_id == thread.channel.channel_id, MockSession.thread_id == thread.thread_id
        )

    async def mock(self, session_id: int) -> MockSessionRecord | None:
        return await self._one_mock(MockSession.id == session_id)

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
            MockSession,
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
        await self._session.execute(
            update(MockSession)
            .where(self._mine(MockSession), MockSession.id == session_id)
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
        inserted = await self._insert_returning_id(MockRound, session_id=session_id, position=round_.position, **values)
        if inserted is None:
            await self._session.execute(
                update(MockRound)
                .where(self._mine(MockRound), MockRound.session_id == session_id, MockRound.position == round_.position)
                .values(**values)
            )

    async def set_mock_progress(self, session_id: int, *, round_index: int, stage: MockStage) -> bool:
        result = await self._session.execute(
            update(MockSession)
            .where(self._mine(MockSession), MockSession.id == session_id, MockSession.status == MockStatus.OPEN.value)
            .values(round_index=round_index, stage=stage.value)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def finish_mock(self, session_id: int, status: MockStatus, at: datetime) -> None:
        await self._session.execute(
            update(MockSession)
            .where(self._mine(MockSession), MockSession.id == session_id)
            .values(status=status.value, open_member_id=None, finished_at=at)
        )

    # -- privacy ---------------------------------------------------------------------------------

    async def member_export(self, user: UserRef) -> dict[str, Any] | None:
        member_id = await self.find_member_id(user)
        if member_id is None:
            return None
        member = (await self._session.execute(select(Member).where(Member.id == member_id))).scalar_one()
        answers = await self._session.execute(
            select(Answer, Post.question_id, Post.local_date)
            .join(Post, Post.id == Answer.post_id)
            .where(self._mine(Answer), Answer.member_id == member_id)
            .order_by(Answer.created_at)
        )
        votes_cast = await self._session.execute(
            select(Vote.emoji, Vote.created_at, Answer.message_id)
            .join(Answer, Answer.id == Vote.answer_id)
            .where(self._mine(Vote), Vote.voter_id == member_id)
            .order_by(Vote.created_at)
        )
        received = await self._session.execute(
            select(func.count(Vote.id)).where(self._mine(Vote), Vote.author_id == member_id)
        )
        sessions = (
            await self._session.execute(
                select(MockSession)
                .where(self._mine(MockSession), MockSession.member_id == member_id)
                .order_by(MockSession.started_at)
            )
        ).scalars()
        mocks = []
        for session in sessions:
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
                    "question_id": question_id,
                    "date": local_date.isoformat(),
                    "text": answer.text,
                    "score": answer.score,
                    "checks": answer.results,
                    "late": answer.late,
                    "answered_at": answer.created_at.isoformat(),
                }
                for answer, question_id, local_date in answers
            ],
            "votes_cast": [
                {"emoji": emoji, "at": at.isoformat(), "answer_message": message_id}
                for emoji, at, message_id in votes_cast
            ],
            "votes_received": int(received.scalar_one()),
            "mock_interviews": mocks,
        }

    async def forget_member(self, user: UserRef) -> bool:
        member_id = await self.find_member_id(user)
        if member_id is None:
            return False
        # Children first, so the result does not depend on the database enforcing cascades.
        await self._session.execute(
            delete(Vote).where(self._mine(Vote), (Vote.voter_id == member_id) | (Vote.author_id == member_id))
        )
        await self._session.execute(
            delete(Vote).where(
                self._mine(Vote),
                Vote.answer_id.in_(select(Answer.id).where(self._mine(Answer), Answer.member_id == member_id)),
            )
        )
        await self._session.execute(delete(Answer).where(self._mine(Answer), Answer.member_id == member_id))
        sessions = select(MockSession.id).where(self._mine(MockSession), MockSession.member_id == member_id)
        await self._session.execute(delete(MockRound).where(self._mine(MockRound), MockRound.session_id.in_(sessions)))
        await self._session.execute(
            delete(MockSession).where(self._mine(MockSession), MockSession.member_id == member_id)
        )
        await self._session.execute(delete(Member).where(self._mine(Member), Member.id == member_id))
        return True


class SqlStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._inserts = _Inserts(engine.dialect.name)
        # Workspace ids never change while the workspace exists; cache them to save a query per event.
        self._workspace_ids: dict[WorkspaceRef, int] = {}

    async def _workspace_id(self, session: AsyncSession, workspace: WorkspaceRef) -> int:
        cached = self._workspace_ids.get(workspace)
        if cached is not None:
            return cached
        lookup = select(Workspace.id).where(
            Workspace.platform == workspace.platform.value, Workspace.external_id == workspace.workspace_id
        )
        found = (await session.execute(lookup)).scalar_one_or_none()
        if found is None:
            statement = self._inserts.ignore_conflicts(
                Workspace,
                platform=workspace.platform.value,
                external_id=workspace.workspace_id,
                created_at=datetime.now(UTC),
            )
            found = (await session.execute(statement.returning(Workspace.id))).scalar_one_or_none()
            if found is None:
                found = (await session.execute(lookup)).scalar_one()
        self._workspace_ids[workspace] = found
        return found

    @asynccontextmanager
    async def transaction(self, workspace: WorkspaceRef) -> AsyncIterator[SqlTransaction]:
        try:
            async with self._sessions() as session, session.begin():
                workspace_id = await self._workspace_id(session, workspace)
                yield SqlTransaction(session, workspace_id, workspace, self._inserts)
        except IntegrityError:
            # A purged workspace (by another process) leaves a stale cached id; look it up afresh next time.
            self._workspace_ids.pop(workspace, None)
            raise

    async def due_channels(self, platform: Platform, now: datetime, limit: int) -> Sequence[DueChannel]:
        statement = (
            select(Channel, Workspace.external_id)
            .join(Workspace, Workspace.id == Channel.workspace_id)
            .where(Channel.platform == platform.value, Channel.next_due_at <= now, Channel.enabled.is_(True))
            .order_by(Channel.next_due_at)
            .limit(limit)
        )
        async with self._sessions() as session:
            rows = await session.execute(statement)
            result = []
            for channel, workspace_external_id in rows:
                record = _channel_record(channel, WorkspaceRef(platform, workspace_external_id))
                assert channel.next_due_at is not None
                result.append(DueChannel(record, channel.next_due_at))
            return result

    async def due_closings(self, platform: Platform, now: datetime, limit: int) -> Sequence[DueClosing]:
        statement = (
            select(Post.id, Channel.external_id, Workspace.external_id)
            .join(Channel, Channel.id == Post.channel_id)
            .join(Workspace, Workspace.id == Post.workspace_id)
            .where(Post.platform == platform.value, Post.status == PostStatus.POSTED.value, Post.closes_at <= now)
            .order_by(Post.closes_at)
            .limit(limit)
        )
        async with self._sessions() as session:
            rows = await session.execute(statement)
            return [
                DueClosing(ChannelRef(platform, workspace_id, channel_id), post_id)
                for post_id, channel_id, workspace_id in rows
            ]

    async def stale_posts(
        self, platform: Platform, *, claimed_before: datetime, due_after: datetime, max_attempts: int
    ) -> Sequence[StalePost]:
        statement = (
            select(Post.id, Channel.external_id, Workspace.external_id)
            .join(Channel, Channel.id == Post.channel_id)
            .join(Workspace, Workspace.id == Post.workspace_id)
            .where(
                Post.platform == platform.value,
                # Only posts the platform refused: a claim that never reported back may have reached
                # the platform, and posting it again could post twice.
                Post.status == PostStatus.FAILED.value,
                and_(Post.claimed_at < claimed_before, Post.due_at >= due_after, Post.attempts < max_attempts),
            )
            .order_by(Post.due_at)
        )
        async with self._sessions() as session:
            rows = await session.execute(statement)
            return [
                StalePost(ChannelRef(platform, workspace_id, channel_id), post_id)
                for post_id, channel_id, workspace_id in rows
            ]

    async def open_posts(self, platform: Platform) -> Sequence[OpenPost]:
        statement = (
            select(Post, Channel.external_id, Workspace.external_id)
            .join(Channel, Channel.id == Post.channel_id)
            .join(Workspace, Workspace.id == Post.workspace_id)
            .where(Post.platform == platform.value, Post.status == PostStatus.POSTED.value)
            .order_by(Post.posted_at)
        )
        async with self._sessions() as session:
            rows = await session.execute(statement)
            result = []
            for post, channel_id, workspace_id in rows:
                record = _post_record(post, channel_id, WorkspaceRef(platform, workspace_id))
                if record.thread is not None and record.posted_at is not None:
                    result.append(OpenPost(post.id, record.channel, record.thread, record.posted_at))
            return result

    async def purge_workspace(self, workspace: WorkspaceRef) -> bool:
        async with self._sessions() as session, session.begin():
            workspace_id = (
                await session.execute(
                    select(Workspace.id).where(
                        Workspace.platform == workspace.platform.value,
                        Workspace.external_id == workspace.workspace_id,
                    )
                )
            ).scalar_one_or_none()
            self._workspace_ids.pop(workspace, None)
            if workspace_id is None:
                return False
            # Children first, so the purge does not depend on the database enforcing cascades.
            for model in (Vote, Answer, MockRound, MockSession, Post, Channel, ProcessedEvent, Member):
                await session.execute(delete(model).where(model.workspace_id == workspace_id))
            await session.execute(delete(Workspace).where(Workspace.id == workspace_id))
            return True

    async def prune_events(self, older_than: datetime) -> int:
        async with self._sessions() as session, session.begin():
            result = await session.execute(delete(ProcessedEvent).where(ProcessedEvent.processed_at < older_than))
            return int(result.rowcount)  # type: ignore[attr-defined]

    async def close(self) -> None:
        await self.engine.dispose()
