"""The bot's application commands: their definitions for Discord, option parsing, autocomplete.

Discord can restrict a command to members with a permission only for a whole top-level command, not
for one subcommand. So the set-up commands live under ``/practice-admin`` (default member permission
Manage Server, and checked again when they run), and everything members use under ``/practice``.
Option descriptions come from the core's option help, so the words match every platform.
"""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Mapping, Sequence
from typing import Any

from bot.channel_settings import OPTION_HELP
from bot.questions import Catalog
from bot.rounds import Round, parse_round

PRACTICE = "practice"
ADMIN = "practice-admin"
MOCK = "mock"

MEMBER_SUBCOMMANDS = ("help", "leaderboard", "stats", "export", "forget")
ADMIN_SUBCOMMANDS = ("setup", "post", "skip", "pause", "resume")

# Permission bits (https://discord.com/developers/docs/topics/permissions).
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5

# Application command option types.
SUB_COMMAND = 1
STRING = 3
BOOLEAN = 5

GUILD_CONTEXT = 0
GUILD_INSTALL = 0
MAX_CHOICES = 25
MAX_NAME = 100

JsonObject = dict[str, Any]


def _option(name: str, kind: int, description: str, **extra: Any) -> JsonObject:
    return {"name": name, "type": kind, "description": description[:100], **extra}


def _setting(name: str, kind: int = STRING, **extra: Any) -> JsonObject:
    return _option(name, kind, OPTION_HELP[name], **extra)


def _subcommand(name: str, description: str, options: Sequence[JsonObject] = ()) -> JsonObject:
    return _option(name, SUB_COMMAND, description, options=list(options))


def _command(name: str, description: str, options: Sequence[JsonObject], *, permissions: int | None) -> JsonObject:
    return {
        "name": name,
        "type": 1,
        "description": description,
        "options": list(options),
        "default_member_permissions": None if permissions is None else str(permissions),
        "contexts": [GUILD_CONTEXT],
        "integration_types": [GUILD_INSTALL],
    }


def definitions() -> list[JsonObject]:
    """The commands as ``PUT /applications/{id}/commands`` takes them."""
    practice = _command(
        PRACTICE,
        "Interview practice: leaderboard, your stats, your data",
        [
            _subcommand("help", "What the bot does and its commands"),
            _subcommand(
                "leaderboard",
                "Points, votes and streaks",
                [
                    _option(
                        "period",
                        STRING,
                        "This week or all time",
                        choices=[{"name": "this week", "value": "week"}, {"name": "all time", "value": "all"}],
                    )
                ],
            ),
            _subcommand("stats", "Your own progress"),
            _subcommand("export", "Your stored data as a JSON file, only for you"),
            _subcommand(
                "forget",
                "Delete everything stored about you",
                [_option("confirm", BOOLEAN, "True to really delete it")],
            ),
        ],
        permissions=None,
    )
    admin = _command(
        ADMIN,
        "Set up this channel's daily interview question",
        [
            _subcommand(
                "setup",
                "Show this channel's set-up, or change it with the options",
                [
                    _setting("time"),
                    _setting("days"),
                    _setting("cron"),
                    _setting("tz", autocomplete=True),
                    _setting("packs", autocomplete=True),
                    _setting("window"),
                    _setting("votes"),
                    _setting(
                        "feedback",
                        choices=[{"name": "in the thread", "value": "thread"}, {"name": "private", "value": "private"}],
                    ),
                    _setting("enabled", BOOLEAN),
                ],
            ),
            _subcommand("post", "Post a question now"),
            _subcommand("skip", "Skip the next scheduled question"),
            _subcommand("pause", "Stop the schedule"),
            _subcommand("resume", "Restart the schedule"),
        ],
        permissions=MANAGE_GUILD,
    )
    mock = _command(
        MOCK,
        "A mock interview for a company's loop, round by round",
        [
            _option("company", STRING, "Question pack, e.g. stripe; stop ends your mock", autocomplete=True),
            _option("round", STRING, "Only this round, e.g. rollout", autocomplete=True),
        ],
        permissions=None,
    )
    return [practice, admin, mock]


# Fields Discord adds to a command it echoes back (ids, versions, defaults); not part of a definition.
_ECHOED_ONLY = frozenset(
    {
        "id",
        "application_id",
        "version",
        "guild_id",
        "dm_permission",
        "nsfw",
        "name_localizations",
        "description_localizations",
    }
)


