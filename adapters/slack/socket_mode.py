"""Socket Mode: the same Bolt app over Slack's websocket, acknowledging each envelope before its work."""

from __future__ import annotations

import logging
from time import time

from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.adapter.socket_mode.async_internals import send_async_response
from slack_bolt.adapter.socket_mode.internals import build_headers
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.ack import after_ack
from bot.background import BackgroundWork

log = logging.getLogger(__name__)


class AckFirstSocketModeHandler(AsyncSocketModeHandler):
    """Bolt's handler, with the request's deferred work released once the ack is on the socket."""

    def __init__(self, app: AsyncApp, app_token: str, work: BackgroundWork, web_client: AsyncWebClient) -> None:
        super().__init__(app, app_token, logger=logging.getLogger("adapters.slack.socket"), web_client=web_client)
        self._work = work

    async def handle(self, client: AsyncBaseSocketModeClient, req: SocketModeRequest) -> None:
        start = time()
        with after_ack(self._work) as context:
            bolt_request = AsyncBoltRequest(
                mode="socket_mode", body=req.payload, headers=build_headers(req), context=context
            )
            response = await self.app.async_dispatch(bolt_request)
            await send_async_response(client, req, response, start)
