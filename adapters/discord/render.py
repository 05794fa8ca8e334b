"""Documents -> Discord message bodies. Pure.

Every string in a document is literal text: Discord markdown and mention syntax in it are escaped, so
``*``, ``<@123>`` or ``@everyone`` a member wrote show as typed. Escaping is one layer; the other is
``allowed_mentions`` with nothing allowed on every body, so even a mention that got through could not
ping anyone. A titled document becomes an embed (title, description, fields, footer); an untitled one
is a plain message. Both are split to stay inside Discord's limits instead of being refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from bot.documents import Block, Bullets, Document, Fields, Heading, Line, Mention, Note, Paragraph, Quote, Tone

CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELDS_PER_EMBED = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
EMBEDS_PER_MESSAGE = 10
EMBED_TOTAL_LIMIT = 6000
INLINE_FIELD_WIDTH = 40

# Nothing in a bot message may ping: not @everyone/@here, roles, users, nor the author of a replied-to message.
NO_MENTIONS: dict[str, Any] = {"parse": [], "replied_user": False}

COLOURS = {
    Tone.INFO: 0x5865F2,
    Tone.QUESTION: 0x3BA55C,
    Tone.GOOD: 0x57F287,
    Tone.WARN: 0xFAA61A,
    Tone.SUMMARY: 0xEB459E,
}

Body = dict[str, Any]

_SPECIAL = re.compile(r"([\\*_~`|<>\[\]@])")
# Markdown that only means something at the start of a line: headings, lists, quotes, subtext.
_LINE_START = re.compile(r"^([ \t]*)(#|-|\+|\d+\.)", re.MULTILINE)


def escape(text: str) -> str:
    """``text`` as Discord shows it literally: no formatting, links, mentions, emoji or headings."""
    text = _SPECIAL.sub(r"\\\1", text)

    def line_start(match: re.Match[str]) -> str:
        indent, marker = match.groups()
        if marker[0].isdigit():
            return f"{indent}{marker[:-1]}\\."
        return f"{indent}\\{marker}"

    return _LINE_START.sub(line_start, text)


def _mention(part: Mention, *, markup: bool) -> str:
    user_id = part.user.user_id
    if markup and user_id.isdigit():
        return f"<@{user_id}>"  # shows the member's name; allowed_mentions keeps it silent
    return "@" + (escape(part.user.label) if markup else part.user.label)


def inline(parts: Line, *, markup: bool = True) -> str:
    """A line of text and mentions; ``markup=False`` for places Discord shows as plain text (footers)."""
    return "".join(
        (escape(part) if markup else part) if isinstance(part, str) else _mention(part, markup=markup) for part in parts
    )


def _block_text(block: Block) -> str:
    match block:
        case Heading(text):
            return f"**{escape(text)}**"
        case Paragraph(parts):
            return inline(parts)
        case Bullets(items):
            return "\n".join(f"• {inline(item)}" for item in items)
        case Quote(text):
            return "\n".join(f"> {escape(line)}" if line.strip() else ">" for line in text.splitlines() or [""])
        case Fields(pairs):
            return "\n".join(f"**{escape(label)}:** {escape(value)}" for label, value in pairs)
        case Note(parts):
            return f"*{inline(parts)}*"


def _join(blocks: Iterable[Block]) -> str:
    chunks: list[str] = []
    previous = None
    for block in blocks:
        text = _block_text(block)
        if chunks:
            chunks.append("\n" if isinstance(previous, Heading) else "\n\n")
        chunks.append(text)
        previous = block
    return "".join(chunks)


def _safe_cut(text: str, at: int) -> int:
    """Move a cut back so it never separates a backslash from the character it escapes."""
    backslashes = len(text[:at]) - len(text[:at].rstrip("\\"))
    return at - 1 if backslashes % 2 else at


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at paragraph, line or word boundaries when possible."""
    pieces: list[str] = []
    rest = text.strip("\n")
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = max(window.rfind("\n\n"), 0)
        if cut < limit // 2:
            cut = window.rfind("\n")
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut < limit // 2:
            cut = limit
        cut = _safe_cut(rest, min(cut, limit))
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def trim(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: _safe_cut(text, limit - 1)].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class _Layout:
    body: tuple[Block, ...]
    fields: tuple[tuple[str, str], ...]
    footer: tuple[Note, ...]


