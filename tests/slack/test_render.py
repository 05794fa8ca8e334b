"""Rendering documents as Block Kit: literal text everywhere, names without pings, Slack's limits kept."""

from __future__ import annotations

import pytest

from adapters.slack.render import (
    MAX_FIELD_TEXT,
    MAX_MESSAGE_BLOCKS,
    MAX_TEXT,
    MAX_VIEW_BLOCKS,
    escape,
    pieces,
    render_blocks,
    render_home,
    render_messages,
    render_mrkdwn,
    render_single_message,
)
from bot.documents import Bullets, Document, Fields, Heading, Mention, Note, Quote, paragraph
from bot.refs import Platform, UserRef
from tests.slack.fake_slack import all_texts, check_blocks

PRIYA = UserRef(Platform.SLACK, "T0", "U0PRIYA")


def _document(*blocks: object, title: str | None = "Title") -> Document:
    return Document(title, tuple(blocks), summary="Summary")  # type: ignore[arg-type]


def test_every_string_is_escaped_and_every_field_verbatim() -> None:
    hostile = "<!channel> <@U0BOSS> <https://evil.example|click> & more"
    document = Document(
        "Q&A <b>",
        (
            Heading("What <it> shows"),
            paragraph(hostile),
            Bullets(((hostile,),)),
            Quote(hostile),
            Fields((("Label <x>", hostile),)),
            Note((hostile,)),
        ),
        summary=hostile,
    )
    [message] = render_messages(document)
    texts = [message.text, *all_texts(message.blocks)]
    assert all("<" not in text for text in texts)
    assert "&lt;!channel&gt; &lt;@U0BOSS&gt; &lt;https://evil.example|click&gt; &amp; more" in message.text
    assert "*Q&amp;A &lt;b&gt;*" in texts
    for block in message.blocks:
        for item in [block.get("text"), *(block.get("fields") or []), *(block.get("elements") or [])]:
            if item:
                assert item == {**item, "type": "mrkdwn", "verbatim": True}


def test_a_mention_shows_the_name_and_never_pings() -> None:
    document = _document(paragraph("Best answer by ", Mention(PRIYA), "."))
    with_name = all_texts(render_blocks(document, {"U0PRIYA": "Priya <3"}))
    assert "Best answer by @Priya &lt;3." in with_name
    without_name = all_texts(render_blocks(document))
    assert "Best answer by @U0PRIYA." in without_name
    assert not any("<@" in text for text in with_name + without_name)


def test_quotes_bullets_notes_and_fields_have_their_slack_shapes() -> None:
    blocks = render_blocks(
        _document(
            Quote("line one\nline two"),
            Bullets((("a",), ("b",))),
            Note(("small print",)),
            Fields((("Score", "80/100"),)),
        )
    )
    assert blocks[0]["text"]["text"] == "*Title*"
    assert blocks[1]["text"]["text"] == ">line one\n>line two"
    assert blocks[2]["text"]["text"] == "• a\n• b"
    assert blocks[3] == {"type": "context", "elements": [{"type": "mrkdwn", "text": "small print", "verbatim": True}]}
    assert blocks[4]["fields"] == [{"type": "mrkdwn", "text": "*Score*\n80/100", "verbatim": True}]


@pytest.mark.parametrize(
    "text",
    [
        "word " * 2000,
        "&" * 5000,  # each & becomes five characters when escaped
        "<" * 1000 + "x" * 4000,
        "\n".join(["line & <tag>"] * 800),
        "x" * 9000,  # one word longer than a section
    ],
)
def test_long_text_is_split_into_sections_that_fit(text: str) -> None:
    blocks = render_blocks(_document(paragraph(text), Quote(text), Bullets(((text,),)), Note((text,))))
    check_blocks(blocks, max_blocks=10_000)  # the fake enforces Slack's per-block limits
    assert all(len(t) <= MAX_TEXT for t in all_texts(blocks))
    # Nothing is lost: the paragraph's sections hold all of it, cut only at line breaks and spaces.
    paragraph_only = render_blocks(_document(paragraph(text), title=None))
    assert len(paragraph_only) > 1
    joined = "".join(block["text"]["text"] for block in paragraph_only)
    assert "".join(joined.split()) == "".join(escape(text).split())


def test_pieces_keep_every_character_and_never_cut_an_entity() -> None:
    text = "a&b<c>d " * 1000
    parts = pieces(text, 100)
    assert all(len(escape(part)) <= 100 for part in parts)
    assert "".join(parts).replace(" ", "").replace("\n", "") == text.replace(" ", "")


def test_fields_are_grouped_ten_to_a_section_and_trimmed_to_2000() -> None:
    pairs = tuple((f"L{n}", "v" * 2500) for n in range(23))
    blocks = render_blocks(_document(Fields(pairs), title=None))
    assert [len(block["fields"]) for block in blocks] == [10, 10, 3]
    assert all(len(field["text"]) <= MAX_FIELD_TEXT for block in blocks for field in block["fields"])
    assert blocks[0]["fields"][0]["text"].endswith("…")


def test_a_document_with_more_blocks_than_a_message_holds_becomes_several_messages() -> None:
    document = _document(*[paragraph(f"part {n}") for n in range(120)])
    messages = render_messages(document)
    assert [len(message.blocks) for message in messages] == [50, 50, 21]
    assert all(message.text == "Summary" for message in messages)
    single = render_single_message(document)
    assert len(single.blocks) == MAX_MESSAGE_BLOCKS
    assert single.blocks[-1]["elements"][0]["text"] == "…"
    home = render_home(_document(*[paragraph(f"part {n}") for n in range(300)]))
    assert home["type"] == "home"
    assert len(home["blocks"]) == MAX_VIEW_BLOCKS


def test_a_files_comment_is_one_escaped_text_within_the_limit() -> None:
    text = render_mrkdwn(_document(paragraph("Here & there"), Note(("<note>",))))
    assert text == "*Title*\nHere &amp; there\n&lt;note&gt;"
    long = render_mrkdwn(_document(paragraph("& " * 3000)), limit=500)
    assert len(long) <= 500
    assert long.endswith("…")
    assert not long[:-1].rstrip().endswith(("&", "&a", "&am", "&amp"))
