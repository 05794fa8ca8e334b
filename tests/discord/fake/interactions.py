"""The fake's interaction endpoints: the callback within 3 seconds, the original reply, follow-ups."""

from __future__ import annotations

import time
from typing import Any

from tests.discord.fake.objects import (
    Interaction,
    Json,
    Message,
    pings,
)
from tests.discord.fake.validation import (
    DiscordError,
    attachments,
    not_found,
    validate_message,
)


class Interactions:
    """Mixed into ``FakeDiscord``: interaction callbacks and their webhook messages."""

    def _interaction_for(self, token: str) -> Interaction:
        interaction = self.interactions.get(token)
        if interaction is None:
            raise not_found("Webhook", 10015)
        return interaction

    async def _interaction_callback(
        self, interaction_id: str, token: str, *, body: Json, files: list[tuple[str, bytes]], **_: Any
    ) -> None:
        interaction = self.interactions.get(token)
        if interaction is None or interaction.id != int(interaction_id):
            raise not_found("Interaction", 10062)
        if interaction.callback is not None:
            raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
        if time.monotonic() - interaction.created_at > self.interaction_deadline:
            raise not_found("Interaction", 10062)
        kind = body["type"]
        allowed = {2: {4, 5}, 4: {8}}[interaction.type]
        if kind not in allowed:
            raise DiscordError(
                400, 50035, f"Invalid Form Body: callback type {kind} for interaction type {interaction.type}"
            )
        interaction.callback = body
        interaction.acknowledged_at = time.monotonic()
        data = body.get("data") or {}
        if kind == 4:
            interaction.original = self._interaction_message(interaction, data, files)
        elif kind == 5:
            interaction.original = Message(
                self.ids(),
                interaction.channel_id,
                interaction.guild_id,
                self.bot,
                flags=int(data.get("flags", 0)) | 128,
            )
        elif kind == 8 and len(data.get("choices", [])) > 25:
            raise DiscordError(400, 50035, "Invalid Form Body: at most 25 choices")
        interaction.answered.set()

    def _interaction_message(self, interaction: Interaction, body: Json, files: list[tuple[str, bytes]]) -> Message:
        validate_message(body, files)
        message = Message(
            self.ids(),
            interaction.channel_id,
            interaction.guild_id,
            self.bot,
            body.get("content", ""),
            embeds=list(body.get("embeds", [])),
            attachments=attachments(files, self.ids),
            flags=int(body.get("flags", 0)),
        )
        message.pinged = pings(message.content, body.get("allowed_mentions"), replied_author=None)
        return message

    async def _edit_original(
        self, application_id: str, token: str, *, body: Json, files: list[tuple[str, bytes]], **_: Any
    ) -> Json:
        interaction = self._interaction_for(token)
        if interaction.original is None or interaction.original_deleted:
            raise not_found("Message", 10008)
        flags = interaction.original.flags & ~128  # editing a deferred reply keeps its visibility
        edited = self._interaction_message(interaction, {"content": "", **body, "flags": flags}, files)
        edited.id = interaction.original.id
        interaction.original = edited
        return edited.payload(bot_id=self.bot.id)

    async def _delete_original(self, application_id: str, token: str, **_: Any) -> None:
        interaction = self._interaction_for(token)
        if interaction.original is None or interaction.original_deleted:
            raise not_found("Message", 10008)
        interaction.original_deleted = True

    async def _followup(
        self, application_id: str, token: str, *, body: Json, files: list[tuple[str, bytes]], **_: Any
    ) -> Json:
        interaction = self._interaction_for(token)
        if interaction.callback is None:
            raise not_found("Webhook", 10015)
        message = self._interaction_message(interaction, body, files)
        interaction.followups.append(message)
        return message.payload(bot_id=self.bot.id)
