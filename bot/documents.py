"""Platform-neutral message content.

The engine never writes markup. A document is a title plus typed blocks whose strings are literal
text: every renderer escapes them for its platform, so text a member wrote cannot mention, ping or
format anything. Formatting (headings, fields, quotes) is structure, and each renderer maps it to
Block Kit, embeds or terminal text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.refs import UserRef


@dataclass(frozen=True, slots=True)
class Mention:
    """A member named in bot text. Renderers show the name; none of them may ping for it."""

    user: UserRef


Inline = str | Mention
Line = tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Heading:
    text: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    parts: Line


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class Quote:
    """An excerpt of text a member wrote."""

    text: str


@dataclass(frozen=True, slots=True)
class Fields:
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Note:
    """Small print: hints about commands, footers."""

    parts: Line


Block = Heading | Paragraph | Bullets | Quote | Fields | Note


class Tone(StrEnum):
    INFO = "info"
    QUESTION = "question"
    GOOD = "good"
    WARN = "warn"
    SUMMARY = "summary"


@dataclass(frozen=True, slots=True)
class Document:
    title: str | None
    blocks: tuple[Block, ...]
    # A short one-line version for notifications and for platforms that need a plain fallback.
    summary: str
    tone: Tone = Tone.INFO


def paragraph(*parts: Inline) -> Paragraph:
    return Paragraph(tuple(parts))


def bullets(items: Iterable[Inline | Line]) -> Bullets:
    return Bullets(tuple(item if isinstance(item, tuple) else (item,) for item in items))


def note(*parts: Inline) -> Note:
    return Note(tuple(parts))


def inline_text(parts: Line) -> str:
    return "".join(part if isinstance(part, str) else f"@{part.user.label}" for part in parts)


def plain_text(document: Document) -> str:
    """The document as plain text: what the console prints and the fallback other renderers use."""
    lines: list[str] = []
    if document.title:
        lines += [document.title, ""]
    for block in document.blocks:
        match block:
            case Heading(text):
                lines.append(f"▸ {text}")
            case Paragraph(parts):
                lines.append(inline_text(parts))
            case Bullets(items):
                lines.extend(f"  • {inline_text(item)}" for item in items)
            case Quote(text):
                lines.extend(f"  > {line}" for line in text.splitlines() or [""])
            case Fields(pairs):
                lines.extend(f"{label}: {value}" for label, value in pairs)
            case Note(parts):
                lines.append(f"({inline_text(parts)})")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
