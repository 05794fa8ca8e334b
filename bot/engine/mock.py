"""On-demand mock interviews: one member, a company's loop round by round, a debrief at the end.

Each round is a question, the member's answer with feedback, one follow-up push-back and the
answer to it. The round's score is the better of the first answer alone and the answer together
with the follow-up, as an interviewer hears both.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace

from bot import messages
from bot.documents import Block, Document
from bot.effects import Effect, ReplyInThread, SendEphemeral, StartMockThread
from bot.engine.answers import refusal
from bot.engine.deps import Deps
from bot.engine.scoring import normalise, results_from_json, results_to_json, score
from bot.events import AnswerPosted, MockRequested
from bot.feedback import summarise
from bot.questions import Question
from bot.questions.catalog import LoopStage, Pack
from bot.rounds import parse_round
from bot.rubric import get_check
from bot.store.ports import MockRoundRecord, MockSessionRecord, MockStage, MockStatus, WorkspaceTransaction

log = logging.getLogger(__name__)

STOP_WORDS = frozenset({"stop", "end", "quit", "cancel", "exit"})
SKIP_WORDS = frozenset({"skip", "pass", "next"})


def _pick(questions: tuple[Question, ...], salt: str, exclude: set[str]) -> Question:
    available = [q for q in questions if q.id not in exclude] or list(questions)
    digest = int.from_bytes(hashlib.sha256(salt.encode()).digest()[:8], "big")
    return available[digest % len(available)]


def plan_for(pack: Pack, stages: list[LoopStage], salt: str) -> list[dict[str, str]]:
    used: set[str] = set()
    plan = []
    for index, stage in enumerate(stages):
        question = _pick(pack.in_round(stage.round), f"{salt}:{index}", used)
        used.add(question.id)
        plan.append({"round": stage.round.value, "title": stage.title, "question_id": question.id})
    return plan


def _stages(pack: Pack, requested_round: str | None) -> list[LoopStage] | None:
    loop = list(pack.loop) or [LoopStage(r, r.label.capitalize()) for r in pack.rounds[:4]]
    if requested_round is None:
        return loop
    round_ = parse_round(requested_round)
    if round_ is None or not pack.in_round(round_):
        return None
    return [stage for stage in loop if stage.round is round_][:1] or [LoopStage(round_, round_.label.capitalize())]


def _question_blocks(deps: Deps, plan: list[dict[str, str]], index: int) -> list[Block]:
    stage = plan[index]
    question = deps.catalog.question(stage["question_id"])
    assert question is not None
    return messages.mock_round_question(index + 1, len(plan), stage["title"], question)


def _reply(session: MockSessionRecord, event: AnswerPosted, content: Document) -> ReplyInThread:
    assert session.thread is not None
    return ReplyInThread(thread=session.thread, content=content, reply_to=event.message)


async def mock_requested(deps: Deps, event: MockRequested) -> list[Effect]:
    def private(content: Document) -> list[Effect]:
        return [SendEphemeral(channel=event.channel, user=event.user, content=content)]

    company = (event.company or "").strip().lower()
    if not company or company == "help":
        return private(messages.mock_usage(deps.catalog))
    if company in STOP_WORDS:
        return await stop_mock(deps, event)
    pack = deps.catalog.pack(company)
    if pack is None:
        return private(messages.unknown_company(company, deps.catalog))
    stages = _stages(pack, event.round)
    if stages is None:
        return private(messages.unknown_round(pack, event.round or ""))
    now = deps.clock.now()
    async with deps.store.transaction(event.channel.workspace) as tx:
        member_id = await tx.member_id(event.user, now)
        existing = await tx.open_mock(member_id)
        if existing is not None and now - existing.started_at > deps.config.mock_expiry:
            await tx.finish_mock(existing.id, MockStatus.ENDED, now)
            existing = None
        if existing is not None:
            return private(messages.mock_already_open(existing.company, existing.round_index + 1, len(existing.plan)))
        if not await tx.claim_event(event.event_id, now):
            return []
        plan = plan_for(pack, stages, f"{event.user.user_id}:{now.isoformat()}")
        session_id = await tx.start_mock(
            member_id=member_id, user=event.user, company=pack.name, plan=plan, channel=event.channel, at=now
        )
        if session_id is None:
            return []  # a concurrent request opened one first
    content = messages.mock_intro(event.user, pack, len(plan), _question_blocks(deps, plan, 0))
    return [
        StartMockThread(
            channel=event.channel,
            user=event.user,
            content=content,
            thread_name=f"Mock · {pack.name} · {event.user.label}"[:100],
            session_id=session_id,
        )
    ]


def _round_score(round_: MockRoundRecord) -> int | None:
    if round_.score is None:
        return None
    return max(round_.score, round_.followup_score or 0)


def _top_miss(round_: MockRoundRecord) -> str | None:
    if round_.score is None or not round_.results:
        return None
    misses = summarise(results_from_json(round_.score, round_.results)).misses
    if not misses:
        return None
    top = misses[0]
    return f"{get_check(top.check_id).title.lower()} — {top.tip or top.reason}"


def _debrief(deps: Deps, session: MockSessionRecord, rounds: list[MockRoundRecord], *, ended_early: bool) -> Document:
    pack = deps.catalog.pack(session.company)
    assert pack is not None
    by_position = {r.position: r for r in rounds}
    lines = []
    for position, stage in enumerate(session.plan):
        round_ = by_position.get(position)
        if round_ is None and ended_early:
            continue
        question = deps.catalog.question(stage["question_id"])
        lines.append(
            messages.DebriefRound(
                title=stage["title"],
                question=question.prompt if question else stage["question_id"],
                score=None if round_ is None else _round_score(round_),
                top_miss=None if round_ is None else _top_miss(round_),
            )
        )
    return messages.mock_debrief(session.user, pack, lines, ended_early=ended_early)


async def stop_mock(deps: Deps, event: MockRequested) -> list[Effect]:
    now = deps.clock.now()
    async with deps.store.transaction(event.channel.workspace) as tx:
        member_id = await tx.find_member_id(event.user)
        session = None if member_id is None else await tx.open_mock(member_id)
        if session is None:
            return [SendEphemeral(channel=event.channel, user=event.user, content=messages.mock_usage(deps.catalog))]
        await tx.finish_mock(session.id, MockStatus.ENDED, now)
    content = _debrief(deps, session, list(session.rounds), ended_early=True)
    if session.thread is None:
        return [SendEphemeral(channel=event.channel, user=event.user, content=content)]
    return [ReplyInThread(thread=session.thread, content=content)]


async def _advance(
    deps: Deps,
    tx: WorkspaceTransaction,
    *,
    session: MockSessionRecord,
    rounds: list[MockRoundRecord],
    event: AnswerPosted,
    followup_score: int | None,
) -> list[Effect]:
    following = session.round_index + 1
    if following < len(session.plan):
        await tx.set_mock_progress(session.id, round_index=following, stage=MockStage.ANSWER)
        content = messages.mock_next(_question_blocks(deps, session.plan, following), followup_score)
        return [_reply(session, event, content)]
    await tx.finish_mock(session.id, MockStatus.FINISHED, deps.clock.now())
    return [_reply(session, event, _debrief(deps, session, rounds, ended_early=False))]


async def mock_answer(
    deps: Deps, tx: WorkspaceTransaction, session: MockSessionRecord, event: AnswerPosted
) -> list[Effect]:
    if session.status is not MockStatus.OPEN or session.thread is None:
        return []
    if event.author != session.user:
        return [
            SendEphemeral(
                channel=event.message.channel,
                user=event.author,
                content=messages.mock_not_yours(session.user),
                thread=session.thread,
            )
        ]
    if not await tx.claim_event(event.event_id, deps.clock.now()):
        return []
    text = normalise(event.text)
    stage = session.plan[session.round_index]
    question = deps.catalog.question(stage["question_id"])
    if question is None:
        await tx.finish_mock(session.id, MockStatus.ENDED, deps.clock.now())
        return [_reply(session, event, messages.question_retired())]
    rounds = {r.position: r for r in session.rounds}
    current = rounds.get(session.round_index)
    skipping = text.lower().strip(" .!") in SKIP_WORDS
    refused = None if skipping else refusal(deps, text)
    if refused is not None:
        return [_reply(session, event, refused)]

    if session.stage is MockStage.ANSWER:
        if skipping:
            skipped = MockRoundRecord(
                session.round_index, stage["round"], question.id, None, None, None, None, None, None
            )
            await tx.save_mock_round(session.id, skipped)
            rounds[skipped.position] = skipped
            return await _advance(
                deps, tx, session=session, rounds=list(rounds.values()), event=event, followup_score=None
            )
        card = score(question, text)
        answered = MockRoundRecord(
            session.round_index,
            stage["round"],
            question.id,
            text,
            card.score,
            results_to_json(card),
            question.followups[0],
            None,
            None,
        )
        await tx.save_mock_round(session.id, answered)
        await tx.set_mock_progress(session.id, round_index=session.round_index, stage=MockStage.FOLLOWUP)
        return [_reply(session, event, messages.mock_feedback_and_followup(card, question.followups[0]))]

    # The follow-up stage: the first answer is stored in ``current``.
    if current is None or current.answer_text is None:
        log.warning("mock session %s was at a follow-up with no stored answer", session.id)
        return await _advance(deps, tx, session=session, rounds=list(rounds.values()), event=event, followup_score=None)
    if skipping:
        return await _advance(deps, tx, session=session, rounds=list(rounds.values()), event=event, followup_score=None)
    combined = score(question, f"{current.answer_text}\n\n{text}")
    finished = replace(current, followup_answer=text, followup_score=combined.score)
    await tx.save_mock_round(session.id, finished)
    rounds[finished.position] = finished
    return await _advance(
        deps,
        tx,
        session=session,
        rounds=list(rounds.values()),
        event=event,
        followup_score=max(current.score or 0, combined.score),
    )
