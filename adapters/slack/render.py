"""Documents as Block Kit: pure functions, no I/O.

Every string in a ``Document`` is literal text, so every one is escaped (``&``, ``<``, ``>``) before it
goes into a mrkdwn field, and every mrkdwn field is ``verbatim``: Slack then neither parses
``<!channel>``, ``<!here>`` or ``<@U…>`` nor turns ``@here`` typed as plain text into a mention. A
``Mention`` shows the member's name without pinging them (``names`` maps user ids to names; the
deliver part looks them up).

Slack's limits are kept here, so a long document is split or trimmed, never rejected: a mrkdwn text
object holds at most 3000 characters, a section at most 10 fields of 2000, a message at most 50
blocks and a Home tab 100.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from bot.documents import Bullets, Document, Fields, Heading, Line, Note, Paragraph, Quote

Block = dict[str, Any]

MAX_TEXT = 3000
MAX_FIELD_TEXT = 2000
MAX_FIELDS = 10
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
# The plain ``text`` of a message is what notifications show; the summary is short, this only guards it.
MAX_FALLBACK = 3000
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """Arguments for one ``chat.postMessage``/``chat.postEphemeral``/``chat.update`` call."""

    text: str
    blocks: list[Block]


def escape(text: str) -> str:
    """Literal text for a mrkdwn field: the three characters Slack reserves for markup, as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escaped_length(text: str) -> int:
    return len(text) + 4 * text.count("&") + 3 * (text.count("<") + text.count(">"))


def _hard_split(word: str, limit: int) -> Iterator[str]:
    piece = ""
    for character in word:
        if _escaped_length(piece + character) > limit:
            yield piece
            piece = ""
        piece += character
    if piece:
        yield piece


def pieces(text: str, limit: int) -> list[str]:
    """``text`` cut (at line breaks, else spaces, else anywhere) into parts whose escaped form fits ``limit``."""
    if _escaped_length(text) <= limit:
        return [text]
    parts: list[str] = []
    _fill(text, limit, 0, parts)
    return parts


_CUT_AT = ("\n", " ")  # where pieces() prefers to cut, best first


