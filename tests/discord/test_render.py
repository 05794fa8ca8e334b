"""Rendering: literal text, silent mentions, and Discord's size limits."""

from __future__ import annotations

import pytest

from adapters.discord import render
from adapters.discord.render import (
    CONTENT_LIMIT,
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    EMBEDS_PER_MESSAGE,
    FIELDS_PER_EMBED,
    NO_MENTIONS,
    escape,
    split_text,
)
from bot import messages
from bot.documents import Bullets, Document, Fields, Heading, Mention, Note, Quote, Tone, paragraph
from bot.refs import Platform, UserRef
from tests.discord.fake.validation import DiscordError, validate_message

ALICE = UserRef(Platform.DISCORD, "1", "1100000000000000010", display_name="Alice *the* <@&5>")


def _size(embed: dict) -> int:  # type: ignore[type-arg]
    return render._embed_size(embed)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("@everyone and @here", "\\@everyone and \\@here"),
        ("<@123> <@&456> <#789> <:custom:42>", "\\<\\@123\\> \\<\\@&456\\> \\<#789\\> \\<:custom:42\\>"),
        (
            "**bold** __under__ ~~strike~~ ||spoiler|| `code`",
            "\\*\\*bold\\*\\* \\_\\_under\\_\\_ \\~\\~strike\\~\\~ \\|\\|spoiler\\|\\| \\`code\\`",
        ),
        ("[click](https://evil.example)", "\\[click\\](https://evil.example)"),
        ("# heading\n- item\n> quote\n1. first\n-# small", "\\# heading\n\\- item\n\\> quote\n1\\. first\n\\-# small"),
        ("a - b, 3.5 # not at line start", "a - b, 3.5 # not at line start"),
        ("back\\slash", "back\\\\slash"),
    ],
)
def test_escape_shows_member_text_literally(typed: str, shown: str) -> None:
    assert escape(typed) == shown


def test_every_body_allows_no_mentions_and_mentions_render_without_markup_where_discord_shows_plain_text() -> None:
    document = Document(
        "Feedback",
        (paragraph("For ", Mention(ALICE), "."), Quote("@everyone look"), Note((Mention(ALICE), " read this"))),
        summary="s",
        tone=Tone.GOOD,
    )
    [body] = render.render(document)
    assert body["allowed_mentions"] == NO_MENTIONS
    [embed] = body["embeds"]
    assert embed["description"].startswith("For <@1100000000000000010>.")
    assert "> \\@everyone look" in embed["description"]
    assert embed["footer"]["text"] == "@Alice *the* <@&5> read this"  # footers are plain text
    assert embed["color"] == render.COLOURS[Tone.GOOD]


def test_trailing_fields_become_embed_fields_and_others_stay_in_order() -> None:
    question = Document(
        "Q",
        (paragraph("Prompt"), Fields((("Round", "screen"), ("Answers close", "Tue"))), Note(("Answer in the thread",))),
        summary="q",
    )
    [body] = render.render(question)
    [embed] = body["embeds"]
    assert embed["description"] == "Prompt"
    assert [f["name"] for f in embed["fields"]] == ["Round", "Answers close"]
    assert embed["footer"]["text"] == "Answer in the thread"

    card = Document("Card", (Fields((("Score", "70/100"),)), Heading("What it shows"), Bullets((("A",),))), summary="c")
    [body] = render.render(card)
    assert body["embeds"][0]["description"] == "**Score:** 70/100\n\n**What it shows**\n• A"
    assert "fields" not in body["embeds"][0]


def test_untitled_documents_are_plain_messages_split_at_2000_characters() -> None:
    text = "word " * 900
    bodies = render.render(Document(None, (paragraph(text),), summary="s"))
    assert len(bodies) == 3
    assert all(len(body["content"]) <= CONTENT_LIMIT and body["allowed_mentions"] == NO_MENTIONS for body in bodies)
    assert " ".join(body["content"] for body in bodies).split() == text.split()


def test_large_documents_respect_every_embed_limit() -> None:
    pairs = tuple((f"Label {i}", "v" * 900) for i in range(30))
    long = "A line about metrics and rollbacks. " * 700
    document = Document("Big", (Quote(long), paragraph(long), Fields(pairs)), summary="big")
    bodies = render.render(document)
    assert len(bodies) > 1
    fields = [f for body in bodies for embed in body["embeds"] for f in embed.get("fields", [])]
    assert len(fields) == 30
    for body in bodies:
        assert len(body["embeds"]) <= EMBEDS_PER_MESSAGE
        assert sum(_size(embed) for embed in body["embeds"]) <= EMBED_TOTAL_LIMIT
        for embed in body["embeds"]:
            assert len(embed.get("description", "")) <= DESCRIPTION_LIMIT
            assert len(embed.get("fields", [])) <= FIELDS_PER_EMBED
        validate_message(body, [])  # what the fake (as Discord) would refuse
    assert bodies[0]["embeds"][0]["title"] == "Big"
    assert sum(embed.get("description", "").count("rollbacks") for body in bodies for embed in body["embeds"]) == 1400


@pytest.mark.parametrize("limit", [DESCRIPTION_LIMIT, 101])
def test_a_split_never_separates_a_backslash_from_what_it_escapes(limit: int) -> None:
    text = escape("*" * 5000)
    pieces = split_text(text, limit)
    assert all(len(piece) <= limit for piece in pieces)
    assert "".join(pieces) == text
    assert all((len(piece) - len(piece.rstrip("\\"))) % 2 == 0 for piece in pieces)


def test_render_one_fits_one_message_for_edits() -> None:
    long = "Edited feedback text. " * 2000
    body = render.render_one(Document("Feedback", (paragraph(long),), summary="s"))
    validate_message(body, [])
    assert body["embeds"][-1]["description"].endswith("…")


def test_the_fake_refuses_what_discord_refuses_so_these_tests_mean_something() -> None:
    with pytest.raises(DiscordError):
        validate_message({"content": "x" * 2001}, [])
    with pytest.raises(DiscordError):
        validate_message({"embeds": [{"description": "x" * 4097}]}, [])
    with pytest.raises(DiscordError):
        validate_message({"embeds": [{"description": "x" * 3000}, {"description": "y" * 3001}]}, [])


def test_every_message_the_core_writes_renders_within_limits() -> None:
    for document in (messages.help_text(admin="/practice-admin"), messages.forget_confirm(), messages.admin_only()):
        for body in render.render(document):
            validate_message(body, [])
            assert body["allowed_mentions"] == NO_MENTIONS
