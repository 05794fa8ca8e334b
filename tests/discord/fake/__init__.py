"""A fake Discord (REST and gateway v10) for the adapter's wiring tests."""

from tests.discord.fake.objects import ADMINISTRATOR, MANAGE_GUILD, MEMBER_PERMISSIONS, Channel, Message, User
from tests.discord.fake.server import Call, FakeDiscord, Guild, Interaction

__all__ = [
    "ADMINISTRATOR",
    "MANAGE_GUILD",
    "MEMBER_PERMISSIONS",
    "Call",
    "Channel",
    "FakeDiscord",
    "Guild",
    "Interaction",
    "Message",
    "User",
]