def _fill(text: str, limit: int, level: int, parts: list[str]) -> None:
    """Append ``text`` to ``parts`` as pieces that fit, cut at ``_CUT_AT[level]`` or, failing that, finer."""
    separator, current = _CUT_AT[level], ""
    for chunk in text.split(separator):
        candidate = chunk if not current else current + separator + chunk
        if _escaped_length(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
            current = ""
        if _escaped_length(chunk) <= limit:
            current = chunk
        elif level + 1 < len(_CUT_AT):
            _fill(chunk, limit, level + 1, parts)
        else:
            *whole, current = _hard_split(chunk, limit)
            parts.extend(whole)
    if current:
        parts.append(current)


def _inline(parts: Line, names: Mapping[str, str]) -> str:
    """The raw (unescaped) text of a line; a mention becomes ``@name``, which never pings."""
    return "".join(
        part if isinstance(part, str) else "@" + (names.get(part.user.user_id) or part.user.label) for part in parts
    )


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _sections(lines: list[str], *, marker: str = "", bold: bool = False) -> list[Block]:
    """Sections holding ``lines`` (raw text), each prefixed with ``marker`` and escaped, packed under the limit."""
    decoration = len(marker) + (2 if bold else 0)
    rendered: list[str] = []
    for line in lines:
        for piece in pieces(line, MAX_TEXT - decoration):
            text = escape(piece)
            rendered.append(f"{marker}*{text}*" if bold and piece.strip() else f"{marker}{text}")
    blocks: list[Block] = []
    chunk = ""
    for text in rendered:
        candidate = text if not chunk else chunk + "\n" + text
        if len(candidate) > MAX_TEXT and chunk:
            blocks.append({"type": "section", "text": _mrkdwn(chunk)})
            candidate = text
        chunk = candidate
    if chunk.strip():
        blocks.append({"type": "section", "text": _mrkdwn(chunk)})
    return blocks


def _field_blocks(pairs: tuple[tuple[str, str], ...]) -> list[Block]:
    fields: list[dict[str, Any]] = []
    for label, value in pairs:
        head = f"*{escape(label)}*\n" if label.strip() else ""
        room = MAX_FIELD_TEXT - len(head)
        body = pieces(value, room - len(ELLIPSIS))
        text = escape(body[0]) + (ELLIPSIS if len(body) > 1 else "") if body else ""
        fields.append(_mrkdwn((head + text) or " "))
    return [
        {"type": "section", "fields": fields[start : start + MAX_FIELDS]} for start in range(0, len(fields), MAX_FIELDS)
    ]


def _note_blocks(text: str) -> list[Block]:
    return [{"type": "context", "elements": [_mrkdwn(escape(piece))]} for piece in pieces(text, MAX_TEXT) if piece]


def render_blocks(document: Document, names: Mapping[str, str] | None = None) -> list[Block]:
    """Every block of the document, each within Slack's per-block limits (the count is not limited here)."""
    names = names or {}
    blocks: list[Block] = []
    if document.title:
        blocks += _sections([document.title], bold=True)
    for block in document.blocks:
        match block:
            case Heading(text):
                blocks += _sections([text], bold=True)
            case Paragraph(parts):
                blocks += _sections([_inline(parts, names)])
            case Bullets(items):
                blocks += _sections([_inline(item, names) for item in items], marker="• ")
            case Quote(text):
                blocks += _sections(text.splitlines() or [""], marker=">")
            case Fields(pairs):
                blocks += _field_blocks(pairs)
            case Note(parts):
                blocks += _note_blocks(_inline(parts, names))
    return blocks


def fallback_text(document: Document) -> str:
    """The message's plain ``text``: the summary, escaped, for notifications and screen readers."""
    summary = document.summary or document.title or ELLIPSIS
    first = pieces(summary, MAX_FALLBACK - len(ELLIPSIS))
    return escape(first[0]) + (ELLIPSIS if len(first) > 1 else "")


def _trimmed(blocks: list[Block], limit: int) -> list[Block]:
    if len(blocks) <= limit:
        return blocks
    return [*blocks[: limit - 1], {"type": "context", "elements": [_mrkdwn(ELLIPSIS)]}]


def render_messages(document: Document, names: Mapping[str, str] | None = None) -> list[SlackMessage]:
    """The document as one message, or several in order when it has more blocks than one message holds."""
    blocks = render_blocks(document, names)
    text = fallback_text(document)
    if not blocks:
        return [SlackMessage(text, [])]
    return [
        SlackMessage(text, blocks[start : start + MAX_MESSAGE_BLOCKS])
        for start in range(0, len(blocks), MAX_MESSAGE_BLOCKS)
    ]


def render_single_message(document: Document, names: Mapping[str, str] | None = None) -> SlackMessage:
    """The document as exactly one message (an edit replaces one message): trimmed to the block limit."""
    return SlackMessage(fallback_text(document), _trimmed(render_blocks(document, names), MAX_MESSAGE_BLOCKS))


def render_home(document: Document, names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The member's App Home tab."""
    return {"type": "home", "blocks": _trimmed(render_blocks(document, names), MAX_VIEW_BLOCKS)}


def render_mrkdwn(document: Document, names: Mapping[str, str] | None = None, *, limit: int = MAX_TEXT) -> str:
    """The document as one mrkdwn text (a file's comment), escaped and cut to ``limit``."""
    texts: list[str] = []
    for block in render_blocks(document, names):
        if "text" in block:
            texts.append(block["text"]["text"])
        texts.extend(item["text"] for item in (*block.get("fields", ()), *block.get("elements", ())))
    text = "\n".join(texts)
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
    entity = cut.rfind("&")
    if entity != -1 and ";" not in cut[entity:]:
        cut = cut[:entity]  # never leave half an entity such as "&am"
    return cut + ELLIPSIS
