"""Translation of Slack's documented payload shapes into engine events (pure: no Slack, no store)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.slack.translate import (
    HANDLED_EVENTS,
    IGNORED_EVENTS,
    IGNORED_SUBTYPES,
    Ignored,
    decode_text,
    needs_admin_check,
    translate_command,
    translate_event,
)
from bot.events import (
    AnswerDeleted,
    AnswerEdited,
    AnswerPosted,
    CommandInvoked,
    HomeOpened,
    MockRequested,
    ReactionAdded,
    ReactionRemoved,
    WorkspaceRemoved,
)
from bot.refs import ChannelRef, MessageRef, Platform, UserRef, WorkspaceRef
from tests.slack import payloads
from tests.slack.fake_slack import BOT_USER_ID, TEAM_ID

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
CHANNEL = ChannelRef(Platform.SLACK, TEAM_ID, "C0PREP")
QUESTION_TS = "1700000001.000100"


def _translate(event: dict, **kwargs: object) -> object:
    return translate_event(payloads.envelope(event, event_id="Ev0TEST"), at=AT, **kwargs)  # type: ignore[arg-type]


def test_a_thread_reply_is_an_answer_with_the_core_identity_conventions() -> None:
    event = payloads.message(
        channel="C0PREP", user="U0PRIYA", text="My answer", ts="1700000002.000200", thread_ts=QUESTION_TS
    )
    assert _translate(event) == AnswerPosted(
        event_id="slack:Ev0TEST",
        at=AT,
        message=MessageRef(CHANNEL, "1700000002.000200", QUESTION_TS),
        author=UserRef(Platform.SLACK, TEAM_ID, "U0PRIYA"),
        text="My answer",
    )


def test_retries_share_an_event_id_and_occurrences_do_not() -> None:
    event = payloads.message(channel="C0PREP", user="U0PRIYA", text="x", ts="1.2", thread_ts=QUESTION_TS)
    envelope = payloads.envelope(event)
    first = translate_event(envelope, at=AT)
    retried = translate_event(dict(envelope), at=AT)
    other = translate_event(payloads.envelope(event), at=AT)
    assert isinstance(first, AnswerPosted) and isinstance(retried, AnswerPosted) and isinstance(other, AnswerPosted)
    assert first.event_id == retried.event_id != other.event_id


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        (payloads.message(channel="C0PREP", user="U0PRIYA", text="hello", ts="1.1"), "not a thread reply"),
        (payloads.message(channel="C0PREP", user=BOT_USER_ID, text="feedback", ts="1.3", thread_ts="1.1"), "bot"),
        (
            {**payloads.message(channel="C0PREP", user="U0X", text="hi", ts="1.4", thread_ts="1.1"), "bot_id": "B9"},
            "bot",
        ),
        (
            {
                "type": "message",
                "subtype": "bot_message",
                "bot_id": "B9",
                "text": "hi",
                "ts": "1.5",
                "channel": "C0PREP",
            },
            "bot",
        ),
        (
            {
                "type": "message",
                "subtype": "channel_join",
                "user": "U0X",
                "text": "joined",
                "ts": "1.6",
                "channel": "C0PREP",
            },
            "membership",
        ),
        (
            {"type": "message", "subtype": "huh_new", "user": "U0X", "text": "x", "ts": "1.7", "channel": "C0PREP"},
            "huh_new",
        ),
        (payloads.app_home_opened(user="U0PRIYA", tab="messages"), "Messages tab"),
        (payloads.tokens_revoked(bot=[], oauth=["U0PRIYA"]), "only user tokens"),
        ({"type": "app_mention", "user": "U0X", "text": "<@U0BOT> hi", "ts": "1.8", "channel": "C0PREP"}, "mention"),
        ({"type": "pin_added", "user": "U0X"}, "does not subscribe to pin_added"),
    ],
)
def test_what_is_not_an_engine_event_is_ignored_with_a_reason(event: dict, reason: str) -> None:
    result = _translate(event)
    assert isinstance(result, Ignored)
    assert reason in result.reason


def test_own_messages_are_recognised_from_the_envelope_or_the_start_up_check() -> None:
    mine = payloads.message(channel="C0PREP", user="U0SELF", text="x y z", ts="1.9", thread_ts=QUESTION_TS)
    assert isinstance(translate_event(payloads.envelope(mine), at=AT, bot_user_id="U0SELF"), Ignored)
    envelope = payloads.envelope(mine)
    envelope["authorizations"][0]["user_id"] = "U0SELF"
    assert isinstance(translate_event(envelope, at=AT), Ignored)


def test_every_event_type_has_a_table_entry_and_a_one_line_reason() -> None:
    assert set(HANDLED_EVENTS).isdisjoint(IGNORED_EVENTS)
    for table in (HANDLED_EVENTS, IGNORED_EVENTS, IGNORED_SUBTYPES):
        assert all(reason and "\n" not in reason for reason in table.values())


def test_an_edit_rescores_and_a_deletion_withdraws_the_reply() -> None:
    edited = payloads.message_changed(
        channel="C0PREP", user="U0PRIYA", text="Better &amp; longer", ts="1.2", thread_ts=QUESTION_TS, old_text="x"
    )
    assert _translate(edited) == AnswerEdited(
        event_id="slack:Ev0TEST",
        at=AT,
        message=MessageRef(CHANNEL, "1.2", QUESTION_TS),
        author=UserRef(Platform.SLACK, TEAM_ID, "U0PRIYA"),
        text="Better & longer",
    )
    deleted = payloads.message_deleted(channel="C0PREP", user="U0PRIYA", ts="1.2", thread_ts=QUESTION_TS, old_text="x")
    assert _translate(deleted) == AnswerDeleted(
        event_id="slack:Ev0TEST", at=AT, message=MessageRef(CHANNEL, "1.2", QUESTION_TS)
    )


def test_edits_of_questions_and_bot_messages_are_not_answer_edits() -> None:
    parent = payloads.message_changed(
        channel="C0PREP", user="U0PRIYA", text="x", ts=QUESTION_TS, thread_ts=QUESTION_TS, old_text="y"
    )
    assert isinstance(_translate(parent), Ignored)
    ours = payloads.message_changed(
        channel="C0PREP", user=BOT_USER_ID, text="x", ts="1.2", thread_ts=QUESTION_TS, old_text="y"
    )
    assert isinstance(_translate(ours), Ignored)


@pytest.mark.parametrize(
    ("name", "canonical"),
    [("+1", "+1"), ("+1::skin-tone-4", "+1"), ("thumbsup", "+1"), ("fire", "fire"), ("clap::skin-tone-2", "clap")],
)
def test_reactions_are_votes_named_canonically(name: str, canonical: str) -> None:
    added = _translate(
        payloads.reaction(added=True, user="U0MARCO", name=name, channel="C0PREP", ts="1.2", item_user="U0PRIYA")
    )
    assert added == ReactionAdded(
        event_id="slack:Ev0TEST",
        at=AT,
        message=MessageRef(CHANNEL, "1.2"),  # reactions name only the channel and ts
        user=UserRef(Platform.SLACK, TEAM_ID, "U0MARCO"),
        emoji=canonical,
    )
    removed = _translate(
        payloads.reaction(added=False, user="U0MARCO", name=name, channel="C0PREP", ts="1.2", item_user="U0PRIYA")
    )
    assert isinstance(removed, ReactionRemoved)
    assert removed.emoji == canonical


def test_home_uninstall_and_revoked_bot_token() -> None:
    assert _translate(payloads.app_home_opened(user="U0LENA")) == HomeOpened(
        event_id="slack:Ev0TEST", at=AT, user=UserRef(Platform.SLACK, TEAM_ID, "U0LENA")
    )
    removed = WorkspaceRemoved(event_id="slack:Ev0TEST", at=AT, workspace=WorkspaceRef(Platform.SLACK, TEAM_ID))
    assert _translate(payloads.app_uninstalled()) == removed
    assert _translate(payloads.tokens_revoked(bot=[BOT_USER_ID])) == removed


@pytest.mark.parametrize(
    ("slack", "plain"),
    [
        ("a &amp; b &lt;c&gt;", "a & b <c>"),
        ("<!channel> and <!here> and <!everyone>", "@channel and @here and @everyone"),
        ("hi <@U0MARCO> and <@U0LENA|lena>", "hi @U0MARCO and @lena"),
        ("see <#C0PREP|interview-prep>", "see #interview-prep"),
        (
            "<https://example.com/a?b=1&amp;c=2|the doc> or <https://example.com>",
            "the doc (https://example.com/a?b=1&c=2) or https://example.com",
        ),
        ("<mailto:a@example.com|a@example.com>", "a@example.com"),
        ("<!subteam^S123|@pms> please", "@pms please"),
        ("&amp;lt; stays literal", "&lt; stays literal"),
    ],
)
def test_slack_markup_is_decoded_to_what_the_member_saw(slack: str, plain: str) -> None:
    assert decode_text(slack) == plain


def test_slash_commands() -> None:
    def command(name: str, text: str) -> dict[str, str]:
        return payloads.command(name, text, user="U0PRIYA", channel="C0PREP", response_url="https://hooks.example/1")

    practice = command("/practice", 'setup time=09:00 tz="Europe/Berlin" days=mon-fri')
    result = translate_command(practice, at=AT, is_admin=True)
    assert isinstance(result, CommandInvoked)
    assert (result.subcommand, dict(result.options), result.args, result.is_admin) == (
        "setup",
        {"time": "09:00", "tz": "Europe/Berlin", "days": "mon-fri"},
        (),
        True,
    )
    assert result.channel == CHANNEL
    assert result.event_id == f"slack:command:{practice['trigger_id']}"

    mock = translate_command(command("/mock", "stripe system design"), at=AT, is_admin=False)
    assert isinstance(mock, MockRequested)
    assert (mock.company, mock.round) == ("stripe", "system design")
    bare = translate_command(command("/mock", ""), at=AT, is_admin=False)
    assert isinstance(bare, MockRequested)
    assert (bare.company, bare.round) == (None, None)
    unknown = translate_command(command("/practice", "dance now"), at=AT, is_admin=False)
    assert isinstance(unknown, CommandInvoked)
    assert unknown.subcommand == "dance"  # the engine answers unknown input with help


@pytest.mark.parametrize(
    ("name", "text", "asks"),
    [
        ("/practice", "setup time=09:00", True),
        ("/practice", "config", True),  # an alias of setup
        ("/practice", "post", True),
        ("/practice", "pause", True),
        ("/practice", "leaderboard", False),
        ("/practice", "", False),
        ("/mock", "stripe", False),
    ],
)
def test_only_admin_commands_look_up_the_members_role(name: str, text: str, asks: bool) -> None:
    fields = payloads.command(name, text, user="U0PRIYA", channel="C0PREP", response_url="https://hooks.example/1")
    assert needs_admin_check(fields) is asks
