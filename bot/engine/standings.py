"""Leaderboards, streaks and personal stats."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from bot import messages
from bot.documents import Document
from bot.engine.deps import Deps
from bot.engine.scoring import results_from_json
from bot.feedback import most_missed
from bot.refs import UserRef
from bot.rubric import get_check
from bot.store.ports import WorkspaceTransaction

LEADERBOARD_SIZE = 10
STREAK_LOOKBACK = 366


def streak(answered: set[date], scheduled: Sequence[tuple[date, bool]]) -> int:
    """Consecutive scheduled questions answered, newest first; an open, unanswered one doesn't break it."""
    count = 0
    for position, (day, is_open) in enumerate(scheduled):
        if day in answered:
            count += 1
        elif position == 0 and is_open:
            continue
        else:
            break
    return count


async def leaderboard(deps: Deps, tx: WorkspaceTransaction, *, weekly: bool) -> Document:
    since = deps.clock.now() - timedelta(days=7) if weekly else None
    rows = await tx.leaderboard(since, LEADERBOARD_SIZE)
    scheduled = await tx.scheduled_dates(STREAK_LOOKBACK)
    answered = await tx.answered_dates([row.member_id for row in rows])
    standings = [
        messages.Standing(row.user, row.points, row.answered, row.votes, streak(answered[row.member_id], scheduled))
        for row in rows
    ]
    return messages.leaderboard(standings, weekly=weekly)


async def personal_stats(tx: WorkspaceTransaction, user: UserRef) -> messages.PersonalStats:
    member_id = await tx.find_member_id(user)
    empty = messages.PersonalStats(user, 0, 0, None, None, 0, 0, None, 0, None, 0)
    if member_id is None:
        return empty
    board = await tx.leaderboard(None, None)
    position = next((index for index, row in enumerate(board, start=1) if row.member_id == member_id), None)
    row = board[position - 1] if position else None
    recent = await tx.recent_results(member_id, 50)
    scores = [score_value for score_value, _ in recent]
    missed = most_missed([results_from_json(score_value, results) for score_value, results in recent])
    scheduled = await tx.scheduled_dates(STREAK_LOOKBACK)
    answered = await tx.answered_dates([member_id])
    return messages.PersonalStats(
        user=user,
        answered=row.answered if row else 0,
        points=row.points if row else 0,
        average=round(sum(scores) / len(scores)) if scores else None,
        best=max(scores) if scores else None,
        votes=row.votes if row else 0,
        streak=streak(answered[member_id], scheduled),
        rank=position,
        members=len(board),
        weakest=get_check(missed[0][0]).title.lower() if missed else None,
        mocks=await tx.mock_count(member_id),
    )
