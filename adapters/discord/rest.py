"""The REST calls the bot makes, on discord.py's HTTP client (which paces requests per rate-limit bucket).

Bodies are the JSON Discord documents; ``render`` builds them. Every call goes through discord.py's
``HTTPClient.request``: bucket tracking, pre-emptive waits when a bucket is spent, and retries of 429s
and 5xx responses come from there.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from discord.http import HTTPClient, Route

Json = dict[str, Any]

# Channel types (https://discord.com/developers/docs/resources/channel#channel-object-channel-types).
PUBLIC_THREAD = 11
# Message flags.
EPHEMERAL = 1 << 6
# Interaction callback types.
CHANNEL_MESSAGE = 4
DEFERRED_CHANNEL_MESSAGE = 5
AUTOCOMPLETE_RESULT = 8


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    data: bytes
    content_type: str = "application/json"


def _multipart(body: Mapping[str, Any], attachment: Attachment) -> list[dict[str, Any]]:
    payload = {**body, "attachments": [{"id": 0, "filename": attachment.filename}]}
    return [
        {"name": "payload_json", "value": json.dumps(payload)},
        {
            "name": "files[0]",
            "value": attachment.data,
            "filename": attachment.filename,
            "content_type": attachment.content_type,
        },
    ]


class DiscordRest:
    def __init__(self, http: HTTPClient) -> None:
        self.http = http

    async def _send(self, route: Route, body: Mapping[str, Any], attachment: Attachment | None, **kwargs: Any) -> Any:
        if attachment is None:
            return await self.http.request(route, json=dict(body), **kwargs)
        return await self.http.request(route, form=_multipart(body, attachment), **kwargs)

    # -- messages and threads ----------------------------------------------------------------------

    async def create_message(
        self, channel_id: int | str, body: Mapping[str, Any], *, attachment: Attachment | None = None
    ) -> Json:
        route = Route("POST", "/channels/{channel_id}/messages", channel_id=channel_id)
        return cast(Json, await self._send(route, body, attachment))

    async def edit_message(self, channel_id: int | str, message_id: int | str, body: Mapping[str, Any]) -> Json:
        route = Route(
            "PATCH", "/channels/{channel_id}/messages/{message_id}", channel_id=channel_id, message_id=message_id
        )
        return cast(Json, await self.http.request(route, json=dict(body)))

    async def delete_message(self, channel_id: int | str, message_id: int | str) -> None:
        route = Route(
            "DELETE", "/channels/{channel_id}/messages/{message_id}", channel_id=channel_id, message_id=message_id
        )
        await self.http.request(route)

    async def start_thread(
        self, channel_id: int | str, message_id: int | str, *, name: str, auto_archive_minutes: int
    ) -> Json:
        route = Route(
            "POST",
            "/channels/{channel_id}/messages/{message_id}/threads",
            channel_id=channel_id,
            message_id=message_id,
        )
        body = {"name": name, "auto_archive_duration": auto_archive_minutes}
        return cast(Json, await self.http.request(route, json=body))

    async def channel(self, channel_id: int | str) -> Json:
        return cast(Json, await self.http.request(Route("GET", "/channels/{channel_id}", channel_id=channel_id)))

    async def edit_channel(self, channel_id: int | str, body: Mapping[str, Any]) -> Json:
        route = Route("PATCH", "/channels/{channel_id}", channel_id=channel_id)
        return cast(Json, await self.http.request(route, json=dict(body)))

    async def add_thread_member(self, thread_id: int | str, user_id: int | str) -> None:
        route = Route("PUT", "/channels/{channel_id}/thread-members/{user_id}", channel_id=thread_id, user_id=user_id)
        await self.http.request(route)

    async def open_dm(self, user_id: int | str) -> Json:
        route = Route("POST", "/users/@me/channels")
        return cast(Json, await self.http.request(route, json={"recipient_id": str(user_id)}))

    async def message(self, channel_id: int | str, message_id: int | str) -> Json:
        route = Route(
            "GET", "/channels/{channel_id}/messages/{message_id}", channel_id=channel_id, message_id=message_id
        )
        return cast(Json, await self.http.request(route))

    async def messages_after(self, channel_id: int | str, after: int | str, *, limit: int = 100) -> list[Json]:
        """Up to ``limit`` messages following ``after``; Discord lists them newest first."""
        route = Route("GET", "/channels/{channel_id}/messages", channel_id=channel_id)
        return cast(list[Json], await self.http.request(route, params={"after": str(after), "limit": limit}))

    async def reaction_users(
        self, channel_id: int | str, message_id: int | str, emoji: str, *, after: int | str | None, limit: int = 100
    ) -> list[Json]:
        route = Route(
            "GET",
            "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}",
            channel_id=channel_id,
            message_id=message_id,
            emoji=emoji,
        )
        params: dict[str, Any] = {"limit": limit}
        if after is not None:
            params["after"] = str(after)
        return cast(list[Json], await self.http.request(route, params=params))

    # -- interactions ------------------------------------------------------------------------------

    async def interaction_callback(self, interaction_id: int, token: str, body: Mapping[str, Any]) -> None:
        route = Route(
            "POST",
            "/interactions/{webhook_id}/{webhook_token}/callback",
            webhook_id=interaction_id,
            webhook_token=token,
        )
        await self.http.request(route, json=dict(body))

    async def edit_original(
        self, application_id: int, token: str, body: Mapping[str, Any], *, attachment: Attachment | None = None
    ) -> Json:
        route = Route(
            "PATCH",
            "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
            webhook_id=application_id,
            webhook_token=token,
        )
        return cast(Json, await self._send(route, body, attachment))

    async def delete_original(self, application_id: int, token: str) -> None:
        route = Route(
            "DELETE",
            "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
            webhook_id=application_id,
            webhook_token=token,
        )
        await self.http.request(route)

    async def followup(
        self, application_id: int, token: str, body: Mapping[str, Any], *, attachment: Attachment | None = None
    ) -> Json:
        route = Route("POST", "/webhooks/{webhook_id}/{webhook_token}", webhook_id=application_id, webhook_token=token)
        return cast(Json, await self._send(route, body, attachment, params={"wait": "true"}))

    # -- application commands ----------------------------------------------------------------------

    async def commands(self, application_id: int) -> list[Json]:
        route = Route("GET", "/applications/{application_id}/commands", application_id=application_id)
        return cast(list[Json], await self.http.request(route))

    async def overwrite_commands(self, application_id: int, definitions: list[Json]) -> list[Json]:
        route = Route("PUT", "/applications/{application_id}/commands", application_id=application_id)
        return cast(list[Json], await self.http.request(route, json=definitions))
