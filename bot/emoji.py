"""Vote emoji names shared by every platform.

Slack reports reactions by name (``+1``, ``fire``, ``+1::skin-tone-3``); Discord by the character
(``👍``, ``👍🏽``) or, for a server's own emoji, by its name. Both are normalised to one canonical name
so a channel's vote emojis mean the same thing everywhere.
"""

from __future__ import annotations

import re

# canonical name -> (character, other names people type)
_KNOWN: dict[str, tuple[str, tuple[str, ...]]] = {
    "+1": ("👍", ("thumbsup", "thumbs_up", "thumbs-up", "like")),
    "-1": ("👎", ("thumbsdown", "thumbs_down")),
    "fire": ("🔥", ("flame",)),
    "star": ("⭐", ()),
    "star2": ("🌟", ("glowing_star",)),
    "100": ("💯", ("hundred", "hundred_points")),
    "clap": ("👏", ("clapping", "clapping_hands")),
    "heart": ("❤", ("red_heart", "love")),
    "tada": ("🎉", ("party", "party_popper")),
    "rocket": ("🚀", ()),
    "bulb": ("💡", ("light_bulb", "idea")),
    "white_check_mark": ("✅", ("check", "check_mark_button", "tick")),
    "heavy_check_mark": ("✔", ("check_mark",)),
    "trophy": ("🏆", ()),
    "raised_hands": ("🙌", ()),
    "muscle": ("💪", ("flexed_biceps",)),
    "brain": ("🧠", ()),
    "eyes": ("👀", ()),
    "sparkles": ("✨", ()),
    "gem": ("💎", ("gem_stone",)),
    "medal": ("🏅", ("sports_medal",)),
}

_BY_CHARACTER = {character: name for name, (character, _) in _KNOWN.items()}
_BY_ALIAS = {alias: name for name, (_, aliases) in _KNOWN.items() for alias in aliases}
# Skin tones (U+1F3FB..U+1F3FF) and the emoji presentation selector do not change which emoji it is.
_MODIFIERS = re.compile("[\U0001f3fb-\U0001f3ff\ufe0f]")
_NAME = re.compile(r"^[a-z0-9_+\-]{1,64}$")


def canonical(emoji: str) -> str:
    """The canonical name of a reaction, from a Slack name, a Discord character or a typed alias."""
    value = emoji.strip()
    if value.startswith(":") and value.endswith(":") and len(value) > 2:
        value = value[1:-1]
    value = value.split("::", 1)[0]  # Slack skin tone suffix: "+1::skin-tone-2"
    value = _MODIFIERS.sub("", value)
    if value in _BY_CHARACTER:
        return _BY_CHARACTER[value]
    lowered = value.lower()
    if lowered in _KNOWN:
        return lowered
    return _BY_ALIAS.get(lowered, lowered if _NAME.match(lowered) else value)


def is_valid_name(emoji: str) -> bool:
    """A configured vote emoji must be a known emoji or look like a custom emoji name."""
    name = canonical(emoji)
    return name in _KNOWN or bool(_NAME.match(name))


def character(name: str) -> str | None:
    """The unicode character for a canonical name, when it has one (Discord reacts with it)."""
    known = _KNOWN.get(name)
    return known[0] if known else None


def display(name: str) -> str:
    return character(name) or f":{name}:"
