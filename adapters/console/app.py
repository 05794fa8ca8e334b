"""The console channel: the whole practice loop in a terminal, on the embedded store.

Input is read on a daemon thread (so a blocked ``input()`` never holds up shutdown) and handed to the
event loop through a queue. Lines starting with ``/`` are commands; anything else is answer text, and
an empty line sends the answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from adapters.console.deliver import ConsoleOutbox, Screen
from adapters.console.translate import (
    CHANNEL,
    ConsoleCommand,
    answer_event,
    delete_event,
    edit_event,
    member,
    mock_event,
    new_id,
    parse_command,
    practice_event,
    reaction_event,
)
from bot.channel_settings import default_settings
from bot.events import QuestionClosing
from bot.platforms import RunOptions
from bot.refs import Platform, ThreadRef, UserRef
from bot.runtime import BotApp
from bot.scheduling.runner import TickScheduler

HELP = """\
Console commands
  (type an answer, then an empty line to send it)
  /as NAME                 act as another member, e.g. /as priya
  /answers                 list the answers in today's thread, numbered
  /react N [EMOJI]         vote for answer N (default +1); /unreact N [EMOJI] takes it back
  /edit N                  your next answer replaces answer N; /delete N withdraws it
  /question                show today's question again
  /close                   close today's question now and post the wrap-up
  /mock COMPANY [ROUND]    start a mock interview (e.g. /mock stripe); /mock stop ends it
  /leaderboard [all]       points, votes and streaks (this week, or all time)
  /stats                   your progress
  /post  /skip  /setup [key=value ...]  /pause  /resume
  /export  /forget [confirm]
  /help  /quit
