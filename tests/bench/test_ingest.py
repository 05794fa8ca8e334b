"""The ingest benchmark leaves its database complete: nothing is written after it has moved on."""

from __future__ import annotations

from sqlalchemy import func, select

from bench.common import migrated_sqlite
from bench.ingest import compare
from bot.questions import Catalog
from bot.store.database import create_engine
from bot.store.models import Answer


async def test_compare_writes_every_feedback_receipt_before_it_returns(shipped_catalog: Catalog) -> None:
    async with migrated_sqlite("ingest") as (url, _):
        await compare(url, shipped_catalog, per_round=3, rounds=1)
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                answers = (await connection.execute(select(func.count()).select_from(Answer))).scalar_one()
                waiting = (
                    await connection.execute(
                        select(func.count()).select_from(Answer).where(Answer.feedback_message_id.is_(None))
                    )
                ).scalar_one()
        finally:
            await engine.dispose()
    assert answers == 3
    assert waiting == 0, "feedback receipts were still waiting when the benchmark closed its store"
