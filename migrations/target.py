"""Every table the migrations own: the bot's models and the tables of the Slack OAuth install flow.

``env.py`` compares migrations with this (``alembic check``), and so do the migration tests.
"""

from __future__ import annotations

from sqlalchemy import MetaData

from adapters.slack.oauth_tables import oauth_metadata
from bot.store.models import Base


def target_metadata() -> MetaData:
    combined = MetaData(naming_convention=Base.metadata.naming_convention)
    for source in (Base.metadata, oauth_metadata()):
        for table in source.tables.values():
            table.to_metadata(combined)
    return combined
