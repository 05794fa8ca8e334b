"""Rendering documents as terminal text, wrapped to the terminal's width."""

from __future__ import annotations

import textwrap

from bot.documents import Bullets, Document, Fields, Heading, Note, Paragraph, Quote, inline_text


def render(document: Document, *, width: int = 88, indent: str = "") -> str:
    width = max(40, width - len(indent))
    lines: list[str] = []

    def wrap(text: str, first: str = "", rest: str = "") -> None:
        for paragraph in text.splitlines() or [""]:
            lines.extend(
                textwrap.wrap(paragraph, width, initial_indent=first, subsequent_indent=rest or " " * len(first))
                or [first.rstrip()]
            )

    if document.title:
        lines += [document.title, "─" * min(width, max(len(document.title), 20))]
    for block in document.blocks:
        match block:
            case Heading(text):
                lines += ["", f"▸ {text}"]
            case Paragraph(parts):
                wrap(inline_text(parts))
            case Bullets(items):
                for item in items:
                    wrap(inline_text(item), "  • ", "    ")
            case Quote(text):
                wrap(text, "  │ ", "  │ ")
            case Fields(pairs):
                for label, value in pairs:
                    wrap(value, f"{label}: ", "    ")
            case Note(parts):
                wrap(f"({inline_text(parts)})")
    return "\n".join(indent + line if line else line for line in lines) + "\n"
