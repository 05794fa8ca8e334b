"""Reading what the adapter did from the fake Slack's records."""

from __future__ import annotations

from typing import Any

from tests.slack.fake_slack import Call, FakeSlack, Message, all_texts

PRIYA_ANSWER = (
    "I would roll the change out to 1% of merchants first, behind a flag. If the error rate rises above 0.5% "
    "for ten minutes we roll back automatically. Trade-off: a slower rollout costs us about two weeks, but it "
    "protects the payment success rate, which is worth far more to merchants than the speed."
)
MARCO_ANSWER = (
    "First I would talk to the risk team and support to learn who is affected, then agree on success metrics "
    "with finance. We ship to a small region, watch the dashboards for a week, and widen it if nothing breaks."
)


def question_posts(fake: FakeSlack, channel: str) -> list[Message]:
    return [m for m in fake.messages.values() if m.channel == channel and m.thread_ts is None]


def only_question(fake: FakeSlack, channel: str) -> Message:
    posts = question_posts(fake, channel)
    assert len(posts) == 1, posts
    return posts[0]


def message_text(message: Message | dict[str, Any]) -> str:
    """Everything a member can read in a message: its fallback text and every block's text."""
    if isinstance(message, Message):
        return "\n".join([message.text, *all_texts(message.blocks)])
    return "\n".join([message.get("text") or "", *all_texts(message.get("blocks") or [])])


def replies_to_commands(fake: FakeSlack) -> list[str]:
    return [message_text(call.args) for call in fake.calls_to("response_url")]


def every_text_sent(fake: FakeSlack) -> list[str]:
    """Every text the app asked Slack to show anyone: posts, edits, ephemerals, replies, views, file comments."""
    texts: list[str] = []
    for call in fake.calls:
        args = call.args
        if call.method in {"chat.postMessage", "chat.postEphemeral", "chat.update", "response_url"}:
            texts.append(message_text(args))
        elif call.method == "views.publish":
            texts.extend(all_texts(args["view"].get("blocks") or []))
        elif call.method == "files.completeUploadExternal":
            texts.append(args.get("initial_comment") or "")
    return texts


def web_api_calls(fake: FakeSlack) -> list[Call]:
    """Calls that reach Slack on the app's behalf (not the test's own response-URL bookkeeping)."""
    return [call for call in fake.calls if call.method != "auth.test"]