"""

EOF_LINE = None


@dataclass(slots=True)
class ConsoleState:
    user: UserRef
    draft: list[str] = field(default_factory=list)
    editing: int | None = None


class LineReader:
    """Reads stdin on a daemon thread; ``None`` in the queue means end of input."""

    def __init__(self, loop: asyncio.AbstractEventLoop, prompt: Callable[[], str]) -> None:
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._loop = loop
        self._prompt = prompt
        self._thread = threading.Thread(target=self._read, name="console-input", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _read(self) -> None:
        while True:
            try:
                line: str | None = input(self._prompt())
            except (EOFError, KeyboardInterrupt):
                line = EOF_LINE
            except RuntimeError:  # the loop is gone
                return
            try:
                self._loop.call_soon_threadsafe(self.queue.put_nowait, line)
            except RuntimeError:
                return
            if line is None:
                return


class ConsoleSession:
    def __init__(self, app: BotApp, write: Callable[[str], None]) -> None:
        self.app = app
        self.write = write
        self.screen = Screen()
        self.outbox = ConsoleOutbox(write, self.screen, app.settings.data_dir / "exports")
        self.dispatcher = app.dispatcher(self.outbox)
        self.state = ConsoleState(member(app.settings.console_user))

    def prompt(self) -> str:
        return "… " if self.state.draft else f"{self.state.user.label}> "

    async def start(self) -> None:
        settings = default_settings(self.app.catalog, self.app.settings.console_timezone)
        effects = await self.app.engine.open_channel(CHANNEL, settings, post_first=True)
        self.write(f"practice-bot console · acting as {self.state.user.label} · /help for commands\n")
        await self.dispatcher.deliver_all(effects)
        if not effects:
            await self.show_question()
        await self.refresh_mock()

    async def show_question(self) -> None:
        current = await self.app.engine.current_question(CHANNEL)
        if current is None:
            self.write("No question has been posted yet. /post posts one now.\n")
            return
        self.screen.follow(current.thread, current.post_id)
        state = "" if current.is_open else "  (closed: /post for a new one)"
        self.outbox.show(current.content, header=f"═══ today's question ═══{state}")

    async def refresh_mock(self) -> None:
        thread = await self.app.engine.open_mock_thread(self.state.user)
        if thread is None:
            self.screen.mock_threads.pop(self.state.user, None)
        else:
            self.screen.mock_threads[self.state.user] = thread

    async def submit(self, text: str) -> None:
        user, now = self.state.user, self.app.clock.now()
        if self.state.editing is not None:
            answer = self.screen.answer(self.state.editing)
            self.state.editing = None
            if answer is None:
                self.write("That answer number no longer exists.\n")
                return
            answer.text = text
            await self.dispatcher.process(edit_event(text=text, message=answer.message, author=user, at=now))
            return
        mock_thread = self.screen.mock_threads.get(user)
        thread: ThreadRef | None = mock_thread or self.screen.daily_thread
        if thread is None:
            self.write("There is no question to answer yet. /post posts one now.\n")
            return
        event = answer_event(text=text, thread=thread, author=user, at=now, message_id=new_id())
        if mock_thread is None:
            number = self.screen.add_answer(event.message, user, text).number
            self.write(f"  (answer #{number} by {user.label} posted in the thread)\n")
        await self.dispatcher.process(event)
        if mock_thread is not None:
            await self.refresh_mock()

    async def command(self, command: ConsoleCommand) -> bool:
        """Run one command; ``False`` means quit."""
        user, now = self.state.user, self.app.clock.now()
        name = command.name
        if name in {"quit", "exit"}:
            return False
        if name == "help":
            self.write(HELP)
        elif name == "as":
            if not command.args:
                self.write(f"You are acting as {user.label}. Usage: /as NAME\n")
            else:
                self.state.user = member(command.args[0])
                await self.refresh_mock()
                self.write(f"Now acting as {self.state.user.label}.\n")
        elif name == "answers":
            for answer in self.screen.answers:
                self.write(f"  #{answer.number} {answer.author.label}: {answer.text[:70]}\n")
            if not self.screen.answers:
                self.write("  No answers in this thread yet (this session).\n")
        elif name == "question":
            await self.show_question()
        elif name in {"react", "unreact", "edit", "delete"}:
            await self._on_answer(command)
        elif name == "close":
            if self.screen.daily_post_id is None:
                self.write("There is no open question to close.\n")
            else:
                await self.dispatcher.process(
                    QuestionClosing(at=now, channel=CHANNEL, post_id=self.screen.daily_post_id)
                )
        elif name == "mock":
            await self.dispatcher.process(mock_event(command, user=user, at=now))
            await self.refresh_mock()
        else:  # a /practice subcommand; the engine answers one it does not know with help
            await self.dispatcher.process(practice_event(command, user=user, at=now))
        return True

    async def _on_answer(self, command: ConsoleCommand) -> None:
        number = int(command.args[0]) if command.args and command.args[0].lstrip("#").isdigit() else None
        answer = None if number is None else self.screen.answer(number)
        if answer is None:
            self.write(f"Usage: /{command.name} N, where N is an answer number from /answers.\n")
            return
        now = self.app.clock.now()
        if command.name in {"react", "unreact"}:
            emoji = command.args[1] if len(command.args) > 1 else "+1"
            event = reaction_event(
                add=command.name == "react", message=answer.message, user=self.state.user, emoji=emoji, at=now
            )
            await self.dispatcher.process(event)
            verb = "reacted" if command.name == "react" else "removed the reaction"
            self.write(f"  ({self.state.user.label} {verb} :{emoji}: on answer #{answer.number})\n")
        elif answer.author != self.state.user:
            self.write("You can only change your own answers.\n")
        elif command.name == "edit":
            self.state.editing = answer.number
            self.write(f"Type the new text for answer #{answer.number}, then an empty line.\n")
        else:
            self.screen.answers.remove(answer)
            await self.dispatcher.process(delete_event(message=answer.message, at=now))
            self.write(f"  (answer #{answer.number} deleted)\n")

    async def handle_line(self, line: str) -> bool:
        command = parse_command(line)
        if command is not None:
            return await self.command(command)
        if line.strip():
            self.state.draft.append(line.rstrip())
            return True
        if self.state.draft:
            text = "\n".join(self.state.draft)
            self.state.draft.clear()
            await self.submit(text)
        return True

    async def run(self, reader: LineReader) -> None:
        await self.start()
        reader.start()
        while True:
            line = await reader.queue.get()
            if line is None:
                if self.state.draft:
                    await self.handle_line("")
                break
            try:
                keep_going = await self.handle_line(line)
            except Exception as error:  # a bad command must not end the session
                self.write(f"Something went wrong: {type(error).__name__}: {error}\n")
                continue
            if not keep_going:
                break
        self.write("Bye! Your answers are saved; run practice-bot again to continue.\n")


class ConsolePlatform:
    name = "console"
    # Log lines would interleave with the chat; the runtime sends them to a file instead.
    interactive = True

    def configured(self, env: Mapping[str, str]) -> bool:
        return True

    def check(self, env: Mapping[str, str], options: RunOptions) -> None:
        return None

    async def run(self, app: BotApp, options: RunOptions) -> None:
        def write(text: str) -> None:
            sys.stdout.write(text)
            sys.stdout.flush()

        session = ConsoleSession(app, write)
        ticks = TickScheduler(session.dispatcher, Platform.CONSOLE, app.settings.tick_seconds)
        # Prompts are for people at a terminal; piped input (a script, a demo) gets clean output.
        reader = LineReader(asyncio.get_running_loop(), session.prompt if sys.stdin.isatty() else str)
        ticks.start()
        try:
            await session.run(reader)
        finally:
            await ticks.stop()
            with contextlib.suppress(Exception):
                sys.stdout.flush()


PLATFORM = ConsolePlatform()
