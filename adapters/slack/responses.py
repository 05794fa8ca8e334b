"""Slash commands' ``response_url``: private replies that work in any conversation, even where the app is not.

The app acknowledges a command at once with an empty body; the engine's replies come later, through
the command's ``response_url``, which Slack accepts up to five times within thirty minutes. Replies are
matched to their command by the event id the engine hands back as the effect's ``cause``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.refs import ChannelRef, UserRef

MAX_USES = 5
LIFETIME_SECONDS = 30 * 60
MAX_PENDING = 10_000


@dataclass(slots=True)
class _Pending:
    url: str
    channel: ChannelRef
    user: UserRef
    expires_at: float
    uses: int = 0


class PendingResponses:
    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._pending: dict[str, _Pending] = {}

    def remember(self, event_id: str, url: str, *, channel: ChannelRef, user: UserRef) -> None:
        now = self._clock()
        if len(self._pending) >= MAX_PENDING:
            self._pending = {key: value for key, value in self._pending.items() if value.expires_at > now}
        # A little under Slack's limit, so a reply is never sent to a URL that has just expired.
        self._pending[event_id] = _Pending(url, channel, user, now + LIFETIME_SECONDS - 60)

    def take(self, event_id: str, *, channel: ChannelRef, user: UserRef, messages: int = 1) -> str | None:
        """The command's response URL for ``messages`` private replies to ``user`` in ``channel``, if still usable."""
        pending = self._pending.get(event_id)
        if pending is None or pending.channel != channel or pending.user != user:
            return None
        if pending.uses + messages > MAX_USES or pending.expires_at <= self._clock():
            return None
        pending.uses += messages
        return pending.url

    def done(self, event_id: str) -> None:
        """The command's replies are all sent."""
        self._pending.pop(event_id, None)
