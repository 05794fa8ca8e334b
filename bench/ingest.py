"""Ingest through the engine against a raw single-row insert-and-commit baseline on the same database.

Answers: each event takes the whole path (dedupe claim, finding the question by its thread, storing,
scoring, the feedback effect, recording its receipt). Votes: reaction events on stored answers.
The baseline inserts one row per transaction into a table shaped like ``answers`` (or ``votes``) with
SQLAlchemy Core on the same database. Shared machines drift, so the two alternate in rounds and the
figures are medians of per-round rates.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, insert
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.common import Figure, median, rate
from bot.clock import ManualClock
from bot.effects import Effect, PostQuestion, Receipt, ReplyInThread, ThreadReceipt
from bot.engine import Deps, Dispatcher, Engine
from bot.events import AnswerPosted, CommandInvoked, Event, ReactionAdded
from bot.questions import Catalog
from bot.refs import ChannelRef, MessageRef, Platform, ThreadRef, UserRef
from bot.store.database import create_engine
from bot.store.sql import SqlStore

# A realistic answer of about 120 words (the scorer's speed on 400 words is benchmarked separately).
ANSWER = (
    "First I would define what delivered means for the merchant: an HTTP 200, the event stored, or processed. "
    "Duplicate events double-ship orders, which costs merchants money and floods support with tickets, and lost "
    "events break reconciliation for finance at month end. We retry with exponential backoff and jitter for 24 "
    "hours and then stop, because zombie events cost more reconciliation work than they save. That cap loses "
    "under 0.1% of events but cuts support load by about 30%. If the duplicate rate goes above 0.5% for 15 "
    "minutes we page the on-call owner and pause the new retry policy. Legal and finance need to sign off the "
    "retention window because of audit rules, and support needs macros before launch."
)
MEMBERS = 50


class StubOutbox:
    """The platform edge, stubbed: answers every effect at once with a receipt."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)

    async def deliver(self, effect: Effect, *, cause: Event | None) -> Receipt | None:
        match effect:
            case PostQuestion():
                message = MessageRef(effect.channel, f"q{next(self._ids)}")
                return ThreadReceipt(message, ThreadRef(effect.channel, message.message_id))
            case ReplyInThread():
                return MessageRef(effect.thread.channel, f"r{next(self._ids)}", effect.thread.thread_id)
        return None


