"""Parsing typed command text (``setup time=09:00 tz="America/New_York"``) the same way everywhere."""

from __future__ import annotations

import shlex


def parse_command_text(text: str) -> tuple[str, dict[str, str], tuple[str, ...]]:
    """(subcommand, key=value options, other arguments) from the text after the command name."""
    try:
        tokens = shlex.split(text)
    except ValueError:  # an unbalanced quote: fall back to plain words rather than refusing
        tokens = text.split()
    if not tokens:
        return "", {}, ()
    options: dict[str, str] = {}
    args: list[str] = []
    for token in tokens[1:]:
        key, separator, value = token.partition("=")
        if separator and key:
            options[key.strip().lower()] = value.strip()
        else:
            args.append(token)
    return tokens[0].lower(), options, tuple(args)
