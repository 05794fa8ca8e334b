"""Database tables. Invariants are constraints here, so retries, restarts and extra processes are harmless.

Every row carries ``workspace_id`` (directly, for cheap tenant filters) and every uniqueness rule of the
product is a unique constraint:

- one processed platform event per (workspace, event key);
- one scheduled post per channel per local date (``daily_slot``; manual posts leave it NULL);
- one answer per platform message; one vote per (answer, voter, emoji); no self-votes (a CHECK);
- one open mock session per member (``open_member_id`` is set only while open; NULLs never collide).

Migrations are the source of truth for the schema; these models must match them (``alembic check``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite has no BIGINT autoincrement; an INTEGER primary key is its rowid.
Id = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, on SQLite (which stores naive text) as on PostgreSQL.

    On SQLite the value is written and read as the exact text SQLAlchemy's own DateTime uses
    ("2026-11-23 09:00:00.000000", which sorts in time order), but in one cheap step each way:
    bulk operations in a scheduler tick bind tens of thousands of them.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> Callable[[datetime | None], Any] | None:
        if dialect.name == "sqlite":
            return _sqlite_text
        inner = self.impl_instance.bind_processor(dialect)

        def to_utc(value: datetime | None) -> Any:
            utc = None if value is None else _as_utc(value)
            return inner(utc) if inner else utc

        return to_utc

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], datetime | None] | None:
        if dialect.name == "sqlite":
            return _from_sqlite_text
        inner = self.impl_instance.result_processor(dialect, coltype)

        def from_db(value: Any) -> datetime | None:
            value = inner(value) if inner else value
            return None if value is None else _as_utc(value) if value.tzinfo else value.replace(tzinfo=UTC)

        return from_db


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the store; pass an aware UTC instant")
    return value.astimezone(UTC)


@lru_cache(maxsize=8192)
def _sqlite_text_of(value: datetime) -> str:
    utc = _as_utc(value)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d} "
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}.{utc.microsecond:06d}"
    )


def _sqlite_text(value: datetime | None) -> str | None:
    return None if value is None else _sqlite_text_of(value)


def _from_sqlite_text(value: Any) -> datetime | None:
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}


def _workspace_fk() -> Mapped[int]:
    return mapped_column(Id, ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)


class Workspace(Base):
    __tablename__ = "workspaces"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("workspace_id", "external_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = _workspace_fk()
    external_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime]


class Channel(Base):
    __tablename__ = "channels"
    __table_args__ = (
        UniqueConstraint("workspace_id", "external_id"),
        # The scheduler tick's query: what is due on this platform, oldest first.
        Index(None, "platform", "next_due_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = _workspace_fk()
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    timezone: Mapped[str] = mapped_column(String(64))
    schedule: Mapped[str] = mapped_column(String(120))
    packs: Mapped[list[Any]]
    answer_window_minutes: Mapped[int] = mapped_column(Integer)
    vote_emojis: Mapped[list[Any]]
    feedback_visibility: Mapped[str] = mapped_column(String(16))
    enabled: Mapped[bool] = mapped_column(Boolean)
    next_due_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Post(Base):
    """A question posted (or claimed, skipped, failed) in a channel."""

    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("channel_id", "daily_slot"),
        UniqueConstraint("workspace_id", "thread_channel_id", "thread_id"),
        Index(None, "platform", "status", "closes_at"),
        Index(None, "channel_id", "local_date"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = _workspace_fk()
    channel_id: Mapped[int] = mapped_column(Id, ForeignKey("channels.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(16))
    question_id: Mapped[str] = mapped_column(String(64))
    local_date: Mapped[date] = mapped_column(Date)
    daily_slot: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime]
    claimed_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer)
    message_id: Mapped[str | None] = mapped_column(String(64))
    thread_channel_id: Mapped[str | None] = mapped_column(String(64))
    thread_id: Mapped[str | None] = mapped_column(String(64))
    posted_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("workspace_id", "message_channel_id", "message_id"),
        Index(None, "post_id"),
        Index(None, "member_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = _workspace_fk()
    post_id: Mapped[int] = mapped_column(Id, ForeignKey("posts.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(Id, ForeignKey("members.id", ondelete="CASCADE"))
    message_channel_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    score: Mapped[int] = mapped_column(Integer)
    results: Mapped[list[Any]]
    late: Mapped[bool] = mapped_column(Boolean)
    feedback_channel_id: Mapped[str | None] = mapped_column(String(64))
    feedback_message_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Vote(Base):
    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("answer_id", "voter_id", "emoji"),
        CheckConstraint("voter_id <> author_id", name="no_self_vote"),
        Index(None, "author_id", "created_at"),
        Index(None, "voter_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = _workspace_fk()
    answer_id: Mapped[int] = mapped_column(Id, ForeignKey("answers.id", ondelete="CASCADE"))
    voter_id: Mapped[int] = mapped_column(Id, ForeignKey("members.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(Id, ForeignKey("members.id", ondelete="CASCADE"))
    emoji: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class ProcessedEvent(Base):
    __tablename__ = "processed_events"

    workspace_id: Mapped[int] = mapped_column(Id, ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True)
    event_key: Mapped[str] = mapped_column(String(160), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(index=True)


class MockSession(Base):
    __tablename__ = "mock_sessions"
    __table_args__ = (
        UniqueConstraint("workspace_id", "open_member_id"),
        UniqueConstraint("workspace_id", "thread_channel_id", "thread_id"),
        Index(None, "member_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = _workspace_fk()
    member_id: Mapped[int] = mapped_column(Id, ForeignKey("members.id", ondelete="CASCADE"))
    open_member_id: Mapped[int | None] = mapped_column(Id, ForeignKey("members.id", ondelete="CASCADE"))
    company: Mapped[str] = mapped_column(String(64))
    plan: Mapped[list[Any]]
    round_index: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(16))
    channel_id: Mapped[str] = mapped_column(String(64))
    thread_channel_id: Mapped[str | None] = mapped_column(String(64))
    thread_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


class MockRound(Base):
    __tablename__ = "mock_rounds"
    __table_args__ = (UniqueConstraint("session_id", "position"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = _workspace_fk()
    session_id: Mapped[int] = mapped_column(Id, ForeignKey("mock_sessions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    round: Mapped[str] = mapped_column(String(32))
    question_id: Mapped[str] = mapped_column(String(64))
    answer_text: Mapped[str | None] = mapped_column(Text)
    score: Mapped[int | None] = mapped_column(Integer)
    results: Mapped[list[Any] | None]
    followup: Mapped[str | None] = mapped_column(Text)
    followup_answer: Mapped[str | None] = mapped_column(Text)
    followup_score: Mapped[int | None] = mapped_column(Integer)
