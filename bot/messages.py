"""Every word the bot says to members, in one place, identical on every platform.

Functions here build ``Document`` values; adapters only render them. Text a member wrote enters a
document only as a ``Quote`` or as a literal string, never as markup.
"""

from __future__ import annotations

from bot.documents import Document, Tone, paragraph
from bot.questions import Catalog


def packs_valid(catalog: Catalog) -> str:
    packs = ", ".join(f"{pack.name} ({len(pack.questions)})" for pack in catalog.packs.values())
    return f"ok: {len(catalog)} questions in {len(catalog.packs)} packs: {packs}"


def unknown_company(name: str, catalog: Catalog) -> Document:
    known = ", ".join(pack.name for pack in catalog.packs.values())
    return Document(
        None,
        (paragraph(f"There is no question pack called “{name}”. Known packs: {known}."),),
        summary=f"Unknown pack {name}",
        tone=Tone.WARN,
    )
