"""HTTP mode: Slack's events, slash commands and interactions at ``/slack/events``, and the OAuth pages.

The response to Slack is written and sent *before* the request's deferred work is released, so the
acknowledgement always goes out first, whatever the work costs. ``/healthz`` answers a load
balancer's health checks.
"""

from __future__ import annotations

import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.request.async_request import AsyncBoltRequest

from adapters.slack.ack import after_ack
from bot.background import BackgroundWork

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
# Slack's payloads are small; a larger body is not from Slack.
MAX_BODY_BYTES = 1024 * 1024


def build_web_app(bolt: AsyncApp, work: BackgroundWork, oauth_flow: AsyncOAuthFlow | None = None) -> web.Application:
    async def events(request: web.Request) -> web.StreamResponse:
        body = await request.text()
        with after_ack(work) as context:
            bolt_request = AsyncBoltRequest(
                body=body, query=request.query_string, headers=dict(request.headers), context=context
            )
            response = await to_aiohttp_response(await bolt.async_dispatch(bolt_request))
            if response.status == 401:
                log.warning("refused a request to %s: its Slack signature is missing, wrong or stale", EVENTS_PATH)
            await response.prepare(request)
            await response.write_eof()
        return response

    async def health(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app.router.add_post(EVENTS_PATH, events)
    app.router.add_get(HEALTH_PATH, health)
    if oauth_flow is not None:
        flow = oauth_flow

        async def install(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await flow.handle_installation(await to_bolt_request(request)))

        async def redirect(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))

        app.router.add_get(flow.install_path, install)
        app.router.add_get(flow.redirect_uri_path, redirect)
    return app


async def start_http(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, int]:
    """Listen on ``host:port`` (port 0 picks a free one); returns the runner and the bound port."""
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = int(runner.addresses[0][1]) if runner.addresses else port
    log.info("serving Slack requests on http://%s:%d%s", host, bound, EVENTS_PATH)
    return runner, bound
