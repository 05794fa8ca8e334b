"""What every use case needs: the store, the loaded questions, the clock and the engine's limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from bot.clock import Clock
from bot.questions import Catalog
from bot.store.ports import Store


@dataclass(frozen=True, slots=True)
class EngineConfig:
    # A post missed during downtime is still sent on start when it is at most this late.
    grace: timedelta = timedelta(hours=2)
    default_timezone: str = "UTC"
    max_answer_chars: int = 40_000
    min_answer_words: int = 3
    # How many due channels or closings one tick takes on; the rest wait for the next tick.
    tick_batch: int = 20_000
    # A failed post is retried with this much back-off per attempt, up to max_post_attempts.
    retry_backoff: timedelta = timedelta(minutes=1)
    max_post_attempts: int = 5
    # An abandoned mock interview stops blocking a new one after this long.
    mock_expiry: timedelta = timedelta(hours=24)
    # Processed event ids are kept this long; platforms retry within minutes.
    event_retention: timedelta = timedelta(days=3)


@dataclass(frozen=True, slots=True)
class Deps:
    store: Store
    catalog: Catalog
    clock: Clock
    config: EngineConfig = field(default_factory=EngineConfig)
