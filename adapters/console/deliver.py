"""Delivering effects to the terminal, and keeping the little the console must remember on screen."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from adapters.console.render import render
from adapters.console.translate import new_id
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
from bot.events import Event
from bot.refs import MessageRef, ThreadRef, UserRef


@dataclass(slots=True)
class PostedAnswer:
    number: int
    message: MessageRef
    author: UserRef
    text: str


@dataclass(slots=True)
class Screen:
    """What the console shows and points at: the question's thread, a mock thread, numbered answers."""

    daily_thread: ThreadRef | None = None
    daily_post_id: int | None = None
    mock_threads: dict[UserRef, ThreadRef] = field(default_factory=dict)
    answers: list[PostedAnswer] = field(default_factory=list)

    def follow(self, thread: ThreadRef, post_id: int) -> None:
        """Point at a daily question's thread; the answers numbered so far belong to the one before."""
        if thread != self.daily_thread:
            self.daily_thread, self.daily_post_id = thread, post_id
            self.answers.clear()

    def add_answer(self, message: MessageRef, author: UserRef, text: str) -> PostedAnswer:
        answer = PostedAnswer(len(self.answers) + 1, message, author, text)
        self.answers.append(answer)
        return answer

    def answer(self, number: int) -> PostedAnswer | None:
        return self.answers[number - 1] if 1 <= number <= len(self.answers) else None


class ConsoleOutbox:
    def __init__(self, write: Callable[[str], None], screen: Screen, export_dir: Path) -> None:
        self._write = write
        self.screen = screen
        self._export_dir = export_dir

    def show(self, document: Document, *, header: str | None = None, indent: str = "") -> None:
        width = shutil.get_terminal_size((100, 24)).columns
        text = render(document, width=width, indent=indent)
        self._write(("\n" + header + "\n" if header else "\n") + text)

    async def deliver(self, effect: Effect, *, cause: Event | None) -> Receipt | None:
        match effect:
            case PostQuestion():
                message = MessageRef(effect.channel, new_id())
                thread = ThreadRef(effect.channel, message.message_id)
                self.screen.follow(thread, effect.post_id)
                self.show(effect.content, header="═══ new question ═══")
                self._write("Type your answer below; an empty line sends it. /help lists commands.\n")
                return ThreadReceipt(message, thread)
            case StartMockThread():
                message = MessageRef(effect.channel, new_id())
                thread = ThreadRef(effect.channel, f"mock-{message.message_id}")
                self.screen.mock_threads[effect.user] = thread
                self.show(effect.content, header=f"═══ mock interview thread for {effect.user.label} ═══")
                return ThreadReceipt(message, thread)
            case ReplyInThread():
                self.show(effect.content, header="  ↳ practice-bot replied in the thread:", indent="    ")
                return MessageRef(effect.thread.channel, new_id(), effect.thread.thread_id)
            case SendEphemeral():
                self.show(effect.content, header=f"  (only {effect.user.label} can see this)", indent="    ")
                return None
            case PostSummary():
                self.show(effect.content, header="═══ wrap-up ═══")
                return MessageRef(effect.thread.channel, new_id(), effect.thread.thread_id)
            case UpdateMessage():
                self.show(effect.content, header="  ↳ practice-bot updated its feedback:", indent="    ")
                return None
            case DeleteMessage():
                self._write("  (practice-bot removed its feedback on the deleted answer)\n")
                return None
            case SendFile():
                self._export_dir.mkdir(parents=True, exist_ok=True)
                path = self._export_dir / effect.filename
                path.write_bytes(effect.data)
                path.chmod(0o600)
                self.show(effect.content, header=f"  (only {effect.user.label} can see this)", indent="    ")
                self._write(f"    Saved to {path}\n")
                return None
            case PublishHome():
                return None  # the console has no personal home page
        return None
