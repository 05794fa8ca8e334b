"""Application command definitions, option parsing and autocomplete."""

from __future__ import annotations

from adapters.discord import commands
from bot.channel_settings import OPTION_HELP
from bot.questions import Catalog
from tests.discord.fake.validation import command_problems


def _by_name(items: list[dict]) -> dict[str, dict]:  # type: ignore[type-arg]
    return {item["name"]: item for item in items}


def test_definitions_are_valid_and_put_set_up_behind_manage_server() -> None:
    definitions = commands.definitions()
    assert [problem for command in definitions for problem in command_problems(command)] == []
    by_name = _by_name(definitions)
    assert set(by_name) == {"practice", "practice-admin", "mock"}
    assert by_name["practice-admin"]["default_member_permissions"] == str(1 << 5)
    assert by_name["practice"]["default_member_permissions"] is None
    assert set(_by_name(by_name["practice"]["options"])) == set(commands.MEMBER_SUBCOMMANDS)
    assert set(_by_name(by_name["practice-admin"]["options"])) == set(commands.ADMIN_SUBCOMMANDS)
    setup = _by_name(by_name["practice-admin"]["options"])["setup"]
    assert set(_by_name(setup["options"])) == set(OPTION_HELP), "every set-up option the core knows"
    assert all(command["contexts"] == [0] for command in definitions), "servers only"


def test_unchanged_commands_are_not_overwritten_again() -> None:
    wanted = commands.definitions()
    echoed = [
        {**command, "id": "1", "application_id": "2", "version": "3", "dm_permission": False, "nsfw": False}
        for command in wanted
    ]
    for command in echoed:  # Discord leaves out options' false defaults in what it returns
        for option in command["options"]:
            option.pop("required", None)
    assert commands.same_commands(echoed, wanted)
    changed = [dict(command) for command in echoed]
    changed[0] = {**changed[0], "description": "something else"}
    assert not commands.same_commands(changed, wanted)
    assert not commands.same_commands(echoed[:2], wanted)


def test_options_are_flattened_and_values_become_option_text() -> None:
    data = {
        "name": "practice-admin",
        "options": [
            {
                "name": "setup",
                "type": 1,
                "options": [
                    {"name": "enabled", "type": 5, "value": True},
                    {"name": "tz", "type": 3, "value": " UTC ", "focused": True},
                ],
            }
        ],
    }
    subcommand, values, focused = commands.flatten(data)
    assert (subcommand, focused) == ("setup", "tz")
    assert {key: commands.option_text(value) for key, value in values.items()} == {"enabled": "yes", "tz": "UTC"}
    assert commands.flatten({"name": "mock"}) == (None, {}, None)


def _complete(catalog: Catalog, command: str, subcommand: str | None, focused: str, **values: str) -> list[str]:
    options = [
        {"name": key, "type": 3, "value": value, **({"focused": True} if key == focused else {})}
        for key, value in values.items()
    ]
    data = {
        "name": command,
        "options": [{"name": subcommand, "type": 1, "options": options}] if subcommand else options,
    }
    return [choice["value"] for choice in commands.autocomplete(catalog, command, data)]


def test_autocomplete_offers_loaded_packs_rounds_pack_lists_and_zones(shipped_catalog: Catalog) -> None:
    assert _complete(shipped_catalog, "mock", None, "company", company="str")[0] == "stripe"
    assert "stop" in _complete(shipped_catalog, "mock", None, "company", company="st")
    assert len(_complete(shipped_catalog, "mock", None, "company", company="")) == len(shipped_catalog.packs)
    stripe_rounds = {round_.value for round_ in shipped_catalog.packs["stripe"].rounds}
    assert set(_complete(shipped_catalog, "mock", None, "round", company="stripe", round="")) == stripe_rounds
    assert _complete(shipped_catalog, "mock", None, "round", company="stripe", round="gtm") == ["go-to-market"]
    assert _complete(shipped_catalog, "practice-admin", "setup", "packs", packs="stripe, kl") == ["stripe,klarna"]
    zones = _complete(shipped_catalog, "practice-admin", "setup", "tz", tz="new_y")
    assert zones[0] == "America/New_York" and len(zones) <= 25
    assert _complete(shipped_catalog, "practice", "stats", "anything", anything="x") == []
