"""Calling the Slack Web API for a workspace, with the platform's refusals turned into ``DeliveryError``.

One ``AsyncWebClient`` (one connection pool, one set of retry handlers) serves every workspace; each
call names its workspace's bot token. Retry handlers wait out HTTP 429 ``Retry-After`` and retry
connection errors and 5xx answers, so by the time a call fails here, trying again later is all that is
left to do (``retryable``) or nothing will help (a missing channel, a revoked token).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack.tokens import TokenSource
from bot.engine import DeliveryError

log = logging.getLogger(__name__)
# The Web API client's own logger: kept at INFO by the app, as slack-sdk writes request bodies at DEBUG.
web_log = logging.getLogger("adapters.slack.web")

# Errors worth trying again later; every other error code is a refusal that will not change by itself.
RETRYABLE_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout", "rate_limited"}
)
# The workspace's token no longer works: forget it, so a reinstall's new token is picked up.
TOKEN_ERRORS = frozenset({"invalid_auth", "token_revoked", "account_inactive", "not_authed", "token_expired"})


def retry_handlers() -> list[AsyncRetryHandler]:
    return [
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        AsyncRateLimitErrorRetryHandler(max_retry_count=5),
        AsyncServerErrorRetryHandler(max_retry_count=2),
    ]


def web_client(api_url: str, session: aiohttp.ClientSession | None) -> AsyncWebClient:
    """The shared Web API client: no token of its own (each call names one), Slack's or ``SLACK_API_URL``'s base."""
    return AsyncWebClient(
        base_url=api_url, session=session, timeout=30, retry_handlers=retry_handlers(), logger=web_log
    )


def error_code(error: SlackApiError) -> str:
    return str(error.response.get("error") or f"http_{error.response.status_code}")


class SlackApi:
    def __init__(self, client: AsyncWebClient, tokens: TokenSource) -> None:
        self.client = client
        self.tokens = tokens

    async def token(self, workspace_id: str) -> str:
        token = await self.tokens.bot_token(workspace_id)
        if token is None:
            raise DeliveryError(f"the app is not installed in workspace {workspace_id}", retryable=False)
        return token

    async def call(
        self, workspace_id: str, method: Callable[..., Awaitable[AsyncSlackResponse]], **arguments: Any
    ) -> AsyncSlackResponse:
        """``method`` (a bound ``AsyncWebClient`` method) with the workspace's token; refusals as ``DeliveryError``."""
        token = await self.token(workspace_id)
        name = getattr(method, "__name__", "call")
        try:
            return await method(token=token, **arguments)
        except SlackApiError as error:
            code = error_code(error)
            if code in TOKEN_ERRORS:
                self.tokens.forget(workspace_id)
            retryable = code in RETRYABLE_ERRORS or error.response.status_code in {429, 500, 502, 503, 504}
            raise DeliveryError(f"{name}: {code}", retryable=retryable) from error
        except (TimeoutError, aiohttp.ClientError, SlackRequestError) as error:
            raise DeliveryError(f"{name}: {type(error).__name__}", retryable=True) from error
