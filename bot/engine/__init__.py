"""The engine: the practice loop's use cases over platform-neutral events and effects."""

from bot.engine.core import Engine
from bot.engine.deps import Deps, EngineConfig
from bot.engine.dispatch import DeliveryError, Dispatcher, Outbox

__all__ = ["DeliveryError", "Deps", "Dispatcher", "Engine", "EngineConfig", "Outbox"]