class Baseline:
    """Single-row insert-and-commit into tables shaped like ``answers`` and ``votes``."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.metadata = MetaData()
        self.answers = Table(
            "bench_answers",
            self.metadata,
            Column("id", Integer, primary_key=True),
            Column("workspace_id", Integer, nullable=False),
            Column("post_id", Integer, nullable=False),
            Column("member_id", Integer, nullable=False),
            Column("message_channel_id", String(64), nullable=False),
            Column("message_id", String(64), nullable=False, unique=True),
            Column("text", Text, nullable=False),
            Column("score", Integer, nullable=False),
            Column("created_at", DateTime(timezone=True), nullable=False),
        )
        self.votes = Table(
            "bench_votes",
            self.metadata,
            Column("id", Integer, primary_key=True),
            Column("workspace_id", Integer, nullable=False),
            Column("answer_id", Integer, nullable=False),
            Column("voter_id", Integer, nullable=False),
            Column("emoji", String(64), nullable=False),
            Column("created_at", DateTime(timezone=True), nullable=False),
        )
        self._ids = itertools.count(1)

    async def create(self) -> None:
        async with self.engine.begin() as connection:
            await connection.run_sync(self.metadata.drop_all)
            await connection.run_sync(self.metadata.create_all)

    async def drop(self) -> None:
        async with self.engine.begin() as connection:
            await connection.run_sync(self.metadata.drop_all)

    async def insert_answers(self, count: int) -> float:
        now = datetime.now(UTC)
        return await self._one_by_one(
            self.answers,
            count,
            lambda number: {
                "workspace_id": 1,
                "post_id": 1,
                "member_id": number % MEMBERS,
                "message_channel_id": "C1",
                "message_id": f"m{number}",
                "text": ANSWER,
                "score": 70,
                "created_at": now,
            },
        )

    async def insert_votes(self, count: int) -> float:
        now = datetime.now(UTC)
        return await self._one_by_one(
            self.votes,
            count,
            lambda number: {
                "workspace_id": 1,
                "answer_id": number,
                "voter_id": number % MEMBERS,
                "emoji": "+1",
                "created_at": now,
            },
        )

    async def _one_by_one(self, table: Table, count: int, row: Callable[[int], dict[str, Any]]) -> float:
        """Rows per second, each row inserted and committed in a transaction of its own."""
        started = time.perf_counter()
        for _ in range(count):
            values = row(next(self._ids))
            async with self.engine.begin() as connection:
                await connection.execute(insert(table).values(values))
        return rate(count, time.perf_counter() - started)


@dataclass
class EngineUnderTest:
    dispatcher: Dispatcher
    store: SqlStore
    thread: ThreadRef
    clock: ManualClock

    @classmethod
    async def start(cls, url: str, catalog: Catalog, workspace: str = "TBENCH") -> EngineUnderTest:
        store = SqlStore(create_engine(url))
        clock = ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
        dispatcher = Dispatcher(Engine(Deps(store=store, catalog=catalog, clock=clock)), StubOutbox())
        channel = ChannelRef(Platform.SLACK, workspace, "CBENCH")
        admin = UserRef(Platform.SLACK, workspace, "UADMIN")
        for number, (subcommand, options) in enumerate((("setup", {"packs": "stripe"}), ("post", {}))):
            await dispatcher.process(
                CommandInvoked(
                    event_id=f"setup-{number}",
                    at=clock.now(),
                    channel=channel,
                    user=admin,
                    subcommand=subcommand,
                    options=options,
                    is_admin=True,
                )
            )
        current = await dispatcher.engine.current_question(channel)
        assert current is not None
        return cls(dispatcher, store, current.thread, clock)

    def member(self, number: int) -> UserRef:
        return UserRef(Platform.SLACK, self.thread.channel.workspace_id, f"U{number % MEMBERS:04d}")

    def answer(self, number: int) -> AnswerPosted:
        message = MessageRef(self.thread.channel, f"{1_700_000_000 + number}.000100", self.thread.thread_id)
        return AnswerPosted(
            event_id=f"Ev{number}", at=self.clock.now(), message=message, author=self.member(number), text=ANSWER
        )

    def vote(self, number: int) -> ReactionAdded:
        message = MessageRef(self.thread.channel, f"{1_700_000_000 + number}.000100")
        return ReactionAdded(
            event_id=f"Re{number}", at=self.clock.now(), message=message, user=self.member(number + 1), emoji="+1"
        )

    async def answers(self, numbers: range) -> float:
        started = time.perf_counter()
        for number in numbers:
            await self.dispatcher.process(self.answer(number))
        return rate(len(numbers), time.perf_counter() - started)

    async def votes(self, numbers: range) -> float:
        started = time.perf_counter()
        for number in numbers:
            await self.dispatcher.process(self.vote(number))
        return rate(len(numbers), time.perf_counter() - started)

    async def close(self) -> None:
        """Write the feedback receipts still waiting, then close the store (as the bot does at shutdown)."""
        await self.dispatcher.close()
        await self.store.close()


@dataclass
class IngestResult:
    answers: float
    votes: float
    baseline_answers: float
    baseline_votes: float


async def compare(url: str, catalog: Catalog, *, per_round: int, rounds: int, prior: int = 0) -> IngestResult:
    """Alternate engine and baseline rounds; ``prior`` answers are stored first (to see growth)."""
    subject = await EngineUnderTest.start(url, catalog)
    baseline = Baseline(subject.store.engine)
    await baseline.create()
    try:
        next_number = 0
        if prior:
            await subject.answers(range(10_000_000, 10_000_000 + prior))
        answer_rates, vote_rates, base_answers, base_votes = [], [], [], []
        for _ in range(rounds):
            numbers = range(next_number, next_number + per_round)
            next_number += per_round
            base_answers.append(await baseline.insert_answers(per_round))
            answer_rates.append(await subject.answers(numbers))
            base_votes.append(await baseline.insert_votes(per_round))
            vote_rates.append(await subject.votes(numbers))
        return IngestResult(median(answer_rates), median(vote_rates), median(base_answers), median(base_votes))
    finally:
        await baseline.drop()
        await subject.close()


def figures(name: str, result: IngestResult, *, targets: bool) -> list[Figure]:
    answers_ratio = result.answers / result.baseline_answers
    votes_ratio = result.votes / result.baseline_votes
    return [
        Figure(
            "ingest",
            f"answers ({name})",
            result.answers,
            "answers/s",
            result.baseline_answers,
            target=">= 1/3 of baseline" if targets else None,
            holds=answers_ratio >= 1 / 3 if targets else None,
        ),
        Figure(
            "ingest",
            f"votes ({name})",
            result.votes,
            "votes/s",
            result.baseline_votes,
            target=">= 1/2 of baseline" if targets else None,
            holds=votes_ratio >= 1 / 2 if targets else None,
        ),
    ]
