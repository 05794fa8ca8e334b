"""Discord's error shape and the checks the fake applies to what the bot sends, as Discord would refuse it."""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import web

from tests.discord.fake.objects import Json, Snowflakes


class DiscordError(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def not_found(what: str, code: int) -> DiscordError:
    return DiscordError(404, code, f"Unknown {what}")


def json_response(data: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON the way Discord sends it: ``Content-Type: application/json`` with no charset (discord.py checks)."""
    body = json.dumps(data, ensure_ascii=False).encode()
    return web.Response(body=body, status=status, headers={**(headers or {}), "Content-Type": "application/json"})


def attachments(files: list[tuple[str, bytes]], ids: Snowflakes) -> list[Json]:
    return [
        {
            "id": str(ids()),
            "filename": name,
            "size": len(data),
            "url": f"https://cdn.fake/{name}",
            "proxy_url": f"https://cdn.fake/{name}",
            "content_type": "application/json",
            "data": data.decode("utf-8", "replace"),
        }
        for name, data in files
    ]


_COMMAND_NAME = re.compile(r"^[-_a-z0-9]{1,32}$")


def command_problems(command: Json, depth: int = 0) -> list[str]:
    problems = []
    name = str(command.get("name", ""))
    if not _COMMAND_NAME.match(name):
        problems.append(f"name {name!r} is not a valid command name")
    if not 1 <= len(str(command.get("description", ""))) <= 100:
        problems.append(f"{name}: description must be 1-100 characters")
    options = command.get("options") or []
    if len(options) > 25:
        problems.append(f"{name}: at most 25 options")
    required_seen_optional = False
    for option in options:
        if option.get("type") in (1, 2):
            problems += command_problems(option, depth + 1)
            continue
        if option.get("required") and required_seen_optional:
            problems.append(f"{name}: required options must come first")
        required_seen_optional |= not option.get("required")
        if len(option.get("choices") or []) > 25:
            problems.append(f"{name}.{option.get('name')}: at most 25 choices")
        if option.get("choices") and option.get("autocomplete"):
            problems.append(f"{name}.{option.get('name')}: choices and autocomplete exclude each other")
        problems += [
            p for p in command_problems({**option, "options": []}, depth + 1) if "description" in p or "name" in p
        ]
    return problems


def validate_message(body: Json, files: list[tuple[str, bytes]]) -> None:
    content = body.get("content") or ""
    embeds = body.get("embeds") or []
    problems = []
    if len(content) > 2000:
        problems.append("content: Must be 2000 or fewer in length.")
    if len(embeds) > 10:
        problems.append("embeds: Must be 10 or fewer in length.")
    total = 0
    for index, embed in enumerate(embeds):
        for key, limit in (("title", 256), ("description", 4096)):
            if len(embed.get(key, "")) > limit:
                problems.append(f"embeds.{index}.{key}: Must be {limit} or fewer in length.")
        fields = embed.get("fields", [])
        if len(fields) > 25:
            problems.append(f"embeds.{index}.fields: Must be 25 or fewer in length.")
        if any(not 1 <= len(f.get("name", "")) <= 256 or not 1 <= len(f.get("value", "")) <= 1024 for f in fields):
            problems.append(f"embeds.{index}.fields: name 1-256, value 1-1024")
        footer = embed.get("footer", {}).get("text", "")
        if len(footer) > 2048:
            problems.append(f"embeds.{index}.footer.text: Must be 2048 or fewer in length.")
        total += len(embed.get("title", "")) + len(embed.get("description", "")) + len(footer)
        total += sum(len(f.get("name", "")) + len(f.get("value", "")) for f in fields)
    if total > 6000:
        problems.append("embeds: Embed size exceeds maximum size of 6000")
    if problems:
        raise DiscordError(400, 50035, "Invalid Form Body: " + "; ".join(problems))
    if not content and not embeds and not files and "attachments" not in body:
        raise DiscordError(400, 50006, "Cannot send an empty message")
