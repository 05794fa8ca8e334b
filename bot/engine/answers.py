"""Answers in a question's thread: posted, edited, deleted."""

from __future__ import annotations

import logging

from bot import messages
from bot.channel_settings import FeedbackVisibility
from bot.documents import Document
from bot.effects import DeleteMessage, Effect, ReplyInThread, SendEphemeral, UpdateMessage
from bot.engine.deps import Deps
from bot.engine.scoring import AnswerProblem, Limits, answer_problem, normalise, results_to_json, score
from bot.events import AnswerDeleted, AnswerEdited, AnswerPosted
from bot.refs import MessageRef, ThreadRef, UserRef
from bot.store.ports import AnswerRecord, PostRecord, PostStatus, WorkspaceTransaction

log = logging.getLogger(__name__)


def refusal(deps: Deps, text: str) -> Document | None:
    """Why ``text`` is not taken as an answer, in the member's words; ``None`` when it is one."""
    problem = answer_problem(text, Limits(deps.config.max_answer_chars, deps.config.min_answer_words))
    if problem is None:
        return None
    if problem is AnswerProblem.EMPTY:
        return messages.answer_refused_empty()
    if problem is AnswerProblem.TOO_LONG:
        return messages.answer_refused_long(len(text), deps.config.max_answer_chars)
    return messages.answer_refused_short(deps.config.min_answer_words)


def _private(post: PostRecord, thread: ThreadRef, user: UserRef, content: Document) -> SendEphemeral:
    return SendEphemeral(channel=post.channel, user=user, content=content, thread=thread)


def _deliver_feedback(
    *,
    post: PostRecord,
    thread: ThreadRef,
    message: MessageRef,
    author: UserRef,
    answer_id: int,
    content: Document,
    previous: MessageRef | None,
) -> list[Effect]:
    if post.settings.feedback is FeedbackVisibility.PRIVATE:
        return [
            SendEphemeral(
                channel=post.channel, user=author, content=content, thread=thread, feedback_for_answer=answer_id
            )
        ]
    if previous is not None:
        return [UpdateMessage(message=previous, content=content)]
    return [ReplyInThread(thread=thread, content=content, reply_to=message, feedback_for_answer=answer_id)]


async def _store_new_answer(
    deps: Deps,
    tx: WorkspaceTransaction,
    post: PostRecord,
    *,
    thread: ThreadRef,
    message: MessageRef,
    author: UserRef,
    text: str,
    edited: bool,
) -> list[Effect]:
    refused = refusal(deps, text)
    if refused is not None:
        return [_private(post, thread, author, refused)]
    question = deps.catalog.question(post.question_id)
    if question is None:
        return [_private(post, thread, author, messages.question_retired())]
    card = score(question, text)
    late = post.status is not PostStatus.POSTED
    now = deps.clock.now()
    member_id = await tx.member_id(author, now)
    answer_id = await tx.add_answer(
        post_id=post.id,
        member_id=member_id,
        message=message,
        text=text,
        score=card.score,
        results=results_to_json(card),
        late=late,
        at=now,
    )
    if answer_id is None:
        return []  # this message is already stored (delivered again under another event id)
    content = messages.answer_feedback(card, author=author, late=late, edited=edited)
    return _deliver_feedback(
        post=post,
        thread=thread,
        message=message,
        author=author,
        answer_id=answer_id,
        content=content,
        previous=None,
    )


async def answer_posted(deps: Deps, tx: WorkspaceTransaction, post: PostRecord, event: AnswerPosted) -> list[Effect]:
    thread = event.message.thread
    assert thread is not None
    if not await tx.claim_event(event.event_id, deps.clock.now()):
        return []
    return await _store_new_answer(
        deps,
        tx,
        post,
        thread=thread,
        message=event.message,
        author=event.author,
        text=normalise(event.text),
        edited=False,
    )


async def answer_edited(deps: Deps, tx: WorkspaceTransaction, post: PostRecord, event: AnswerEdited) -> list[Effect]:
    thread = event.message.thread
    assert thread is not None
    if not await tx.claim_event(event.event_id, deps.clock.now()):
        return []
    text = normalise(event.text)
    existing = await tx.answer_by_message(event.message)
    if existing is None:
        # An edit of a reply that was not an answer yet (too short, or arrived before its post event).
        return await _store_new_answer(
            deps, tx, post, thread=thread, message=event.message, author=event.author, text=text, edited=True
        )
    if existing.author != event.author or existing.text == text:
        return []  # platforms also send "edits" for unfurls and attachments that leave the text alone
    refused = refusal(deps, text)
    if refused is not None:
        return [_private(post, thread, event.author, refused)]
    question = deps.catalog.question(post.question_id)
    if question is None:
        return []
    card = score(question, text)
    await tx.update_answer(existing.id, text=text, score=card.score, results=results_to_json(card), at=deps.clock.now())
    content = messages.answer_feedback(card, author=event.author, late=existing.late, edited=True)
    return _deliver_feedback(
        post=post,
        thread=thread,
        message=event.message,
        author=event.author,
        answer_id=existing.id,
        content=content,
        previous=existing.feedback,
    )


async def answer_deleted(
    deps: Deps, tx: WorkspaceTransaction, answer: AnswerRecord, event: AnswerDeleted
) -> list[Effect]:
    if not await tx.claim_event(event.event_id, deps.clock.now()):
        return []
    await tx.delete_answer(answer.id)
    log.info("answer %s withdrawn: its message was deleted", answer.id)
    return [] if answer.feedback is None else [DeleteMessage(message=answer.feedback)]
