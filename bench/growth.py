"""How costs grow with data: the ingest and tick figures at 10x fewer and 10x more rows.

Ingest runs against databases already holding that many answers (with their posts, members, votes
and processed-event keys); the tick runs over that many configured channels, a tenth of them due.
With indexes doing the lookups, answers per second stay flat and tick time grows with the number of
due channels only, so the cost per due channel stays flat.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert, select

from bench.common import Figure, migrated_sqlite
from bench.ingest import ANSWER, compare
from bench.scheduler import NOW, populate, tick_once
from bot.questions import load_catalog
from bot.store.database import create_engine
from bot.store.models import Answer, Channel, Member, Post, ProcessedEvent, Vote, Workspace

ANSWERS_PER_POST = 20
ROWS_PER_BATCH = 5_000


async def populate_history(url: str, answers: int) -> None:
    """``answers`` earlier answers in another workspace, with what they bring along."""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            workspace = (
                await connection.execute(
                    insert(Workspace)
                    .values(platform="slack", external_id="THISTORY", created_at=NOW)
                    .returning(Workspace.id)
                )
            ).scalar_one()
            channel = (
                await connection.execute(
                    insert(Channel)
                    .values(
                        workspace_id=workspace,
                        platform="slack",
                        external_id="CHISTORY",
                        timezone="UTC",
                        schedule="0 9 * * *",
                        packs=["stripe"],
                        answer_window_minutes=1440,
                        vote_emojis=["+1"],
                        feedback_visibility="thread",
                        enabled=False,
                        next_due_at=None,
                        created_at=NOW,
                        updated_at=NOW,
                    )
                    .returning(Channel.id)
                )
            ).scalar_one()
            await connection.execute(
                insert(Member),
                [{"workspace_id": workspace, "external_id": f"UH{n:05d}", "created_at": NOW} for n in range(200)],
            )
            members = list(
                (await connection.execute(select(Member.id).where(Member.workspace_id == workspace))).scalars()
            )
            posts_needed = max(1, answers // ANSWERS_PER_POST)
            await connection.execute(
                insert(Post),
                [
                    {
                        "workspace_id": workspace,
                        "channel_id": channel,
                        "platform": "slack",
                        "question_id": "stripe-sd-webhook-delivery",
                        "local_date": date.fromordinal(700_000 + n),
                        "daily_slot": date.fromordinal(700_000 + n),
                        "status": "closed",
                        "due_at": NOW,
                        "claimed_at": NOW,
                        "attempts": 1,
                        "message_id": f"{n}.0001",
                        "thread_channel_id": "CHISTORY",
                        "thread_id": f"{n}.0001",
                        "posted_at": NOW,
                        "closes_at": NOW,
                        "created_at": NOW,
                    }
                    for n in range(posts_needed)
                ],
            )
            posts = list((await connection.execute(select(Post.id).where(Post.workspace_id == workspace))).scalars())
            for start in range(0, answers, ROWS_PER_BATCH):
                numbers = range(start, min(answers, start + ROWS_PER_BATCH))
                await connection.execute(
                    insert(Answer),
                    [
                        {
                            "workspace_id": workspace,
                            "post_id": posts[n // ANSWERS_PER_POST % len(posts)],
                            "member_id": members[n % len(members)],
                            "message_channel_id": "CHISTORY",
                            "message_id": f"{n}.0002",
                            "text": ANSWER,
                            "score": 50,
                            "results": [],
                            "late": False,
                            "created_at": NOW,
                            "updated_at": NOW,
                        }
                        for n in numbers
                    ],
                )
                await connection.execute(
                    insert(ProcessedEvent),
                    [{"workspace_id": workspace, "event_key": f"EvH{n}", "processed_at": NOW} for n in numbers],
                )
            answer_ids = list((await connection.execute(select(Answer.id, Answer.member_id))).tuples())
            for start in range(0, len(answer_ids), ROWS_PER_BATCH):
                await connection.execute(
                    insert(Vote),
                    [
                        {
                            "workspace_id": workspace,
                            "answer_id": answer_id,
                            "voter_id": members[(members.index(author) + 1) % len(members)],
                            "author_id": author,
                            "emoji": "+1",
                            "created_at": NOW,
                        }
                        for answer_id, author in answer_ids[start : start + ROWS_PER_BATCH]
                    ],
                )
    finally:
        await engine.dispose()


async def ingest_growth(*, quick: bool) -> list[Figure]:
    sizes = (300, 3_000, 30_000) if quick else (2_000, 20_000, 200_000)
    per_round, rounds = (30, 3) if quick else (100, 5)
    catalog = load_catalog()
    figures = []
    for size in sizes:
        async with migrated_sqlite("growth") as (url, _):
            await populate_history(url, size)
            measured = await compare(url, catalog, per_round=per_round, rounds=rounds)
        figures.append(
            Figure(
                "growth",
                f"answers with {size:,} stored (sqlite)",
                measured.answers,
                "answers/s",
                measured.baseline_answers,
                detail={
                    "votes_per_second": round(measured.votes, 1),
                    "baseline_votes": round(measured.baseline_votes, 1),
                },
            )
        )
    return figures


async def tick_growth(*, quick: bool) -> list[Figure]:
    sizes = (2_000, 20_000, 200_000) if quick else (10_000, 100_000, 1_000_000)
    catalog = load_catalog()
    figures = []
    for channels in sizes:
        due = channels // 10
        async with migrated_sqlite("ticks") as (url, _):
            await populate(url, catalog, channels=channels, due=due)
            tick = await tick_once(url, catalog, channels=channels, due=due)
        figures.append(
            Figure(
                "growth",
                f"tick claim per 1,000 due, {channels:,} channels (sqlite)",
                tick.claim_seconds / due * 1000,
                "s",
                detail={"claim_seconds": round(tick.claim_seconds, 3), "due": due},
            )
        )
    return figures
