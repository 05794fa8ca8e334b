"""The adapter's small stateful parts: pacing, command response URLs, the token cache, the ack gate."""

from __future__ import annotations

import asyncio

from adapters.slack.ack import AfterAck
from adapters.slack.pacing import ChannelPacer
from adapters.slack.responses import MAX_USES, PendingResponses
from bot.background import BackgroundWork
from bot.refs import ChannelRef, Platform, UserRef

CHANNEL = ChannelRef(Platform.SLACK, "T0", "C0")
USER = UserRef(Platform.SLACK, "T0", "U0")


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


async def test_posts_to_a_channel_are_spaced_and_other_channels_do_not_wait() -> None:
    time = FakeTime()
    pacer = ChannelPacer(1.0, clock=time.clock, sleep=time.sleep)
    for _ in range(3):
        await pacer.wait_turn("C1")
    await pacer.wait_turn("C2")
    assert time.slept == [1.0, 2.0]  # the 2nd and 3rd post to C1 wait for their slots; C2 goes at once
    time.now += 5
    await pacer.wait_turn("C1")
    assert time.slept == [1.0, 2.0]  # a quiet channel posts at once


def test_a_response_url_serves_its_own_member_and_channel_up_to_five_messages() -> None:
    time = FakeTime()
    responses = PendingResponses(clock=time.clock)
    responses.remember("cmd1", "https://hooks.example/1", channel=CHANNEL, user=USER)
    other = UserRef(Platform.SLACK, "T0", "U9")
    assert responses.take("cmd1", channel=CHANNEL, user=other) is None
    assert responses.take("cmd2", channel=CHANNEL, user=USER) is None
    assert responses.take("cmd1", channel=CHANNEL, user=USER, messages=MAX_USES - 1) == "https://hooks.example/1"
    assert responses.take("cmd1", channel=CHANNEL, user=USER, messages=2) is None  # would exceed Slack's five
    assert responses.take("cmd1", channel=CHANNEL, user=USER) == "https://hooks.example/1"
    responses.remember("cmd3", "https://hooks.example/3", channel=CHANNEL, user=USER)
    time.now += 30 * 60
    assert responses.take("cmd3", channel=CHANNEL, user=USER) is None  # expired
    responses.done("cmd1")
    assert responses.take("cmd1", channel=CHANNEL, user=USER) is None


async def test_deferred_work_waits_for_the_release_and_is_awaited_at_shutdown() -> None:
    work = BackgroundWork("a Slack request")
    ran: list[str] = []
    gate = AfterAck(work)

    async def job(name: str) -> None:
        ran.append(name)

    gate.defer(lambda: job("before"))
    await asyncio.sleep(0)
    assert ran == []
    gate.release()
    gate.defer(lambda: job("after"))  # after the release, work starts at once
    await work.idle()
    assert ran == ["before", "after"]

    stuck = asyncio.Event()

    async def never() -> None:
        await stuck.wait()

    work.spawn(never)
    await work.drain(0.05)
    assert work.pending == 0
