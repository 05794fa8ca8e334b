"""The contract between the core and a platform adapter, found through entry points.

``bot/`` never imports an adapter. Each adapter package registers an object under the
``practice_bot.platforms`` entry-point group; ``practice-bot run`` looks them up by name.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Protocol

from bot.config import ConfigError

if TYPE_CHECKING:
    from bot.runtime import BotApp

ENTRY_POINT_GROUP = "practice_bot.platforms"
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RunOptions:
    http: bool = False
    host: str = "0.0.0.0"  # noqa: S104 - HTTP mode serves a platform's webhooks
    port: int = 3000


class PlatformPlugin(Protocol):
    name: str
    # True for a terminal chat: log lines then go to a file rather than the screen.
    interactive: bool

    def configured(self, env: Mapping[str, str]) -> bool:
        """Whether the environment holds this platform's credentials (used to pick a default)."""
        ...

    def check(self, env: Mapping[str, str], options: RunOptions) -> None:
        """Refuse missing or malformed settings with ``ConfigError`` before anything starts."""
        ...

    async def run(self, app: BotApp, options: RunOptions) -> None:
        """Serve until cancelled."""
        ...


def discover() -> dict[str, PlatformPlugin]:
    """Every installed platform adapter; one that fails to import is left out with a warning."""
    plugins: dict[str, PlatformPlugin] = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            plugins[entry.name] = entry.load()
        except (ImportError, AttributeError) as error:
            log.warning("platform adapter %s is unavailable: %s", entry.name, error)
    return plugins


def choose(plugins: Mapping[str, PlatformPlugin], requested: str | None, env: Mapping[str, str]) -> PlatformPlugin:
    if requested is not None:
        plugin = plugins.get(requested.lower())
        if plugin is None:
            raise ConfigError(f"unknown platform {requested!r} (available: {', '.join(sorted(plugins))})")
        return plugin
    configured = [plugin for name, plugin in plugins.items() if name != "console" and plugin.configured(env)]
    if len(configured) > 1:
        names = " and ".join(sorted(plugin.name for plugin in configured))
        raise ConfigError(f"credentials for {names} are both set; name one: practice-bot run {configured[0].name}")
    if configured:
        return configured[0]
    if "console" not in plugins:
        raise ConfigError("no platform credentials are set and the console adapter is not installed")
    return plugins["console"]
