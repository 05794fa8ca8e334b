"""Members' names and roles, from ``users.info``, cached.

Names are what a ``Mention`` shows (Slack's ``<@U…>`` would ping, and the core says mentions never
ping). Roles answer "may this member change the channel's set-up": workspace admins and owners may.
A role check always asks Slack afresh, because roles change and the answer guards a setting.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from adapters.slack.api import SlackApi
from bot.engine import DeliveryError

log = logging.getLogger(__name__)

MAX_CACHED = 20_000


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    is_admin: bool


class UserDirectory:
    def __init__(
        self, api: SlackApi, *, ttl_seconds: float = 3600.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._api = api
        self._ttl = ttl_seconds
        self._clock = clock
        self._cache: dict[tuple[str, str], tuple[float, Profile]] = {}

    async def profile(self, workspace_id: str, user_id: str, *, fresh: bool = False) -> Profile | None:
        key = (workspace_id, user_id)
        cached = self._cache.get(key)
        if cached is not None and not fresh and cached[0] > self._clock():
            return cached[1]
        try:
            response = await self._api.call(workspace_id, self._api.client.users_info, user=user_id)
        except DeliveryError as error:
            log.warning("could not look up a member of workspace %s: %s", workspace_id, error)
            return None
        user = response.get("user") or {}
        profile_fields = user.get("profile") or {}
        profile = Profile(
            name=profile_fields.get("display_name") or profile_fields.get("real_name") or user.get("name") or user_id,
            is_admin=bool(user.get("is_admin") or user.get("is_owner")),
        )
        if len(self._cache) >= MAX_CACHED:
            self._cache.clear()
        self._cache[key] = (self._clock() + self._ttl, profile)
        return profile

    async def is_admin(self, workspace_id: str, user_id: str) -> bool:
        """Workspace admin or owner, asked of Slack now; ``False`` when Slack cannot say."""
        profile = await self.profile(workspace_id, user_id, fresh=True)
        return profile is not None and profile.is_admin

    async def names(self, workspace_id: str, user_ids: Iterable[str]) -> dict[str, str]:
        """Display names for the given members; a member Slack cannot describe is left out."""
        wanted = sorted(set(user_ids))
        profiles = await asyncio.gather(*(self.profile(workspace_id, user_id) for user_id in wanted))
        return {user_id: profile.name for user_id, profile in zip(wanted, profiles, strict=True) if profile}

    def forget_workspace(self, workspace_id: str) -> None:
        for key in [key for key in self._cache if key[0] == workspace_id]:
            del self._cache[key]
