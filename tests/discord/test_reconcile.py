"""Reconciliation's comparisons, and the identify pacing arithmetic, as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.discord.http import SessionStarts
from adapters.discord.identify import IdentifyPolicy, backoff_delay, budget_delay
from adapters.discord.reconcile import Voter, answer_events, pending_mock_answer, reaction_key, vote_events
from bot.engine.core import StoredAnswer
from bot.events import AnswerDeleted, AnswerEdited, AnswerPosted, ReactionAdded, ReactionRemoved
from bot.refs import ChannelRef, MessageRef, Platform, ThreadRef, UserRef
from bot.store.ports import OpenMock, StoredVote
from tests.discord.parsing import ALICE_ID, BOT_ID, GUILD_ID, THREAD_ID, message, user

AT = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
THREAD = ThreadRef(ChannelRef(Platform.DISCORD, str(GUILD_ID), str(THREAD_ID)), str(THREAD_ID))
BOB_ID = ALICE_ID + 1


def _stored(message_id: int, author_id: int, votes: tuple[tuple[int, str], ...] = ()) -> StoredAnswer:
    guild = str(GUILD_ID)
    return StoredAnswer(
        message=MessageRef(THREAD.channel, str(message_id)),
        author=UserRef(Platform.DISCORD, guild, str(author_id)),
        text="stored",
        votes=tuple(StoredVote(UserRef(Platform.DISCORD, guild, str(voter)), name) for voter, name in votes),
    )


def test_the_thread_listing_is_compared_with_the_stored_answers() -> None:
    listing = [
        message(1003, THREAD_ID, user(BOB_ID, "bob"), "new while away"),
        message(1001, THREAD_ID, user(ALICE_ID, "alice"), "edited", edited_timestamp="2026-11-24T08:00:00+00:00"),
        message(1002, THREAD_ID, user(BOT_ID, "practice-bot", bot=True), "feedback"),
        message(1004, THREAD_ID, user(BOB_ID, "bob"), "", type=21),  # thread starter: a system message
    ]
    stored = [_stored(1001, ALICE_ID), _stored(999, BOB_ID)]
    events = answer_events(thread=THREAD, listing=listing, stored=stored, bot_id=BOT_ID, at=AT)
    assert [(type(e).__name__, e.event_id) for e in events] == [
        ("AnswerEdited", "discord:edit:1001:2026-11-24T08:00:00+00:00"),
        ("AnswerPosted", "discord:message:1003"),
        ("AnswerDeleted", "discord:delete:999"),
    ]
    posted = events[1]
    assert (
        isinstance(posted, AnswerPosted)
        and posted.message.thread_id == str(THREAD_ID)
        and posted.author.display_name == "Bob"
    )
    assert isinstance(events[0], AnswerEdited) and isinstance(events[2], AnswerDeleted)


def test_nothing_changed_means_no_events() -> None:
    listing = [message(1001, THREAD_ID, user(ALICE_ID, "alice"), "same")]
    assert answer_events(thread=THREAD, listing=listing, stored=[_stored(1001, ALICE_ID)], bot_id=BOT_ID, at=AT) == []


def test_a_mock_replays_only_the_candidates_first_message_after_the_latest_prompt() -> None:
    candidate = UserRef(Platform.DISCORD, str(GUILD_ID), str(ALICE_ID))
    mock = OpenMock(session_id=1, user=candidate, thread=THREAD)
    bot, alice, bob = user(BOT_ID, "practice-bot", bot=True), user(ALICE_ID, "alice"), user(BOB_ID, "bob")
    listing = [
        message(1006, THREAD_ID, alice, "written before seeing the next prompt"),
        message(1001, THREAD_ID, bot, "Round 1"),
        message(1002, THREAD_ID, alice, "answered live"),
        message(1003, THREAD_ID, bot, "Follow-up"),
        message(1004, THREAD_ID, bob, "not the candidate"),
        message(1005, THREAD_ID, alice, "the pending answer"),
    ]
    pending = pending_mock_answer(mock=mock, listing=listing, bot_id=BOT_ID, at=AT)
    assert isinstance(pending, AnswerPosted)
    assert pending.event_id == "discord:message:1005" and pending.text == "the pending answer"
    assert pending.author == candidate and pending.message.thread_id == str(THREAD_ID)

    answered = [*listing[1:4], message(1007, THREAD_ID, bot, "Round 2")]
    assert pending_mock_answer(mock=mock, listing=answered, bot_id=BOT_ID, at=AT) is None


def test_votes_are_compared_as_sets_and_a_members_own_reaction_never_counts() -> None:
    stored = _stored(1001, ALICE_ID, votes=((BOB_ID, "+1"), (BOB_ID, "fire")))
    on_platform = {
        "+1": [Voter(str(BOB_ID), "Bob"), Voter(str(ALICE_ID), "Alice")],  # Alice on her own answer
        "star": [Voter(str(BOB_ID + 1), "Carol")],
    }
    events = vote_events(
        message=stored.message, author_id=str(ALICE_ID), on_platform=on_platform, stored=stored, run="s.1", at=AT
    )
    assert [(type(e), e.user.user_id, e.emoji) for e in events] == [  # type: ignore[union-attr]
        (ReactionAdded, str(BOB_ID + 1), "star"),
        (ReactionRemoved, str(BOB_ID), "fire"),
    ]
    assert events[0].event_id == f"discord:reconcile:s.1:add:1001:{BOB_ID + 1}:star"
    assert events[0].message.thread_id is None, "reactions are matched by channel and message, as live ones"


def test_reaction_keys_for_the_reactions_endpoint() -> None:
    assert reaction_key({"emoji": {"id": None, "name": "👍🏽"}}) == ("👍🏽", "+1")
    assert reaction_key({"emoji": {"id": "42", "name": "upvote"}}) == ("upvote:42", "upvote")
    assert reaction_key({"emoji": {"id": "42", "name": None}}) is None


def test_quick_session_starts_back_off_exponentially_up_to_a_ceiling() -> None:
    policy = IdentifyPolicy(free_starts=3, window=timedelta(minutes=15), first_delay=5, max_delay=60)
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)

    def starts(count: int) -> list[datetime]:
        return [now - timedelta(seconds=count - i) for i in range(count)]  # one a second, the last just now

    assert [round(backoff_delay(policy, starts(n), now)) for n in range(7)] == [0, 0, 0, 4, 9, 19, 39]
    assert round(backoff_delay(policy, starts(12), now)) == 59, "capped"
    old = [now - timedelta(hours=1)] * 10
    assert backoff_delay(policy, old, now) == 0, "starts outside the window do not count"


def test_the_daily_budget_is_kept_in_reserve() -> None:
    policy = IdentifyPolicy(reserve=10)
    plenty = SessionStarts(total=1000, remaining=800, reset_after=3600, observed_at=100.0)
    low = SessionStarts(total=1000, remaining=10, reset_after=3600, observed_at=100.0)
    assert budget_delay(policy, plenty, 160.0) == 0
    assert budget_delay(policy, low, 160.0) == 3540
    assert budget_delay(policy, None, 160.0) == 0
