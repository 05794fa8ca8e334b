"""The engine wired to a real store, a manual clock and a recording outbox, with helpers for tests."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime

from bot.clock import ManualClock
from bot.engine import Deps, Dispatcher, Engine, EngineConfig
from bot.events import (
    AnswerDeleted,
    AnswerEdited,
    AnswerPosted,
    CommandInvoked,
    MockRequested,
    ReactionAdded,
    ReactionRemoved,
)
from bot.questions import Catalog
from bot.refs import ChannelRef, MessageRef, Platform, ThreadRef, UserRef
from bot.store.sql import SqlStore
from tests.support.outbox import RecordingOutbox

WORKSPACE = "T0001"
CHANNEL = ChannelRef(Platform.SLACK, WORKSPACE, "C0001")


def user(name: str, workspace: str = WORKSPACE, *, bot: bool = False) -> UserRef:
    return UserRef(Platform.SLACK, workspace, f"U{name.upper()}", display_name=name, is_bot=bot)


@dataclass
class Harness:
    store: SqlStore
    catalog: Catalog
    clock: ManualClock
    config: EngineConfig = field(default_factory=EngineConfig)
    outbox: RecordingOutbox = field(default_factory=RecordingOutbox)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.engine = Engine(Deps(store=self.store, catalog=self.catalog, clock=self.clock, config=self.config))
        self.dispatcher = Dispatcher(self.engine, self.outbox)

    def event_id(self) -> str:
        return f"Ev{next(self._ids):06d}"

    def message_id(self) -> str:
        return f"{2_000_000 + next(self._ids)}.000200"

    @property
    def now(self) -> datetime:
        return self.clock.now()

    async def command(
        self,
        subcommand: str,
        *args: str,
        admin: bool = True,
        member: UserRef | None = None,
        channel: ChannelRef = CHANNEL,
        **options: str,
    ) -> list:  # type: ignore[type-arg]
        event = CommandInvoked(
            event_id=self.event_id(),
            at=self.now,
            channel=channel,
            user=member or user("admin"),
            subcommand=subcommand,
            options=options,
            args=args,
            is_admin=admin,
        )
        return await self.dispatcher.process(event)

    async def tick(self, platform: Platform = Platform.SLACK) -> int:
        return await self.dispatcher.tick(platform)

    async def post_answer(
        self,
        author: UserRef,
        text: str,
        *,
        thread: ThreadRef | None = None,
        message_id: str | None = None,
        event_id: str | None = None,
    ) -> AnswerPosted:
        thread = thread or await self.current_thread()
        message = MessageRef(thread.channel, message_id or self.message_id(), thread.thread_id)
        event = AnswerPosted(
            event_id=event_id or self.event_id(), at=self.now, message=message, author=author, text=text
        )
        await self.dispatcher.process(event)
        return event

    async def edit_answer(self, posted: AnswerPosted, text: str) -> AnswerEdited:
        event = AnswerEdited(
            event_id=self.event_id(), at=self.now, message=posted.message, author=posted.author, text=text
        )
        await self.dispatcher.process(event)
        return event

    async def delete_answer(self, posted: AnswerPosted) -> AnswerDeleted:
        event = AnswerDeleted(event_id=self.event_id(), at=self.now, message=posted.message)
        await self.dispatcher.process(event)
        return event

    async def react(self, voter: UserRef, posted: AnswerPosted, emoji: str = "+1", *, add: bool = True) -> None:
        kind = ReactionAdded if add else ReactionRemoved
        message = MessageRef(posted.message.channel, posted.message.message_id)  # reactions carry no thread
        await self.dispatcher.process(
            kind(event_id=self.event_id(), at=self.now, message=message, user=voter, emoji=emoji)
        )

    async def mock(self, member: UserRef, company: str | None, round_: str | None = None) -> list:  # type: ignore[type-arg]
        event = MockRequested(
            event_id=self.event_id(), at=self.now, channel=CHANNEL, user=member, company=company, round=round_
        )
        return await self.dispatcher.process(event)

    async def current_thread(self, channel: ChannelRef = CHANNEL) -> ThreadRef:
        current = await self.engine.current_question(channel)
        assert current is not None, "no question posted in the channel"
        return current.thread
