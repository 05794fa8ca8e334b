"""Slack acknowledgement latency: the real adapter against a bare Bolt app, same requests, same run.

Both apps are slack-bolt ``AsyncApp``s served over HTTP on loopback and talk to the same fake Slack
Web API. The bare one only acknowledges. Each request is signed as Slack signs it; the figure is the
time from sending it to receiving the response, for a thread-reply event (an answer: the adapter then
scores and stores it) and for ``/mock``. Requests arrive at a steady rate well inside what the bot
can process (``paced``), and also back to back (``saturated``), where the adapter's own work shares
the event loop with the acknowledgements.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import SlackService
from adapters.slack.server import EVENTS_PATH, start_http
from adapters.slack.settings import SlackSettings
from bench.common import Figure, migrated_sqlite, percentile
from bench.ingest import ANSWER
from bot.clock import ManualClock
from bot.config import Settings
from bot.runtime import build_app
from tests.slack import payloads
from tests.slack.fake_slack import BOT_TOKEN, TEAM_ID, FakeSlack
from tests.slack.helpers import only_question

CHANNEL = "C0BENCH"
ADMIN = "U0ADMIN"
PACED_INTERVAL = 0.05  # 20 requests a second: a busy burst for a study group


Request = tuple[str, str]  # (body, content type)


def bare_bolt(fake: FakeSlack) -> AsyncApp:
    client = AsyncWebClient(token=BOT_TOKEN, base_url=fake.api_url)
    app = AsyncApp(signing_secret=payloads.SIGNING_SECRET, client=client)

    @app.event("message")
    async def on_message(ack: AsyncAck) -> None:
        await ack()

    @app.command("/mock")
    async def on_mock(ack: AsyncAck) -> None:
        await ack()

    return app


async def send(session: aiohttp.ClientSession, url: str, request: Request) -> float:
    """Milliseconds from sending one signed request to having its response."""
    body, content_type = request
    headers = {"Content-Type": content_type, **payloads.sign(body)}
    started = time.perf_counter()
    async with session.post(url, data=body.encode(), headers=headers) as response:
        await response.read()
        assert response.status == 200, response.status
    return (time.perf_counter() - started) * 1000


async def latencies(
    session: aiohttp.ClientSession, url: str, requests: list[Request], pace: float | None
) -> list[float]:
    samples = []
    for request in requests:
        samples.append(await send(session, url, request))
        if pace is not None:
            await asyncio.sleep(max(0.0, pace - samples[-1] / 1000))
    return samples


async def interleaved(
    session: aiohttp.ClientSession, urls: tuple[str, str], requests: tuple[list[Request], list[Request]], pace: float
) -> tuple[list[float], list[float]]:
    """Alternate the two apps request by request, so drift on a shared machine hits both alike; which
    goes first after each pause alternates too, as the first request after idling wakes the process."""
    first: list[float] = []
    second: list[float] = []
    for index, (one, other) in enumerate(zip(*requests, strict=True)):
        if index % 2:
            second.append(await send(session, urls[1], other))
            first.append(await send(session, urls[0], one))
        else:
            first.append(await send(session, urls[0], one))
            second.append(await send(session, urls[1], other))
        await asyncio.sleep(pace)
    return first, second


def answer_events(thread_ts: str, count: int, numbering: itertools.count[int]) -> list[Request]:
    requests = []
    for _ in range(count):
        number = next(numbering)
        event = payloads.message(
            channel=CHANNEL,
            user=f"U0M{number % 40:03d}",
            text=ANSWER,
            ts=f"1800000000.{number:06d}",
            thread_ts=thread_ts,
        )
        requests.append((json.dumps(payloads.envelope(event, event_id=f"EvB{number}")), "application/json"))
    return requests


def mock_commands(fake: FakeSlack, count: int, numbering: itertools.count[int]) -> list[Request]:
    requests = []
    for _ in range(count):
        number = next(numbering)
        fields = payloads.command(
            "/mock", "stripe", user=f"U0K{number:05d}", channel=CHANNEL, response_url=fake.response_url(), team=TEAM_ID
        )
        requests.append((payloads.form_body(fields), "application/x-www-form-urlencoded"))
    return requests


async def _run(quick: bool) -> list[Figure]:
    count = 60 if quick else 300
    fake = FakeSlack()
    fake.add_user(ADMIN, "Ana", admin=True)
    for number in range(40):
        fake.add_user(f"U0M{number:03d}", f"Member {number}")
    # Mock commands share one numbering with every request sent before them (warm-up and answers).
    for number in range(1, 8 * count):
        fake.add_user(f"U0K{number:05d}", f"Mock taker {number}")
    await fake.start()
    session = aiohttp.ClientSession()
    try:
        async with migrated_sqlite("slack") as (url, directory):
            figures = await _measure(fake, session, url, directory, count)
    finally:
        await session.close()
        await fake.stop()
    return figures


async def _measure(
    fake: FakeSlack, session: aiohttp.ClientSession, url: str, directory: Path, count: int
) -> list[Figure]:
    environment = {
        "DATABASE_URL": url,
        "PRACTICE_BOT_DATA_DIR": str(directory),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": payloads.SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
    }
    app = await build_app(Settings.from_env(environment), clock=ManualClock(datetime(2026, 11, 23, 7, tzinfo=UTC)))
    service = await SlackService.create(app, SlackSettings.from_env(environment, http=True), pace_seconds=0.0)
    real_url = f"http://127.0.0.1:{await service.start_http('127.0.0.1', 0)}{EVENTS_PATH}"
    bare_runner, bare_port = await start_http(bare_bolt(fake).web_app(path=EVENTS_PATH), "127.0.0.1", 0)
    bare_url = f"http://127.0.0.1:{bare_port}{EVENTS_PATH}"
    numbering = itertools.count(1)
    try:
        for text in ("setup packs=stripe", "post"):
            fields = payloads.command("/practice", text, user=ADMIN, channel=CHANNEL, response_url=fake.response_url())
            await latencies(
                session, real_url, [(payloads.form_body(fields), "application/x-www-form-urlencoded")], None
            )
            await service.work.idle()
        thread_ts = only_question(fake, CHANNEL).ts
        # Warm both apps (imports, caches, connections) before measuring.
        await latencies(session, bare_url, answer_events(thread_ts, 10, numbering), None)
        await latencies(session, real_url, answer_events(thread_ts, 10, numbering), PACED_INTERVAL)
        await service.work.idle()

        results: dict[str, list[float]] = {}
        for label, requests_for in (
            ("answer", lambda n: answer_events(thread_ts, n, numbering)),
            ("/mock", lambda n: mock_commands(fake, n, numbering)),
        ):
            bare, real = await interleaved(
                session, (bare_url, real_url), (requests_for(count), requests_for(count)), PACED_INTERVAL
            )
            results[f"bare {label}"], results[f"real {label}"] = bare, real
            await service.work.idle()
        results["bare answer saturated"] = await latencies(
            session, bare_url, answer_events(thread_ts, count, numbering), None
        )
        results["real answer saturated"] = await latencies(
            session, real_url, answer_events(thread_ts, count, numbering), None
        )
        await service.work.idle()
    finally:
        await bare_runner.cleanup()
        await service.close()
        await app.close()
    return _figures(results)


def _figures(results: dict[str, list[float]]) -> list[Figure]:
    figures = []
    for label in ("answer", "/mock"):
        real, bare = results[f"real {label}"], results[f"bare {label}"]
        real_p50, bare_p50 = percentile(real, 50), percentile(bare, 50)
        figures += [
            Figure(
                "slack",
                f"ack p50, {label} (paced)",
                real_p50,
                "ms",
                bare_p50,
                target="<= 1.5x bare Bolt",
                holds=real_p50 <= 1.5 * bare_p50,
                detail={"samples": len(real)},
            ),
            Figure(
                "slack",
                f"ack p99, {label} (paced)",
                percentile(real, 99),
                "ms",
                percentile(bare, 99),
                target="< 50 ms",
                holds=percentile(real, 99) < 50,
            ),
        ]
    real, bare = results["real answer saturated"], results["bare answer saturated"]
    figures += [
        Figure("slack", "ack p50, answers back to back", percentile(real, 50), "ms", percentile(bare, 50)),
        Figure(
            "slack",
            "ack p99, answers back to back",
            percentile(real, 99),
            "ms",
            percentile(bare, 99),
            target="< 50 ms",
            holds=percentile(real, 99) < 50,
        ),
    ]
    return figures


def run(*, quick: bool) -> list[Figure]:
    return asyncio.run(_run(quick))


if __name__ == "__main__":
    for figure in run(quick=True):
        print(figure.name, round(figure.value, 3), figure.unit, "baseline", figure.baseline, "holds", figure.holds)
