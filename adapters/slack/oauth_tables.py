"""The OAuth install flow's tables as slack-sdk defines them; the Alembic migrations create exactly these.

Kept apart from the flow itself so the migrations can describe the tables without loading Bolt.
"""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy import MetaData

INSTALLATIONS_TABLE = AsyncSQLAlchemyInstallationStore.default_installations_table_name
BOTS_TABLE = AsyncSQLAlchemyInstallationStore.default_bots_table_name
STATES_TABLE = AsyncSQLAlchemyOAuthStateStore.default_table_name


def oauth_metadata() -> MetaData:
    metadata = MetaData()
    AsyncSQLAlchemyInstallationStore.build_installations_table(metadata, INSTALLATIONS_TABLE)
    AsyncSQLAlchemyInstallationStore.build_bots_table(metadata, BOTS_TABLE)
    AsyncSQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, STATES_TABLE)
    return metadata