def _comparable(value: Any) -> Any:
    """A definition as Discord echoes it back: unset and false fields dropped, server-side ids ignored."""
    if isinstance(value, dict):
        return {
            key: _comparable(item)
            for key, item in value.items()
            if key not in _ECHOED_ONLY and item not in (None, False, [], {})
        }
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    return value


def same_commands(registered: Sequence[Mapping[str, Any]], wanted: Sequence[Mapping[str, Any]]) -> bool:
    """Whether Discord already has these commands, so a restart need not overwrite them again."""
    by_name = {command.get("name"): _comparable(dict(command)) for command in registered}
    return len(by_name) == len(wanted) and all(by_name.get(c["name"]) == _comparable(dict(c)) for c in wanted)


# -- reading an interaction's options ------------------------------------------------------------------


def flatten(data: Mapping[str, Any]) -> tuple[str | None, dict[str, Any], str | None]:
    """(subcommand, option values, name of the focused option) from an interaction's ``data``."""
    options: Sequence[Mapping[str, Any]] = data.get("options") or []
    subcommand = None
    if options and options[0].get("type") == SUB_COMMAND:
        subcommand = str(options[0].get("name", ""))
        options = options[0].get("options") or []
    values: dict[str, Any] = {}
    focused = None
    for option in options:
        name = str(option.get("name", ""))
        values[name] = option.get("value")
        if option.get("focused"):
            focused = name
    return subcommand, values, focused


def option_text(value: Any) -> str:
    """An option value as the text the core's ``key=value`` options carry."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip()


# -- autocomplete --------------------------------------------------------------------------------------


def _choice(name: str, value: str) -> JsonObject:
    return {"name": name[:MAX_NAME], "value": value[:MAX_NAME]}


@functools.cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def _company_choices(catalog: Catalog, typed: str) -> list[JsonObject]:
    needle = typed.strip().lower()
    packs = [pack for pack in catalog.packs.values() if needle in pack.name.lower() or needle in pack.title.lower()]
    packs.sort(key=lambda pack: (not pack.name.lower().startswith(needle), pack.kind != "company", pack.name))
    choices = [_choice(f"{pack.name} — {pack.title}", pack.name) for pack in packs]
    if needle and "stop".startswith(needle):
        choices.append(_choice("stop", "stop"))
    return choices[:MAX_CHOICES]


def _round_choices(catalog: Catalog, company: Any, typed: str) -> list[JsonObject]:
    pack = catalog.pack(str(company)) if company else None
    rounds: Sequence[Round] = pack.rounds if pack is not None else tuple(Round)
    needle = typed.strip().lower()
    wanted = parse_round(needle) if needle else None
    return [
        _choice(round_.label, round_.value)
        for round_ in rounds
        if not needle or needle in round_.label or needle in round_.value or round_ is wanted
    ][:MAX_CHOICES]


def _pack_list_choices(catalog: Catalog, typed: str) -> list[JsonObject]:
    """Completes the last name of a comma-separated pack list, keeping the names before it."""
    head, _, last = typed.rpartition(",")
    chosen = list(dict.fromkeys(name.strip().lower() for name in head.split(",") if name.strip()))
    prefix = "".join(f"{name}," for name in chosen)
    needle = last.strip().lower()
    names = [name for name in catalog.packs if name not in chosen and needle in name.lower()]
    return [_choice(prefix + name, prefix + name) for name in names][:MAX_CHOICES]


def _zone_choices(typed: str) -> list[JsonObject]:
    needle = typed.strip().lower().replace(" ", "_")
    if not needle:
        return []
    zones = [zone for zone in _zones() if needle in zone.lower()]
    zones.sort(key=lambda zone: (not zone.lower().startswith(needle), len(zone)))
    return [_choice(zone, zone) for zone in zones[:MAX_CHOICES]]


def autocomplete(catalog: Catalog, command: str, data: Mapping[str, Any]) -> list[JsonObject]:
    """Choices for the option a member is typing, from the loaded packs and the time-zone database."""
    subcommand, values, focused = flatten(data)
    typed = str(values.get(focused, "") or "") if focused else ""
    where = (command, subcommand, focused)
    if where == (MOCK, None, "company"):
        return _company_choices(catalog, typed)
    if where == (MOCK, None, "round"):
        return _round_choices(catalog, values.get("company"), typed)
    if where == (ADMIN, "setup", "packs"):
        return _pack_list_choices(catalog, typed)
    if where == (ADMIN, "setup", "tz"):
        return _zone_choices(typed)
    return []
