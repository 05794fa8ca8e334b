"""Heuristic rubric: checks that look for the signals of a strong interview answer, in context."""

from bot.rubric.framework import (
    CheckKind,
    CheckResult,
    CheckSpec,
    QuestionContext,
    Scorecard,
    Status,
    get_check,
    register,
    registry,
    score_answer,
)
from bot.rubric.selection import checks_for_question, infer_round
from bot.rubric.text import AnswerText

__all__ = [
    "AnswerText",
    "CheckKind",
    "CheckResult",
    "CheckSpec",
    "QuestionContext",
    "Scorecard",
    "Status",
    "checks_for_question",
    "get_check",
    "infer_round",
    "register",
    "registry",
    "score_answer",
]
