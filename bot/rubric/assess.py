"""One way in to scoring, for the bot, the command line and the quality benchmark alike."""

from __future__ import annotations

from functools import cache

from bot.questions import Catalog, load_catalog
from bot.rubric.framework import QuestionContext, Scorecard, score_answer
from bot.rubric.selection import checks_for_question
from bot.rubric.text import AnswerText


@cache
def _shipped() -> Catalog:
    return load_catalog(())


def assess_question_id(question_id: str, answer: str) -> Scorecard:
    question = _shipped().question(question_id)
    if question is None:
        raise KeyError(question_id)
    context = QuestionContext(question.prompt, question.round, question.pack)
    return score_answer(AnswerText(answer), question.checks, context)


def assess_prompt(prompt: str, answer: str, *, company: str | None = None) -> Scorecard:
    round_, weights = checks_for_question(prompt)
    return score_answer(AnswerText(answer), weights, QuestionContext(prompt, round_, company))
