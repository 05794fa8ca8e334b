"""Pacing gateway session starts so a crash loop cannot spend Discord's daily identify budget.

Discord allows a bot about 1,000 session starts (IDENTIFY) a day and resets the token of a bot that
exhausts them. Resumes are free. Every identify this bot makes is recorded in a small file in the
data directory, so a process that is restarted over and over still sees how often it started:
beyond a few quick starts each new one waits twice as long as the last, and when Discord reports
that the day's budget is nearly spent the bot waits for it to refill.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adapters.discord.http import SessionStarts

log = logging.getLogger(__name__)

DAY = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class IdentifyPolicy:
    # This many session starts inside ``window`` go ahead at once (a deploy, a network blip).
    free_starts: int = 3
    window: timedelta = timedelta(minutes=15)
    # Each start beyond the free ones waits this long, doubled per extra start, up to ``max_delay``.
    first_delay: float = 5.0
    max_delay: float = 15 * 60.0
    # Never spend the last few starts of Discord's daily budget; wait for it to refill instead.
    reserve: int = 10
    # Discord asks clients to wait a random 1-5 s before identifying again after an invalid session.
    reidentify_jitter: tuple[float, float] = (1.0, 5.0)


def backoff_delay(policy: IdentifyPolicy, starts: list[datetime], now: datetime) -> float:
    """Seconds to wait before another session start, given the recorded starts (oldest first)."""
    recent = [start for start in starts if now - start < policy.window]
    if len(recent) < policy.free_starts:
        return 0.0
    wait = min(policy.max_delay, policy.first_delay * 2 ** (len(recent) - policy.free_starts))
    return max(0.0, (recent[-1] + timedelta(seconds=wait) - now).total_seconds())


def budget_delay(policy: IdentifyPolicy, starts: SessionStarts | None, monotonic_now: float) -> float:
    """Seconds until Discord's daily budget refills, when what is left of it is the reserve."""
    if starts is None or starts.remaining > policy.reserve:
        return 0.0
    return max(0.0, starts.reset_after - (monotonic_now - starts.observed_at))


class IdentifyLedger:
    """Session starts of the last day, kept in a JSON file so restarts of the process see them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.starts: list[datetime] = self._load()

    def _load(self) -> list[datetime]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return sorted(datetime.fromisoformat(item) for item in raw.get("session_starts", []))
        except FileNotFoundError:
            return []
        except (OSError, ValueError, TypeError, AttributeError) as error:
            log.warning("ignoring an unreadable session-start ledger %s: %s", self.path, error)
            return []

    def record(self, at: datetime) -> None:
        self.starts = [start for start in self.starts if at - start < DAY] + [at]
        payload = json.dumps({"session_starts": [start.isoformat() for start in self.starts]})
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            scratch = self.path.with_suffix(".tmp")
            scratch.write_text(payload, encoding="utf-8")
            os.replace(scratch, self.path)
        except OSError as error:  # pacing still works in memory for this process
            log.warning("could not record a session start in %s: %s", self.path, error)


class IdentifyGate:
    """Called by the client right before each IDENTIFY: waits as long as the policy says, then records it."""

    def __init__(
        self,
        ledger: IdentifyLedger,
        policy: IdentifyPolicy,
        session_starts: Callable[[], SessionStarts | None],
        *,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.ledger = ledger
        self.policy = policy
        self._session_starts = session_starts
        self._sleep = sleep
        self._now = wall_clock
        self.last_wait = 0.0  # seconds the latest session start waited, for logs and tests

    def delay(self, *, initial: bool) -> float:
        now = self._now()
        wait = max(
            backoff_delay(self.policy, self.ledger.starts, now),
            budget_delay(self.policy, self._session_starts(), time.monotonic()),
        )
        if not initial:
            low, high = self.policy.reidentify_jitter
            wait = max(wait, random.uniform(low, high))  # noqa: S311 - jitter, not security
        return wait

    async def before_identify(self, *, initial: bool) -> None:
        wait = self.delay(initial=initial)
        if wait >= 1.0:
            recent = sum(1 for start in self.ledger.starts if self._now() - start < self.policy.window)
            log.warning(
                "waiting %.0f s before starting a gateway session (%d started in the last %s)",
                wait,
                recent,
                self.policy.window,
            )
        self.last_wait = wait
        if wait > 0:
            await self._sleep(wait)
        self.ledger.record(self._now())


def ledger_path(data_dir: Path) -> Path:
    return data_dir / "discord-session-starts.json"
