"""Slack's request payloads, shaped like the documented examples, and signed the way Slack signs them.

Events API envelopes (``event_callback`` with ``event_id``, ``event_time`` and ``authorizations``),
message / message_changed / message_deleted / reaction / app_home_opened / app_uninstalled /
tokens_revoked events, slash-command form bodies and interaction payloads. Signing: HMAC-SHA256 of
``v0:{timestamp}:{body}`` with the signing secret, sent as ``X-Slack-Signature: v0=<hex>`` with
``X-Slack-Request-Timestamp``.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

from tests.slack.fake_slack import APP_ID, BOT_USER_ID, TEAM_ID

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"

_ids = itertools.count(1)


def next_id() -> int:
    return next(_ids)


def sign(body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def envelope(event: dict[str, Any], *, team: str = TEAM_ID, event_id: str | None = None) -> dict[str, Any]:
    return {
        "token": "XXYYZZ",
        "team_id": team,
        "context_team_id": team,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next_id():09d}",
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }


def message(*, channel: str, user: str, text: str, ts: str, thread_ts: str | None = None) -> dict[str, Any]:
    event: dict[str, Any] = {
        "client_msg_id": f"{next_id():08d}-0000-4000-8000-000000000000",
        "type": "message",
        "text": text,
        "user": user,
        "ts": ts,
        "team": TEAM_ID,
        "channel": channel,
        "event_ts": ts,
        "channel_type": "channel",
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
        event["parent_user_id"] = BOT_USER_ID
    return event


def message_changed(*, channel: str, user: str, text: str, ts: str, thread_ts: str, old_text: str) -> dict[str, Any]:
    edited_at = f"{time.time():.6f}"
    return {
        "type": "message",
        "subtype": "message_changed",
        "message": {
            "type": "message",
            "user": user,
            "text": text,
            "edited": {"user": user, "ts": edited_at},
            "ts": ts,
            "thread_ts": thread_ts,
            "source_team": TEAM_ID,
            "user_team": TEAM_ID,
        },
        "previous_message": {"type": "message", "user": user, "text": old_text, "ts": ts, "thread_ts": thread_ts},
        "channel": channel,
        "hidden": True,
        "ts": edited_at,
        "event_ts": edited_at,
        "channel_type": "channel",
    }


def message_deleted(*, channel: str, user: str, ts: str, thread_ts: str, old_text: str) -> dict[str, Any]:
    deleted_at = f"{time.time():.6f}"
    return {
        "type": "message",
        "subtype": "message_deleted",
        "previous_message": {"type": "message", "user": user, "text": old_text, "ts": ts, "thread_ts": thread_ts},
        "channel": channel,
        "hidden": True,
        "deleted_ts": ts,
        "event_ts": deleted_at,
        "ts": deleted_at,
        "channel_type": "channel",
    }


def reaction(*, added: bool, user: str, name: str, channel: str, ts: str, item_user: str) -> dict[str, Any]:
    return {
        "type": "reaction_added" if added else "reaction_removed",
        "user": user,
        "reaction": name,
        "item_user": item_user,
        "item": {"type": "message", "channel": channel, "ts": ts},
        "event_ts": f"{time.time():.6f}",
    }


def app_home_opened(*, user: str, tab: str = "home") -> dict[str, Any]:
    return {
        "type": "app_home_opened",
        "user": user,
        "channel": "D" + user.removeprefix("U"),
        "tab": tab,
        "event_ts": f"{time.time():.6f}",
    }


def app_uninstalled() -> dict[str, Any]:
    return {"type": "app_uninstalled"}


def tokens_revoked(*, bot: list[str], oauth: list[str] | None = None) -> dict[str, Any]:
    return {"type": "tokens_revoked", "tokens": {"oauth": oauth or [], "bot": bot}}


def command(
    name: str,
    text: str,
    *,
    user: str,
    channel: str,
    response_url: str,
    team: str = TEAM_ID,
) -> dict[str, str]:
    """A slash command's fields, as Slack posts them (application/x-www-form-urlencoded)."""
    return {
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "team_id": team,
        "team_domain": "practice",
        "channel_id": channel,
        "channel_name": "interview-prep",
        "user_id": user,
        "user_name": user.lower(),
        "command": name,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": f"{next_id()}.{next_id()}.0123456789abcdef0123456789abcdef",
    }


def form_body(fields: dict[str, str]) -> str:
    return urlencode(fields)


def block_actions(*, user: str, channel: str, team: str = TEAM_ID) -> str:
    """An interaction payload (a button click), form-encoded as ``payload=<json>`` like Slack sends it."""
    payload = {
        "type": "block_actions",
        "team": {"id": team, "domain": "practice"},
        "user": {"id": user, "username": user.lower(), "team_id": team},
        "api_app_id": APP_ID,
        "token": "XXYYZZ",
        "container": {"type": "message", "message_ts": "1700000000.000001", "channel_id": channel},
        "trigger_id": f"{next_id()}.{next_id()}.abcdef",
        "channel": {"id": channel, "name": "interview-prep"},
        "response_url": "https://hooks.slack.com/actions/T0/1/x",
        "actions": [{"action_id": "any", "block_id": "b", "type": "button", "value": "v", "action_ts": "1.2"}],
    }
    return urlencode({"payload": json.dumps(payload)})