def _layout(document: Document) -> _Layout:
    """Trailing notes become the footer; trailing field blocks become embed fields, in their order."""
    blocks = list(document.blocks)
    footer: list[Note] = []
    while blocks and isinstance(blocks[-1], Note):
        footer.insert(0, blocks.pop())  # type: ignore[arg-type]
    first_fields = next((i for i, block in enumerate(blocks) if isinstance(block, Fields)), len(blocks))
    if all(isinstance(block, Fields) for block in blocks[first_fields:]):
        pairs = tuple(pair for block in blocks[first_fields:] for pair in block.pairs)  # type: ignore[union-attr]
        return _Layout(tuple(blocks[:first_fields]), pairs, tuple(footer))
    return _Layout(tuple(blocks), (), tuple(footer))


def _embed_size(embed: Body) -> int:
    size = len(embed.get("title", "")) + len(embed.get("description", ""))
    size += sum(len(field["name"]) + len(field["value"]) for field in embed.get("fields", []))
    return size + len(embed.get("footer", {}).get("text", ""))


def _field(label: str, value: str) -> Body:
    return {
        "name": trim(escape(label), FIELD_NAME_LIMIT) or "\u200b",
        "value": trim(escape(value), FIELD_VALUE_LIMIT) or "\u200b",
        "inline": len(value) <= INLINE_FIELD_WIDTH,
    }


def _embeds(document: Document) -> list[Body]:
    """Embeds for a document, each within Discord's per-embed limits and at most 6,000 characters."""
    layout = _layout(document)
    colour = COLOURS.get(document.tone, COLOURS[Tone.INFO])

    def embed() -> Body:
        return {"type": "rich", "color": colour}

    description = _join(layout.body)
    pieces = split_text(description, DESCRIPTION_LIMIT) if description else []
    embeds: list[Body] = [{**embed(), "description": piece} for piece in pieces]
    current = embeds[-1] if embeds else None
    for field in (_field(label, value) for label, value in layout.fields):
        size = len(field["name"]) + len(field["value"])
        full = current is not None and len(current.get("fields", [])) == FIELDS_PER_EMBED
        if current is None or full or _embed_size(current) + size > EMBED_TOTAL_LIMIT:
            current = embed()
            embeds.append(current)
        current.setdefault("fields", []).append(field)
    if document.title:
        title = trim(escape(document.title), TITLE_LIMIT)
        if not embeds or _embed_size(embeds[0]) + len(title) > EMBED_TOTAL_LIMIT:
            embeds.insert(0, embed())
        embeds[0]["title"] = title
    if layout.footer:
        footer = trim("\n".join(inline(note.parts, markup=False) for note in layout.footer), FOOTER_LIMIT)
        if not embeds or _embed_size(embeds[-1]) + len(footer) > EMBED_TOTAL_LIMIT:
            embeds.append(embed())
        embeds[-1]["footer"] = {"text": footer}
    return embeds or [embed()]


def _pack(embeds: Sequence[Body]) -> Iterator[list[Body]]:
    """Embeds grouped into messages: at most 10 per message and 6,000 characters between them."""
    group: list[Body] = []
    used = 0
    for embed in embeds:
        size = _embed_size(embed)
        if group and (len(group) == EMBEDS_PER_MESSAGE or used + size > EMBED_TOTAL_LIMIT):
            yield group
            group, used = [], 0
        group.append(embed)
        used += size
    if group:
        yield group


def render(document: Document) -> list[Body]:
    """Message bodies for a document, in order; most documents fit one."""
    if document.title is None:
        text = _join(document.blocks) or escape(document.summary)
        return [{"content": piece, "allowed_mentions": NO_MENTIONS} for piece in split_text(text, CONTENT_LIMIT)]
    return [{"embeds": group, "allowed_mentions": NO_MENTIONS} for group in _pack(_embeds(document))]


def render_one(document: Document) -> Body:
    """A document as one message body, cut short if it must be: for editing a message in place."""
    bodies = render(document)
    if len(bodies) == 1 or document.title is None:
        return bodies[0]
    first = bodies[0]
    last = first["embeds"][-1]
    description = last.get("description", "")
    used = sum(_embed_size(embed) for embed in first["embeds"])
    if len(description) + 2 <= DESCRIPTION_LIMIT and used + 2 <= EMBED_TOTAL_LIMIT:
        last["description"] = description + "\n…"
    return first
